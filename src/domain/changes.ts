// The change feed: every committed change to a workspace is announced here exactly once, after the
// commit, with the workspace's version after it and what it changed (SPEC §12). The live stream,
// the snapshot cache, the change history and parked blocking readers listen; the domain never
// knows who is listening. The store is the only announcer (store.ts: every write records one).
import type { Task, WorkspaceRef } from './model.ts';

/** One task-level effect of a change: a task now holds these values, or is gone. */
export type TaskChange = { op: 'put'; task: Task } | { op: 'remove'; id: number };

/** One committed change: the workspace, its version after the change, and what changed. */
export interface WorkspaceChange {
  ref: WorkspaceRef;
  version: number;
  changes: readonly TaskChange[];
}

export type ChangeListener = (change: WorkspaceChange) => void;

export interface ChangeFeed {
  announce(change: WorkspaceChange): void;
  listen(listener: ChangeListener): () => void;
}

/**
 * `deliver` decides when an announcement reaches the listeners: with the store's `afterCommit`,
 * only once the change is durable, so nothing uncommitted is ever cached or published.
 */
export function createChangeFeed(deliver: (notify: () => void) => void = (notify) => notify()): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  const notifyAll = (change: WorkspaceChange) => {
    for (const listener of listeners) listener(change);
  };
  return {
    announce(change) {
      deliver(() => notifyAll(change));
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
