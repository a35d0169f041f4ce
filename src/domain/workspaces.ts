// Workspace existence and the per-key workspace limit. A workspace exists while it holds tasks or
// open sockets; reading one that does not exist creates nothing.
import { errors } from './errors.ts';
import { workspaceKey, type WorkspaceRef } from './model.ts';
import type { Store } from '../storage/store.ts';

export type Workspaces = ReturnType<typeof createWorkspaces>;

/** The workspace limit of the key with this identity (a key may be issued with a lower one). */
type MaxWorkspacesFor = (keyHash: string) => number;

export function createWorkspaces({ store, maxWorkspacesFor }: { store: Store; maxWorkspacesFor: MaxWorkspacesFor }) {
  /** Open sockets per workspace key, and the workspace ids with sockets per API key hash. */
  const connections = new Map<string, number>();
  const connectedIds = new Map<string, Set<string>>();

  const connectionCount = (ref: WorkspaceRef) => connections.get(workspaceKey(ref)) ?? 0;
  const exists = (ref: WorkspaceRef) => connectionCount(ref) > 0 || store.hasTasks(ref);

  /** Workspaces holding tasks (a kept count), and those with only sockets open. */
  function existingCount(keyHash: string): number {
    let count = store.occupiedWorkspaces(keyHash);
    for (const workspaceId of connectedIds.get(keyHash) ?? []) if (!store.hasTasks({ keyHash, workspaceId })) count++;
    return count;
  }

  return {
    exists,
    connectionCount,

    /** The key's workspace ids that have open sockets (the admin board lists them too). */
    connectedIdsOf: (keyHash: string): string[] => [...(connectedIds.get(keyHash) ?? [])],

    /** Throws 429 when `ref` would be a new workspace beyond its key's limit. */
    assertCanUse(ref: WorkspaceRef): void {
      if (!exists(ref) && existingCount(ref.keyHash) >= maxWorkspacesFor(ref.keyHash)) throw errors.tooManyWorkspaces();
    },

    connectionOpened(ref: WorkspaceRef): void {
      const key = workspaceKey(ref);
      connections.set(key, (connections.get(key) ?? 0) + 1);
      let ids = connectedIds.get(ref.keyHash);
      if (!ids) connectedIds.set(ref.keyHash, (ids = new Set()));
      ids.add(ref.workspaceId);
    },

    connectionClosed(ref: WorkspaceRef): void {
      const key = workspaceKey(ref);
      const remaining = (connections.get(key) ?? 0) - 1;
      if (remaining > 0) return void connections.set(key, remaining);
      connections.delete(key);
      const ids = connectedIds.get(ref.keyHash);
      ids?.delete(ref.workspaceId);
      if (ids?.size === 0) connectedIds.delete(ref.keyHash);
    },
  };
}
