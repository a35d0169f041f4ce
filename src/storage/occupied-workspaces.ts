// How many workspaces of each key hold tasks, for the workspace limit (SPEC §4). Counting them in
// SQL walks every workspace row of the key: with a raised MAX_WORKSPACES (a CI suite giving each
// test its own workspace) a key's 4,000th new workspace cost 4 ms that way. So a key is counted in
// SQL once, then its count is kept by the store's writes: +1 when a write gives an empty workspace
// its first task, −1 when a removal leaves one empty. One number per key, never a list of ids.
import type { WorkspaceRef } from '../domain/model.ts';

export function createOccupiedWorkspaces(
  countInDatabase: (keyHash: string) => number,
  holdsTasks: (ref: WorkspaceRef) => boolean,
) {
  const counts = new Map<string, number>();

  return {
    /** The number of the key's workspaces that hold at least one task. */
    count(keyHash: string): number {
      const known = counts.get(keyHash);
      if (known !== undefined) return known;
      const counted = countInDatabase(keyHash);
      counts.set(keyHash, counted);
      return counted;
    },

    /**
     * Before a write that adds tasks to `ref`: whether the key's count must grow once it is done
     * (the workspace is empty and the count is kept). Costs nothing for a key never counted.
     */
    addingToEmpty: (ref: WorkspaceRef): boolean => counts.has(ref.keyHash) && !holdsTasks(ref),

    /** After a write that added tasks to `ref`, with what `addingToEmpty` said before it. */
    added(ref: WorkspaceRef, wasEmpty: boolean): void {
      const known = counts.get(ref.keyHash);
      if (wasEmpty && known !== undefined) counts.set(ref.keyHash, known + 1);
    },

    /** After a write that removed `removed` tasks from `ref`: it may be empty now. */
    removed(ref: WorkspaceRef, removed: number): void {
      const known = counts.get(ref.keyHash);
      if (removed > 0 && known !== undefined && !holdsTasks(ref)) counts.set(ref.keyHash, known - 1);
    },

    /** Forgets every count (after a rolled-back commit, when memory may be ahead of the file). */
    clear: (): void => counts.clear(),
  };
}
