// The change feed: every committed change to a workspace is announced here exactly once, after the
// commit. The live stream and the snapshot cache listen; the domain never knows who is listening.
import type { WorkspaceRef } from './model.ts';

export type ChangeListener = (ref: WorkspaceRef) => void;

export interface ChangeFeed {
  announce(ref: WorkspaceRef): void;
  listen(listener: ChangeListener): () => void;
}

export function createChangeFeed(): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  return {
    announce(ref) {
      for (const listener of listeners) listener(ref);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
