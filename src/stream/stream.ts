// The live stream, `GET /ws/tasks`: every socket of a workspace receives the workspace's full task
// list at once on open, then again after every change. Delivery is Bun's pub/sub, one topic per
// (API key hash, workspace id), so a change costs one `publish` whatever the number of subscribers.
// Admission (checks and slots) is in admission.ts, coalesced publishing in publisher.ts; this file
// is the route and each socket's life.
import type { Server, ServerWebSocket, WebSocketHandler } from 'bun';
import type { ChangeFeed } from '../domain/changes.ts';
import { errors } from '../domain/errors.ts';
import type { KeyRing } from '../domain/keys.ts';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { Workspaces } from '../domain/workspaces.ts';
import type { Logger } from '../config/logger.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { Snapshots } from '../storage/snapshots.ts';
import { createAdmission, type Slot } from './admission.ts';
import type { ChangeHistory } from './history.ts';
import { addDelayed, createPublisher, workspaceTopic, type Topic } from './publisher.ts';
import type { Recorder } from '../journal/recorder.ts';
import { createResender } from './resend.ts';
import type { SocketFaults, StreamFaults } from '../faults/stream-faults.ts';

/** Close code sent to every socket when the server shuts down ("going away"). */
export const GOING_AWAY = 1001;
/** Close code sent to the sockets of a key that was revoked, re-issued or expired. */
export const POLICY_VIOLATION = 1008;
/** Close code sent to the sockets of a workspace whose rows cannot be read (a damaged file). */
export const INTERNAL_ERROR = 1011;

/** In hosted mode, what the journal needs about a socket (events.ts `socket.open` / `socket.close`). */
interface SocketTrace {
  origin: string | undefined;
  userAgent: string | undefined;
  openId: number;
  openedAt: number;
  publishedAtOpen: number;
}

/** Bun-level socket limits. Bun takes these once per server (`Bun.serve({ websocket })`), not per route. */
export const SOCKET_LIMITS = {
  // Clients have nothing to say; 4 KiB is room for any reasonable stray message, more closes (1009).
  maxPayloadLength: 4 * 1024,
  // About six full 1000-task lists. A consumer that falls that far behind is cut off rather than
  // buffered without bound; it reconnects and gets the current list in one message.
  backpressureLimit: 1024 * 1024,
  closeOnBackpressureLimit: true,
  // Bun pings shortly before the timeout, so a live client (browsers answer pings by themselves)
  // is never cut, and proxies that drop silent connections after 60 s see traffic.
  idleTimeout: 30,
  sendPings: true,
  // The same bytes go to every subscriber; compressing them per socket would cost more than it saves.
  perMessageDeflate: false,
} satisfies Partial<WebSocketHandler<unknown>>;

/** What each socket carries. */
interface StreamData {
  slot: Slot;
  /** The faults this socket lives under (§11); null on the plain pub/sub path. */
  faults: SocketFaults | null;
  trace: SocketTrace | undefined;
}

type Socket = ServerWebSocket<StreamData>;

/** What the handshake reads of Elysia's request context. */
export interface Handshake {
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  request: Request;
  server: Server<unknown> | null;
  set: { headers: Record<string, string> };
}

/** A watched workspace: its topic and its open sockets; present only while it has one. */
interface WatchedTopic extends Topic {
  sockets: Set<Socket>;
}

/** Sends `message` to a socket, through its fault delay when it has one. */
function sendTo(ws: Socket, message: string): void {
  if (ws.data.faults?.delayed) ws.data.faults.send(message);
  else ws.send(message);
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

const watchedTopic = (ref: WorkspaceRef): WatchedTopic => ({
  ref,
  name: workspaceTopic(ref),
  formats: { list: 0, envelope: 0, patch: 0 },
  published: { list: 0, envelope: 0, patch: 0 },
  sockets: new Set(),
});

export function createLiveStream(options: LiveStreamOptions) {
  const { snapshots, logger, batch } = options;
  const admission = createAdmission(options);
  const topics = new Map<string, WatchedTopic>();
  const closed = new Set<() => void>();
  // A read error must never escape a socket handler or a timer: Bun would end the process, and
  // every workspace with it. The damaged workspace's sockets are closed and the server reports it.
  function unreadable(ref: WorkspaceRef, error: unknown): void {
    const topic = topics.get(workspaceKey(ref));
    for (const ws of [...(topic?.sockets ?? [])]) ws.close(INTERNAL_ERROR, 'database needs attention');
    options.onBroken?.(ref, error instanceof Error ? error.message : String(error));
  }
  const publisher = createPublisher({ topics, snapshots, batch, history: options.history, unreadable });
  // Only workspaces with list-format sockets get the tick; envelope and patch never do (SPEC §12).
  const listTopics = function* () {
    for (const topic of topics.values()) if (topic.formats.list > 0) yield topic;
  };
  const resender = createResender({ intervalMs: options.streamResendMs, listTopics, snapshots, batch, unreadable });
  /** Open list-format sockets: the tick's timer exists only while there is one. */
  let listSockets = 0;
  let closing = false;

  options.changes.listen((change) => publisher.changed(change));

  const openCount = (): number => {
    let count = 0;
    for (const topic of topics.values()) count += topic.sockets.size;
    return count;
  };

  function opened(ws: Socket): void {
    const { slot } = ws.data;
    // The pending timer fired first (an absurdly slow handshake): the slot is gone, so is the socket.
    if (!admission.opened(slot) || closing) return void ws.close(closing ? GOING_AWAY : 1013, 'try again');
    // Revoked between the upgrade and now: the key no longer opens anything.
    if (!options.keyRing.isLive(slot.ref.keyHash)) return void ws.close(POLICY_VIOLATION, 'key revoked');
    options.keyRing.count(slot.ref.keyHash, 'sockets');
    options.onOpened?.();
    const key = workspaceKey(slot.ref);
    let topic = topics.get(key);
    if (!topic) topics.set(key, (topic = watchedTopic(slot.ref)));
    topic.sockets.add(ws);
    topic.formats[slot.request.format]++;
    if (slot.request.format === 'list') resender.watched(++listSockets > 0);
    // Sockets of one workspace share one ref and one topic name instead of a copy each.
    slot.ref = topic.ref;
    const ref = slot.ref;
    const trace = ws.data.trace;
    if (trace && options.recorder) {
      trace.openId = options.recorder.socketOpened(
        ref,
        trace.origin,
        trace.userAgent,
        ws.data.faults?.delayed ? 'delay' : undefined,
      );
      trace.openedAt = performance.now();
      trace.publishedAtOpen = topic.published[slot.request.format];
    }
    logger.debug('stream open', { workspace: ref.workspaceId, subscribers: topic.sockets.size, format: slot.request.format });
    ws.data.faults?.opened(ws);
    // A socket with delayed messages is sent each one by the publisher instead of subscribing
    // (faults/stream-faults.ts), in every format.
    const delayed = ws.data.faults?.delayed ? ws.data.faults : undefined;
    // Versions must never repeat nor skip: the publisher sends the first message in its flush.
    if (slot.request.format !== 'list') {
      publisher.joinVersioned(ws, ref, slot.request, delayed);
      return;
    }
    // Subscribe before sending: once the client holds the list it cannot miss a later change.
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

  function closedSocket(ws: Socket, code: number): void {
    const { slot } = ws.data;
    // Bun calls close for every ending, clean or not (1006 when the peer just vanished).
    const key = workspaceKey(slot.ref);
    const topic = topics.get(key);
    const trace = ws.data.trace;
    if (trace && trace.openId > 0 && topic?.sockets.has(ws)) {
      // The first message on open, then every publish to its format's topic while it was open.
      const messages = 1 + topic.published[slot.request.format] - trace.publishedAtOpen;
      const lifetimeMs = Math.round(performance.now() - trace.openedAt);
      const fault = ws.data.faults?.dropped ? 'drop' : undefined;
      options.recorder?.socketClosed(slot.ref, trace.openId, lifetimeMs, code, messages, fault);
    }
    if (ws.data.faults) {
      ws.data.faults.closed();
      topic?.delayed?.[slot.request.format]?.delete(ws.data.faults);
    }
    if (topic?.sockets.delete(ws)) {
      topic.formats[slot.request.format]--;
      if (topic.sockets.size === 0) topics.delete(key);
      if (slot.request.format === 'list') resender.watched(--listSockets > 0);
    }
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
    const recorder = options.recorder;
    const slot = admission.admit(query, headers, request.url, recorder && ((ref) => recorder.tag(request, ref)));
    const trace = recorder && {
      origin: headers.origin,
      userAgent: headers['user-agent'],
      openId: 0,
      openedAt: 0,
      publishedAtOpen: 0,
    };
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
    openCount,

    /** Closes every socket of the key with this identity (revoked, re-issued or expired) with 1008. */
    closeKey(keyHash: string, reason = 'key revoked'): void {
      for (const topic of [...topics.values()]) {
        if (topic.ref.keyHash !== keyHash) continue;
        for (const ws of [...topic.sockets]) ws.close(POLICY_VIOLATION, reason);
      }
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
      if (openCount() === 0) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      const check = () => openCount() === 0 && resolve();
      closed.add(check);
      const timer = setTimeout(resolve, waitMs);
      for (const topic of [...topics.values()]) {
        for (const ws of [...topic.sockets]) {
          ws.data.faults?.flushNow();
          ws.close(code, 'server shutting down');
        }
      }
      check();
      return promise.finally(() => {
        clearTimeout(timer);
        closed.delete(check);
      });
    },
  };
}
