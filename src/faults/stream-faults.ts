// Stream faults (§11) for `GET /ws/tasks`: refused upgrades, sockets dropped without a close
// frame, and messages delayed per socket with their order kept. The stream asks `forUpgrade`
// once per upgrade; with no profile in force it answers null and the socket takes the plain
// pub/sub path, paying nothing.
import type { ServerWebSocket } from 'bun';
import type { WorkspaceRef } from '../domain/model.ts';
import { retryAfterSeconds, uniformMs } from './draws.ts';
import { type FaultEvents, pathOf } from './events.ts';
import { FAULT_HEADER, InjectedFault } from './http-faults.ts';
import type { FaultResolver } from './resolver.ts';

/** A delayed socket holding more than this many undelivered messages is cut off, like a slow consumer. */
const MAX_QUEUED_MESSAGES = 1_000;

/** The faults one socket lives under, from its upgrade to its close. */
export interface SocketFaults {
  /** True when messages go through `send` (delayed) instead of the workspace's pub/sub topic. */
  readonly delayed: boolean;
  /** True once the drop timer has cut the socket (the journal names the close a `drop`). */
  readonly dropped: boolean;
  /** Starts the drop timer, if any. */
  opened(ws: ServerWebSocket<unknown>): void;
  /** Sends `message` after this socket's next drawn delay, never before an earlier message. */
  send(message: string): void;
  /** Sends every queued message now (at shutdown, before the close frame). */
  flushNow(): void;
  /** Stops the timers; the socket is gone. */
  closed(): void;
}

interface Queued {
  at: number;
  message: string;
}

export type StreamFaults = ReturnType<typeof createStreamFaults>;

export function createStreamFaults({ resolver, events }: { resolver: FaultResolver; events: FaultEvents }) {
  function socketFaults(ref: WorkspaceRef, dropAfterMs: number | undefined, delayMs: ((index: number) => number) | undefined) {
    let ws: ServerWebSocket<unknown> | undefined;
    let dropTimer: ReturnType<typeof setTimeout> | undefined;
    let pumpTimer: ReturnType<typeof setTimeout> | undefined;
    const queue: Queued[] = [];
    let sent = 0;
    let dropped = false;

    function deliver(upTo: number): void {
      while (queue.length > 0 && queue[0]!.at <= upTo) {
        const { message } = queue.shift()!;
        if (ws?.readyState === WebSocket.OPEN) ws.send(message);
      }
    }
    function pump(): void {
      pumpTimer = undefined;
      deliver(performance.now() + 1);
      if (queue.length > 0) pumpTimer = setTimeout(pump, queue[0]!.at - performance.now());
    }

    const faults: SocketFaults = {
      delayed: delayMs !== undefined,
      get dropped() {
        return dropped;
      },
      opened(socket) {
        ws = socket;
        if (dropAfterMs === undefined) return;
        dropTimer = setTimeout(() => {
          events.emit({ kind: 'drop', ref, at: Date.now(), ms: dropAfterMs });
          dropped = true;
          // No close frame: the client sees its socket end abnormally (1006), as on a network drop.
          socket.terminate();
        }, dropAfterMs);
      },
      send(message) {
        const ms = delayMs!(sent++);
        const at = Math.max(performance.now() + ms, queue.at(-1)?.at ?? 0);
        if (ms > 0) events.emit({ kind: 'delay', ref, at: Date.now(), ms });
        queue.push({ at, message });
        if (queue.length > MAX_QUEUED_MESSAGES) return void ws?.terminate();
        pumpTimer ??= setTimeout(pump, at - performance.now());
      },
      flushNow() {
        deliver(Number.POSITIVE_INFINITY);
      },
      closed() {
        clearTimeout(dropTimer);
        clearTimeout(pumpTimer);
        queue.length = 0;
      },
    };
    return faults;
  }

  return {
    /**
     * Draws this upgrade's faults: throws the injected 503 of a refused upgrade (with
     * `X-Taskmock-Fault: refuse` and Retry-After in `set`), or returns the socket's faults, or null.
     */
    forUpgrade(ref: WorkspaceRef, request: Request, set: { headers: Record<string, string | number> }): SocketFaults | null {
      const faults = resolver.faultsFor(ref);
      const stream = faults?.profile.stream;
      if (!faults || !stream) return null;
      const n = faults.nextUpgrade();
      if (faults.draw('refuse', n) < (stream.refuseRate ?? 0)) {
        set.headers[FAULT_HEADER] = 'refuse';
        set.headers['retry-after'] = String(retryAfterSeconds(faults.draw('retry', n)));
        events.emit({ kind: 'refuse', ref, at: Date.now(), method: request.method, path: pathOf(request.url), status: 503 });
        throw new InjectedFault(503);
      }
      const { dropAfterMs: dropRange, delayMs: delayRange } = stream;
      const dropAfterMs = dropRange ? uniformMs(faults.draw('drop', n), dropRange) : undefined;
      const delay =
        delayRange && delayRange[1] > 0 ? (index: number) => uniformMs(faults.draw('delay', n, index), delayRange) : undefined;
      if (dropAfterMs === undefined && delay === undefined) return null;
      return socketFaults(ref, dropAfterMs, delay);
    },
  };
}
