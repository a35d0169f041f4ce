// The integer `ws` of each workspace row, looked up once and then remembered: every task statement
// is keyed by it. Bounded like the task counts, so ten thousand idle workspaces cost no heap; a
// workspace that has no row yet (it never held a task) has no id and reads as empty.
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';

const MAX_REMEMBERED_IDS = 10_000;

export function createWorkspaceIds(findInDatabase: (ref: WorkspaceRef) => number | undefined) {
  const ids = new Map<string, number>();

  const remember = (key: string, ws: number): void => {
    ids.set(key, ws);
    if (ids.size > MAX_REMEMBERED_IDS) ids.delete(ids.keys().next().value!);
  };

  return {
    /** The workspace's id, or undefined when it has no row. */
    find(ref: WorkspaceRef): number | undefined {
      const key = workspaceKey(ref);
      const known = ids.get(key);
      if (known !== undefined) return known;
      const found = findInDatabase(ref);
      if (found !== undefined) remember(key, found);
      return found;
    },

    /** After a write that returned the workspace's id. */
    remember: (ref: WorkspaceRef, ws: number): void => remember(workspaceKey(ref), ws),

    /** Forgets every id (after a rolled-back commit: a new row's id may not exist any more). */
    clear: (): void => ids.clear(),
  };
}
