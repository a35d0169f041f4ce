// The change feed: every committed change to a workspace is announced here exactly once, after the
// commit. The live stream and the snapshot cache listen; the domain never knows who is listening.
import type { WorkspaceRef } from './model.ts';

export type ChangeListener = (ref: WorkspaceRef) => void;

export interface ChangeFeed {
  announce(ref: WorkspaceRef): void;
  listen(listener: ChangeListener): () => void;
}

/**
 * `deliver` decides when an announcement reaches the listeners: with the store's `afterCommit`,
 * only once the change is durable, so nothing uncommitted is ever cached or published.
 */
export function createChangeFeed(deliver: (notify: () => void) => void = (notify) => notify()): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  const notifyAll = (ref: WorkspaceRef) => {
    for (const listener of listeners) listener(ref);
  };
  return {
    announce(ref) {
      deliver(() => notifyAll(ref));
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
