// Recent changes of each workspace, so a `patch` socket that reconnects with `?since=N` gets only
// what it missed (SPEC §12). Fed by the change feed (after COMMIT). Bounded twice: the last
// MAX_CHANGES_PER_WORKSPACE changes of a workspace, and at most MAX_CHANGES_HELD in all (the least
// recently changed workspaces lose theirs first). In memory only: after a restart, or once a
// workspace's changes are dropped, a resume older than what is held gets a full snapshot instead.
import type { ChangeFeed, TaskChange, WorkspaceChange } from '../domain/changes.ts';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import { coalesce } from './formats.ts';

export const MAX_CHANGES_PER_WORKSPACE = 1000;
export const MAX_CHANGES_HELD = 250_000;

interface Entry {
  version: number;
  changes: readonly TaskChange[];
}

export type ChangeHistory = ReturnType<typeof createChangeHistory>;

export function createChangeHistory(
  { changes }: { changes: ChangeFeed },
  limits = { perWorkspace: MAX_CHANGES_PER_WORKSPACE, total: MAX_CHANGES_HELD },
) {
  /** Per workspace, oldest first; the Map's order is least recently changed first. */
  const held = new Map<string, Entry[]>();
  let total = 0;

  function record({ ref, version, changes: taskChanges }: WorkspaceChange): void {
    const key = workspaceKey(ref);
    const entries = held.get(key) ?? [];
    held.delete(key);
    held.set(key, entries);
    entries.push({ version, changes: taskChanges });
    total++;
    // Dropped in slices, not one by one: shifting a 1,000-entry array on every change costs more.
    if (entries.length >= limits.perWorkspace + 64 || (entries.length > limits.perWorkspace && total > limits.total)) {
      const excess = entries.length - limits.perWorkspace;
      entries.splice(0, excess);
      total -= excess;
    }
    for (const [oldest, dropped] of held) {
      if (total <= limits.total || oldest === key) break;
      held.delete(oldest);
      total -= dropped.length;
    }
  }

  changes.listen(record);

  return {
    /**
     * Every change after version `since` up to `current`, folded into one per task, or undefined
     * when they are not all held any more (the caller sends a full snapshot then).
     */
    changesSince(ref: WorkspaceRef, since: number, current: number): TaskChange[] | undefined {
      const entries = held.get(workspaceKey(ref));
      if (!entries || entries.length === 0 || since >= current) return undefined;
      const first = entries.findIndex((entry) => entry.version > since);
      // The oldest held change must be the very next one after `since`: otherwise there is a gap.
      if (first === -1 || entries[first]!.version !== since + 1 || entries.at(-1)!.version !== current) return undefined;
      const folded = new Map<number, TaskChange>();
      for (let i = first; i < entries.length; i++) coalesce(entries[i]!.changes, folded);
      return [...folded.values()];
    },

    /** Changes held right now (for tests). */
    heldCount: (): number => total,
  };
}
