// The live stream, `GET /ws/tasks`: every socket of a workspace receives the workspace's full task
// list at once on open, then again after every change. Delivery is Bun's pub/sub, one topic per
// (API key hash, workspace id), so a change costs one `publish` whatever the number of subscribers.
// Admission (checks and slots) is in admission.ts, coalesced publishing in publisher.ts, the open
// sockets in topics.ts, the journal's view of a socket in socket-trace.ts; this file is the
// handshake and each socket's life.
import type { Server, WebSocketHandler } from 'bun';
import type { ChangeFeed } from '../domain/changes.ts';
import { errors } from '../domain/errors.ts';
import type { KeyRing } from '../domain/keys.ts';
import type { Workspaces } from '../domain/workspaces.ts';
import type { WorkspaceRef } from '../domain/model.ts';
import type { Logger } from '../config/logger.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { Snapshots } from '../storage/snapshots.ts';
import { createAdmission } from './admission.ts';
import type { ChangeHistory } from './history.ts';
import { addDelayed, createPublisher, type Topic } from './publisher.ts';
import type { Recorder } from '../journal/recorder.ts';
import { createResender } from './resend.ts';
import type { StreamFaults } from '../faults/stream-faults.ts';
import { GOING_AWAY, INTERNAL_ERROR, POLICY_VIOLATION, SOCKET_LIMITS, sendTo, type Socket, type StreamData } from './socket.ts';
import { newTrace, traceClosed, traceOpened } from './socket-trace.ts';
import { createTopics } from './topics.ts';

/** What the handshake reads of Elysia's request context. */
export interface Handshake {
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  request: Request;
  server: Server<unknown> | null;
  set: { headers: Record<string, string> };
}

export interface LiveStreamOptions {
  keyRing: KeyRing;
  history: ChangeHistory;
  workspaces: Workspaces;
  snapshots: Snapshots;
  changes: ChangeFeed;
  batch: CommitBatch;
  /** The tick of SPEC §3 (resend.ts); 0 turns it off. */
  streamResendMs: number;
  logger: Logger;
  /** The fault layer (§11); without it no socket is ever faulted. */
  faults?: StreamFaults;
  /** Hosted mode's journal; absent, sockets are not journaled. */
  recorder?: Recorder;
  /** A socket was accepted and joined its workspace (counted for /metrics). */
  onOpened?: () => void;
  /** A workspace's list could not be read (SQLite error: a damaged file); its sockets are closed. */
  onBroken?: (ref: WorkspaceRef, reason: string) => void;
}

export function createLiveStream(options: LiveStreamOptions) {
  const { snapshots, logger, batch, recorder } = options;
  const admission = createAdmission(options);
  const topics = createTopics<Socket>();
  const closed = new Set<() => void>();
  // A read error must never escape a socket handler or a timer: Bun would end the process, and
  // every workspace with it. The damaged workspace's sockets are closed and the server reports it.
  function unreadable(ref: WorkspaceRef, error: unknown): void {
    for (const ws of [...(topics.get(ref)?.sockets ?? [])]) ws.close(INTERNAL_ERROR, 'database needs attention');
    options.onBroken?.(ref, error instanceof Error ? error.message : String(error));
  }
  const publisher = createPublisher({ topics: topics.byKey, snapshots, batch, history: options.history, unreadable });
  // Only workspaces with list-format sockets get the tick; envelope and patch never do (SPEC §12).
  const resender = createResender({
    intervalMs: options.streamResendMs,
    listTopics: topics.withListSockets,
    snapshots,
    batch,
    unreadable,
  });
  let closing = false;

  options.changes.listen((change) => publisher.changed(change));

  /** The first message: the list, to a socket subscribed first so that it cannot miss a later change. */
  function sendFirstList(ws: Socket, topic: Topic, delayed: StreamData['faults']): void {
    const { ref } = topic;
    if (delayed) addDelayed(topic, 'list', delayed);
    else ws.subscribe(topic.name);
    // Read once this turn's writes have settled: a client never holds what a crash could undo,
    // and a failed commit (rolled back) still leaves it the list as it now stands.
    batch.afterSettle(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      try {
        sendTo(ws, snapshots.tasksJson(ref));
      } catch (error) {
        unreadable(ref, error);
      }
    });
  }

  function opened(ws: Socket): void {
    const { slot, faults, trace } = ws.data;
    // The pending timer fired first (an absurdly slow handshake): the slot is gone, so is the socket.
    if (!admission.opened(slot) || closing) return void ws.close(closing ? GOING_AWAY : 1013, 'try again');
    // Revoked between the upgrade and now: the key no longer opens anything.
    if (!options.keyRing.isLive(slot.ref.keyHash)) return void ws.close(POLICY_VIOLATION, 'key revoked');
    options.keyRing.count(slot.ref.keyHash, 'sockets');
    options.onOpened?.();
    const { format } = slot.request;
    const topic = topics.join(slot.ref, ws, format);
    if (format === 'list') resender.watched(true);
    // Sockets of one workspace share one ref and one topic name instead of a copy each.
    slot.ref = topic.ref;
    if (trace && recorder) traceOpened(recorder, trace, topic, format, faults?.delayed === true);
    logger.debug('stream open', { workspace: topic.ref.workspaceId, subscribers: topic.sockets.size, format });
    faults?.opened(ws);
    // A socket with delayed messages is sent each one by the publisher instead of subscribing
    // (faults/stream-faults.ts), in every format.
    const delayed = faults?.delayed ? faults : null;
    // Versions must never repeat nor skip: the publisher sends the first message in its flush.
    if (format === 'list') sendFirstList(ws, topic, delayed);
    else publisher.joinVersioned(ws, topic.ref, slot.request, delayed ?? undefined);
  }

  function closedSocket(ws: Socket, code: number): void {
    const { slot, faults, trace } = ws.data;
    const { format } = slot.request;
    // Bun calls close for every ending, clean or not (1006 when the peer just vanished).
    const topic = topics.get(slot.ref);
    if (trace && recorder && topic?.sockets.has(ws)) {
      traceClosed(recorder, trace, slot.ref, { topic, format, code, dropped: faults?.dropped === true });
    }
    if (faults) {
      faults.closed();
      topic?.delayed?.[format]?.delete(faults);
    }
    if (topics.leave(slot.ref, ws, format) && format === 'list') resender.watched(topics.hasListSockets());
    admission.release(slot);
    logger.debug('stream close', { workspace: slot.ref.workspaceId, code });
    for (const notify of closed) notify();
  }

  // Per-socket state is one small object: the slot, its faults and its trace. Elysia's `.ws()`
  // would store a copy of the whole request context and seven fresh closures on every socket
  // (about 3.3 KB of heap each, measured with 5000 sockets, against 0.3 KB this way), and SPEC §8
  // bounds memory per socket. So the route upgrades by itself, and these are the server's socket
  // handlers (http/serve.ts passes them to `Bun.serve({ websocket })`).
  const websocket = {
    ...SOCKET_LIMITS,
    open: opened,
    close: closedSocket,
    // Client messages are ignored by contract; oversized ones never get here (maxPayloadLength).
    message: () => undefined,
  } satisfies WebSocketHandler<StreamData>;

  /**
   * The handshake of `GET /ws/tasks` (mounted by stream-route.ts): checks, takes a slot and
   * upgrades, or throws the refusal. Answers undefined once upgraded.
   */
  function handshake({ query, headers, request, server, set }: Handshake): undefined {
    if (closing) throw errors.shuttingDown();
    const slot = admission.admit(query, headers, request.url, recorder && ((ref) => recorder.tag(request, ref)));
    const trace = recorder && newTrace(headers);
    const data: StreamData = { slot, faults: null, trace };
    if (options.faults) {
      try {
        data.faults = options.faults.forUpgrade(slot.ref, request, set);
      } catch (refused) {
        admission.release(slot);
        throw refused;
      }
    }
    if (server?.upgrade(request, { data })) return undefined;
    // Not reached with a valid handshake; never keep a slot for a socket that does not exist.
    admission.release(slot);
    throw errors.invalidHandshake();
  }

  return {
    handshake,
    /** The server's WebSocket handlers and limits. */
    websocket,

    /** Hands over the listening server, whose `publish` reaches every subscriber of a topic. */
    attach(server: Server<unknown>): void {
      publisher.attach(server);
      resender.attach(server);
    },

    /** Open sockets right now (for /stats and tests). */
    openCount: topics.openCount,

    /** Closes every socket of the key with this identity (revoked, re-issued or expired) with 1008. */
    closeKey(keyHash: string, reason = 'key revoked'): void {
      for (const ws of topics.sockets(keyHash)) ws.close(POLICY_VIOLATION, reason);
    },

    /** Whether the resend tick's timer exists (for tests: never while no socket is open). */
    resendActive: resender.active,

    /**
     * Refuses new upgrades, closes every socket with `code` and resolves once Bun has reported
     * each of them closed, or after `waitMs` if some peer never answers.
     */
    closeAll(code = GOING_AWAY, waitMs = 1_000): Promise<void> {
      closing = true;
      resender.stop();
      // Whatever changed last is sent before the close frame: the final state is never dropped.
      publisher.flushNow();
      if (topics.openCount() === 0) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      const check = () => topics.openCount() === 0 && resolve();
      closed.add(check);
      const timer = setTimeout(resolve, waitMs);
      for (const ws of topics.sockets()) {
        ws.data.faults?.flushNow();
        ws.close(code, 'server shutting down');
      }
      check();
      return promise.finally(() => {
        clearTimeout(timer);
        closed.delete(check);
      });
    },
  };
}
