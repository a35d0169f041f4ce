// Coalesces changes: the change feed fires synchronously after every commit, possibly many times in
// one turn (a burst of creates, a flush, several timers due at once). Each fire only marks the
// workspace dirty (and, for `patch` subscribers, keeps what changed); one flush per event-loop turn
// publishes, once per dirty workspace and format: the list or envelope as it is then, and one patch
// holding every change since the last one. Because lists are read at flush time, after the last
// commit, the final state is never lost and the last message always equals `GET /tasks`.
//
// Nothing is published before its COMMIT succeeded, by construction: a setImmediate queued after one
// commit can run after the next turn has opened a new transaction, whose rows this connection
// already sees (and whose COMMIT may still fail). So a flush that finds writes pending waits for
// that transaction to settle (`afterSettle`: after its COMMIT, or after its ROLLBACK, when the list
// is back to what was committed) and reads then. Anything else that sends a list (another stream
// format, a resend tick) must follow the same rule: read snapshots only when
// `batch.hasPendingWrites()` is false, else from `batch.afterSettle` (snapshots.ts enforces it).
//
// Versioned sockets (envelope, patch) join in the flush too, after its publications: each is sent
// its first message at the version just published, then subscribed, so it never misses a version
// nor gets one twice (SPEC §12).
//
// setImmediate rather than queueMicrotask: a microtask runs at the end of each callback, so
// changes made by separate requests or timers handled in the same loop turn would each publish;
// setImmediate runs once after the whole turn's I/O and timers (no 1 ms clamp like setTimeout),
// and after the HTTP responses of that turn were written, so fan-out never delays an answer.
import type { Server, ServerWebSocket } from 'bun';
import type { TaskChange, WorkspaceChange } from '../domain/changes.ts';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { Snapshots } from '../storage/snapshots.ts';
import { coalesce, formatTopic, patchMessage, type StreamFormat, type StreamRequest } from './formats.ts';
import type { ChangeHistory } from './history.ts';

/** A workspace with at least one open socket, and how many of them use each format. */
export interface Topic {
  ref: WorkspaceRef;
  /** The list format's topic (the original one). */
  name: string;
  formats: Record<StreamFormat, number>;
  /** Publishes so far per format: a socket's messages are the difference over its life (journal). */
  published: Record<StreamFormat, number>;
  /** Sockets under a fault delay (§11), per format: not subscribed, each sent every message by itself. */
  delayed?: Partial<Record<StreamFormat, Set<DelayedSocket>>>;
}

/** A socket whose messages wait a drawn delay, in order (faults/stream-faults.ts). */
export interface DelayedSocket {
  send(message: string): void;
}

/** One `publish` to the format's subscribers, and each delayed socket of that format sent its own copy. */
export function publishTo(server: Server<unknown>, topic: Topic, format: StreamFormat, message: string): void {
  server.publish(format === 'list' ? topic.name : formatTopic(topic.ref, format), message, false);
  const delayed = topic.delayed?.[format];
  if (delayed) for (const socket of delayed) socket.send(message);
}

/** Delayed sockets get each message from the publisher instead of Bun's topic. */
export function addDelayed(topic: Topic, format: StreamFormat, socket: DelayedSocket): void {
  topic.delayed ??= {};
  (topic.delayed[format] ??= new Set()).add(socket);
}

export function workspaceTopic(ref: WorkspaceRef): string {
  return formatTopic(ref, 'list');
}

export interface PublisherOptions {
  topics: ReadonlyMap<string, Topic>;
  snapshots: Snapshots;
  batch: CommitBatch;
  history: ChangeHistory;
  /** A workspace whose list threw while being read (a damaged file): reported, never thrown from a flush. */
  unreadable: (ref: WorkspaceRef, error: unknown) => void;
}

/** Changes waiting for the next patch message of one workspace. */
interface PendingPatch {
  from: number;
  version: number;
  changes: Map<number, TaskChange>;
}

interface Joiner {
  ws: ServerWebSocket<unknown>;
  ref: WorkspaceRef;
  request: StreamRequest;
  /** Set when the socket's messages are delayed: it is sent each one instead of subscribing. */
  delayed: DelayedSocket | undefined;
}

export function createPublisher({ topics, snapshots, batch, history, unreadable }: PublisherOptions) {
  let server: Server<unknown> | undefined;
  const dirty = new Set<string>();
  const patches = new Map<string, PendingPatch>();
  const joiners: Joiner[] = [];
  let scheduled: ReturnType<typeof setImmediate> | undefined;

  function publishWorkspace(key: string, live: Server<unknown>): void {
    const topic = topics.get(key);
    const patch = patches.get(key);
    patches.delete(key);
    // Bun is told nothing about workspaces nobody watches (the last socket may have just closed).
    if (!topic) return;
    try {
      publishTopic(topic, patch, live);
    } catch (error) {
      unreadable(topic.ref, error);
    }
  }

  function publishTopic(topic: Topic, patch: PendingPatch | undefined, live: Server<unknown>): void {
    const { formats, published } = topic;
    if (formats.list > 0) {
      publishTo(live, topic, 'list', snapshots.tasksJson(topic.ref));
      published.list++;
    }
    if (formats.envelope > 0) {
      publishTo(live, topic, 'envelope', snapshots.envelope(topic.ref));
      published.envelope++;
    }
    if (formats.patch > 0 && patch) {
      publishTo(live, topic, 'patch', patchMessage(patch.from, patch.version, patch.changes.values()));
      published.patch++;
    }
  }

  /** The first message of a versioned socket, at the current (just published) version, or none. */
  function firstMessage({ ref, request }: Joiner): string | undefined {
    const { version } = snapshots.snapshot(ref);
    if (request.since === version) return undefined;
    if (request.format === 'patch' && request.since !== undefined && request.since < version) {
      const missed = history.changesSince(ref, request.since, version);
      if (missed) return patchMessage(request.since, version, missed);
    }
    // No since, a since the server no longer holds changes for, or one ahead of this server.
    return snapshots.envelope(ref);
  }

  function join(joiner: Joiner): void {
    if (joiner.ws.readyState !== WebSocket.OPEN) return;
    let first: string | undefined;
    try {
      first = firstMessage(joiner);
    } catch (error) {
      unreadable(joiner.ref, error);
      return;
    }
    const { delayed, request } = joiner;
    // A delayed socket's first message enters its queue before any later one: order is kept.
    const topic = delayed && topics.get(workspaceKey(joiner.ref));
    if (delayed && topic) {
      if (first !== undefined) delayed.send(first);
      addDelayed(topic, request.format, delayed);
      return;
    }
    if (first !== undefined) joiner.ws.send(first);
    joiner.ws.subscribe(formatTopic(joiner.ref, request.format));
  }

  function flush(): void {
    scheduled = undefined;
    // A later turn's transaction is open: its rows are not committed yet, so wait until it settles.
    if (batch.hasPendingWrites()) {
      batch.afterSettle(flush);
      return;
    }
    if (server) for (const key of dirty) publishWorkspace(key, server);
    dirty.clear();
    patches.clear();
    for (const joiner of joiners.splice(0)) join(joiner);
  }

  const schedule = (): void => {
    scheduled ??= setImmediate(flush);
  };

  return {
    attach(listening: Server<unknown>): void {
      server = listening;
    },

    /** A committed change: marks its workspace dirty and keeps what changed for patch sockets. */
    changed({ ref, version, changes }: WorkspaceChange): void {
      const key = workspaceKey(ref);
      const topic = topics.get(key);
      // No subscriber, nothing to send: a socket opening later is sent the list then.
      if (!topic) return;
      if (topic.formats.patch > 0) {
        const pending = patches.get(key) ?? { from: version - 1, version, changes: new Map() };
        pending.version = version;
        coalesce(changes, pending.changes);
        patches.set(key, pending);
      }
      dirty.add(key);
      schedule();
    },

    /**
     * An envelope or patch socket: sent its first message and subscribed in the next flush (or,
     * when `delayed`, sent every message of its format through it from then on).
     */
    joinVersioned(ws: ServerWebSocket<unknown>, ref: WorkspaceRef, request: StreamRequest, delayed?: DelayedSocket): void {
      joiners.push({ ws, ref, request, delayed });
      schedule();
    },

    /** Publishes what is pending now instead of at the end of the turn (used at shutdown). */
    flushNow(): void {
      if (scheduled) clearImmediate(scheduled);
      flush();
    },
  };
}
