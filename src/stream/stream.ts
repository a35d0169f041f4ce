// The live stream, `GET /ws/tasks`: every socket of a workspace receives the workspace's full task
// list at once on open, then again after every change. Delivery is Bun's pub/sub, one topic per
// (API key hash, workspace id), so a change costs one `publish` whatever the number of subscribers.
import type { Server, ServerWebSocket, WebSocketHandler } from 'bun';
import { Elysia } from 'elysia';
import type { KeyRing } from '../domain/keys.ts';
import { identifyWorkspace } from '../http/caller.ts';
import type { ChangeFeed } from '../domain/changes.ts';
import { errors } from '../domain/errors.ts';
import type { Logger } from '../config/logger.ts';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { Snapshots } from '../storage/snapshots.ts';
import type { Workspaces } from '../domain/workspaces.ts';

export const STREAM_PATH = '/ws/tasks';

/** Close code sent to every socket when the server shuts down ("going away"). */
export const GOING_AWAY = 1001;

/**
 * Bun-level socket limits. Bun takes these once per server (`Bun.serve({ websocket })`), not per
 * route, so server.ts passes them to `listen`.
 */
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

/** A socket that passed the checks but has not opened yet gives its slot back after this long. */
const PENDING_OPEN_MS = 10_000;


/** RFC 6455: the key is 16 random bytes in base64, the version is 13. */
const HANDSHAKE_KEY = /^[A-Za-z0-9+/]{22}==$/;

/**
 * Bun refuses such handshakes itself, but only after the slot was taken and with no close event to
 * give it back; checking first keeps the connection count exact.
 */
function assertValidHandshake(headers: Record<string, string | undefined>): void {
  if (!HANDSHAKE_KEY.test(headers['sec-websocket-key']?.trim() ?? '')) throw errors.invalidHandshake();
  if (headers['sec-websocket-version']?.trim() !== '13') throw errors.invalidHandshake();
}

export function workspaceTopic(ref: WorkspaceRef): string {
  return `tasks:${ref.keyHash}:${ref.workspaceId}`;
}

/**
 * One admitted connection: it holds one of its workspace's connection slots from the upgrade
 * until it closes, so concurrent upgrades can never exceed the limit.
 */
interface Slot {
  ref: WorkspaceRef;
  released: boolean;
  pendingTimer: ReturnType<typeof setTimeout> | undefined;
}

/** What each socket carries: its slot, and the event functions Elysia's dispatcher calls. */
interface StreamData {
  slot: Slot;
  open(ws: ServerWebSocket<StreamData>): void;
  close(ws: ServerWebSocket<StreamData>, code: number): void;
  message(): void;
}

/** Open subscribers of one workspace topic; present only while there is at least one. */
interface Topic {
  ref: WorkspaceRef;
  name: string;
  subscribers: number;
}

export interface LiveStreamOptions {
  keyRing: KeyRing;
  workspaces: Workspaces;
  snapshots: Snapshots;
  changes: ChangeFeed;
  maxWorkspaceConnections: number;
  logger: Logger;
  /** Runs a callback once this turn's writes are committed (at once if none are pending). */
  afterCommit: (callback: () => void) => void;
}

export type LiveStream = ReturnType<typeof createLiveStream>;

export function createLiveStream(options: LiveStreamOptions) {
  const { workspaces, snapshots, logger } = options;
  const topics = new Map<string, Topic>();
  const sockets = new Set<ServerWebSocket<StreamData>>();
  const closed = new Set<() => void>();
  const publisher = createPublisher({ topics, snapshots });
  let closing = false;

  options.changes.listen((ref) => publisher.markDirty(ref));

  /** Every check of §3, in the order of §1's table, then the slot is taken: no await in between. */
  function admit(query: Record<string, string | undefined>, headers: Record<string, string | undefined>): Slot {
    if (closing) throw errors.shuttingDown();
    const ref = identifyWorkspace(options.keyRing, query, (name) => headers[name]);
    assertValidHandshake(headers);
    workspaces.assertCanUse(ref);
    if (workspaces.connectionCount(ref) >= options.maxWorkspaceConnections) throw errors.tooManyConnections();
    workspaces.connectionOpened(ref);
    const slot: Slot = { ref, released: false, pendingTimer: undefined };
    // If the handshake never completes (the client vanished, Bun refused the upgrade), no close
    // event will ever come: give the slot back on a timer instead of leaking it.
    slot.pendingTimer = setTimeout(() => release(slot), PENDING_OPEN_MS);
    slot.pendingTimer.unref();
    return slot;
  }

  function release(slot: Slot): void {
    if (slot.released) return;
    slot.released = true;
    clearTimeout(slot.pendingTimer);
    workspaces.connectionClosed(slot.ref);
  }

  function opened(ws: ServerWebSocket<StreamData>): void {
    const { slot } = ws.data;
    clearTimeout(slot.pendingTimer);
    slot.pendingTimer = undefined;
    // The pending timer fired first (an absurdly slow handshake): the slot is gone, so is the socket.
    if (slot.released || closing) return void ws.close(closing ? GOING_AWAY : 1013, 'try again');
    sockets.add(ws);
    const key = workspaceKey(slot.ref);
    let topic = topics.get(key);
    if (!topic) topics.set(key, (topic = { ref: slot.ref, name: workspaceTopic(slot.ref), subscribers: 0 }));
    topic.subscribers += 1;
    // Sockets of one workspace share one ref and one topic name instead of a copy each.
    slot.ref = topic.ref;
    // Subscribe before sending: once the client holds the list it cannot miss a later change.
    ws.subscribe(topic.name);
    // Read once this turn's writes are committed: a client never holds what a crash could undo.
    const ref = slot.ref;
    options.afterCommit(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send(snapshots.tasksJson(ref));
    });
    logger.debug('stream open', { workspace: slot.ref.workspaceId, subscribers: topic.subscribers });
  }

  function closedSocket(ws: ServerWebSocket<StreamData>, code: number): void {
    const { slot } = ws.data;
    // Bun calls close for every ending, clean or not (1006 when the peer just vanished).
    if (sockets.delete(ws)) {
      const key = workspaceKey(slot.ref);
      const topic = topics.get(key);
      if (topic && --topic.subscribers === 0) topics.delete(key);
    }
    release(slot);
    logger.debug('stream close', { workspace: slot.ref.workspaceId, code });
    for (const notify of closed) notify();
  }

  // Per-socket state is one small object: the slot plus three shared functions. Elysia's `.ws()`
  // would store a copy of the whole request context and seven fresh closures on every socket
  // (about 3.3 KB of heap each, measured with 5000 sockets, against 0.3 KB this way), and SPEC §8 bounds memory per socket.
  // So the route upgrades by itself; Elysia's Bun adapter still owns `Bun.serve({ websocket })`
  // and dispatches each event to `ws.data.open / message / close` (elysia/dist/ws, pinned 1.4.30).
  const events = {
    open: opened,
    close: closedSocket,
    // Client messages are ignored by contract; oversized ones never get here (maxPayloadLength).
    message: () => undefined,
  };

  const plugin = new Elysia({ name: 'taskmock/stream' }).get(
    STREAM_PATH,
    ({ query, headers, request, server }) => {
      const slot = admit(query, headers);
      const data: StreamData = { slot, ...events };
      if (server?.upgrade(request, { data })) return undefined;
      // Not reached with a valid handshake; never keep a slot for a socket that does not exist.
      release(slot);
      throw errors.invalidHandshake();
    },
    // The channel is described by /asyncapi.json; OpenAPI cannot say what happens after the 101.
    { detail: { hide: true } },
  );

  return {
    plugin,
    socketOptions: SOCKET_LIMITS,

    /** Hands over the listening server, whose `publish` reaches every subscriber of a topic. */
    attach(server: Server<unknown>): void {
      publisher.attach(server);
    },

    /** Open sockets right now (for /stats and tests). */
    openCount: () => sockets.size,

    /**
     * Refuses new upgrades, closes every socket with `code` and resolves once Bun has reported
     * each of them closed, or after `waitMs` if some peer never answers.
     */
    closeAll(code = GOING_AWAY, waitMs = 1_000): Promise<void> {
      closing = true;
      // Whatever changed last is sent before the close frame: the final state is never dropped.
      publisher.flushNow();
      if (sockets.size === 0) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      const check = () => sockets.size === 0 && resolve();
      closed.add(check);
      const timer = setTimeout(resolve, waitMs);
      for (const ws of [...sockets]) ws.close(code, 'server shutting down');
      check();
      return promise.finally(() => {
        clearTimeout(timer);
        closed.delete(check);
      });
    },
  };
}

/**
 * Coalesces changes: the change feed fires synchronously after every commit, possibly many times in
 * one turn (a burst of creates, a flush, several timers due at once). Each fire only marks the
 * workspace dirty; one flush per event-loop turn publishes the list as it is then, once per dirty
 * workspace. Because the list is read at flush time, after the last commit, the final state is
 * never lost and the last message always equals `GET /tasks`.
 *
 * setImmediate rather than queueMicrotask: a microtask runs at the end of each callback, so
 * changes made by separate requests or timers handled in the same loop turn would each publish;
 * setImmediate runs once after the whole turn's I/O and timers (no 1 ms clamp like setTimeout),
 * and after the HTTP responses of that turn were written, so fan-out never delays an answer.
 */
function createPublisher({ topics, snapshots }: { topics: Map<string, Topic>; snapshots: Snapshots }) {
  let server: Server<unknown> | undefined;
  const dirty = new Set<string>();
  let scheduled: ReturnType<typeof setImmediate> | undefined;

  function flush(): void {
    scheduled = undefined;
    for (const key of dirty) {
      const topic = topics.get(key);
      // Bun is told nothing about workspaces nobody watches (the last socket may have just closed).
      if (topic && server) server.publish(topic.name, snapshots.tasksJson(topic.ref), false);
    }
    dirty.clear();
  }

  return {
    attach(listening: Server<unknown>): void {
      server = listening;
    },

    markDirty(ref: WorkspaceRef): void {
      const key = workspaceKey(ref);
      // No subscriber, nothing to send: a socket opening later is sent the list then.
      if (!topics.has(key)) return;
      dirty.add(key);
      scheduled ??= setImmediate(flush);
    },

    /** Publishes what is pending now instead of at the end of the turn (used at shutdown). */
    flushNow(): void {
      if (scheduled) clearImmediate(scheduled);
      flush();
    },
  };
}
