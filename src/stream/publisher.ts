// Coalesces changes: the change feed fires synchronously after every commit, possibly many times in
// one turn (a burst of creates, a flush, several timers due at once). Each fire only marks the
// workspace dirty; one flush per event-loop turn publishes the list as it is then, once per dirty
// workspace. Because the list is read at flush time, after the last commit, the final state is
// never lost and the last message always equals `GET /tasks`.
//
// Nothing is published before its COMMIT succeeded, by construction: a setImmediate queued after one
// commit can run after the next turn has opened a new transaction, whose rows this connection
// already sees (and whose COMMIT may still fail). So a flush that finds writes pending waits for
// that transaction to settle (`afterSettle`: after its COMMIT, or after its ROLLBACK, when the list
// is back to what was committed) and reads then. Anything else that sends a list (another stream
// format, a resend tick) must follow the same rule: read snapshots only when
// `batch.hasPendingWrites()` is false, else from `batch.afterSettle` (snapshots.ts enforces it).
//
// setImmediate rather than queueMicrotask: a microtask runs at the end of each callback, so
// changes made by separate requests or timers handled in the same loop turn would each publish;
// setImmediate runs once after the whole turn's I/O and timers (no 1 ms clamp like setTimeout),
// and after the HTTP responses of that turn were written, so fan-out never delays an answer.
import type { Server } from 'bun';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { Snapshots } from '../storage/snapshots.ts';

/** A workspace with at least one open socket, and the Bun topic they are subscribed to. */
export interface Topic {
  ref: WorkspaceRef;
  name: string;
}

export function workspaceTopic(ref: WorkspaceRef): string {
  return `tasks:${ref.keyHash}:${ref.workspaceId}`;
}

export interface PublisherOptions {
  topics: ReadonlyMap<string, Topic>;
  snapshots: Snapshots;
  batch: CommitBatch;
}

export function createPublisher({ topics, snapshots, batch }: PublisherOptions) {
  let server: Server<unknown> | undefined;
  const dirty = new Set<string>();
  let scheduled: ReturnType<typeof setImmediate> | undefined;

  function flush(): void {
    scheduled = undefined;
    // A later turn's transaction is open: its rows are not committed yet, so wait until it settles.
    if (batch.hasPendingWrites()) {
      batch.afterSettle(flush);
      return;
    }
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
