// Task counts per workspace, read once from SQL and then kept by the store's writes (the store is
// the only writer): `count(*)` walks every row of the workspace, on every create. Only the most
// recently counted workspaces are kept, so ten thousand idle ones do not stay on the heap.
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';

/** Workspaces whose task count is kept in memory (least recently counted ones are dropped). */
const MAX_REMEMBERED_COUNTS = 1000;

export function createTaskCounts(countInDatabase: (ref: WorkspaceRef) => number) {
  const counts = new Map<string, number>();
  /** The workspace counted last: already at the back of the Map's order, so not moved again. */
  let latest = '';

  const remember = (key: string, count: number): void => {
    if (key === latest && count > 0) return void counts.set(key, count);
    counts.delete(key);
    latest = '';
    if (count <= 0) return;
    counts.set(key, count);
    latest = key;
    if (counts.size > MAX_REMEMBERED_COUNTS) counts.delete(counts.keys().next().value!);
  };

  return {
    count(ref: WorkspaceRef): number {
      const key = workspaceKey(ref);
      const known = counts.get(key);
      if (known !== undefined) return known;
      const counted = countInDatabase(ref);
      remember(key, counted);
      return counted;
    },

    /** Whether the workspace is known to hold tasks (false: empty, or its count is not kept). */
    knownToHoldTasks: (ref: WorkspaceRef): boolean => counts.has(workspaceKey(ref)),

    /** After a write that added (or, negative, removed) `delta` tasks. */
    adjust(ref: WorkspaceRef, delta: number): void {
      const key = workspaceKey(ref);
      const known = counts.get(key);
      if (known === undefined) return;
      if (delta !== 0) remember(key, known + delta);
    },

    /** After a create: counts the workspace if it was not known yet, so the next check is free. */
    added(ref: WorkspaceRef): void {
      const key = workspaceKey(ref);
      const known = counts.get(key);
      remember(key, known === undefined ? countInDatabase(ref) : known + 1);
    },

    /** Forgets every count (after a rolled-back commit, when memory may be ahead of the file). */
    clear(): void {
      counts.clear();
      latest = '';
    },
  };
}
