// Recent changes of each workspace, so a `patch` socket that reconnects with `?since=N` gets only
// what it missed (SPEC §12). Fed by the change feed (after COMMIT). Bounded twice: the last
// MAX_CHANGES_PER_WORKSPACE changes of a workspace, and at most MAX_CHANGES_HELD in all (the least
// recently changed workspaces lose theirs first). In memory only: after a restart, or once a
// workspace's changes are dropped, a resume older than what is held gets a full snapshot instead.
//
// Each change is held as its JSON text, not as objects: held objects made up most of the heap
// (300,000 of 382,000 objects with 10,000 workspaces of three changes each), and every garbage
// collection walks them all, during load and in the idle seconds after it (docs/performance.md).
// A resume, which is rare, parses what it needs.
import type { ChangeFeed, TaskChange, WorkspaceChange } from '../domain/changes.ts';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import { coalesce } from './formats.ts';

export const MAX_CHANGES_PER_WORKSPACE = 1000;
export const MAX_CHANGES_HELD = 250_000;

/** A workspace's held changes, oldest first: `texts[i]` is the JSON of the changes of `versions[i]`. */
interface Held {
  versions: number[];
  texts: string[];
}

export type ChangeHistory = ReturnType<typeof createChangeHistory>;

export function createChangeHistory(
  { changes }: { changes: ChangeFeed },
  limits = { perWorkspace: MAX_CHANGES_PER_WORKSPACE, total: MAX_CHANGES_HELD },
) {
  /** Per workspace, oldest first; the Map's order is least recently changed first. */
  const held = new Map<string, Held>();
  let total = 0;
  /** The most recently changed workspace: already last in `held`'s order, so not moved again. */
  let latest = '';

  function record({ ref, version, changes: taskChanges }: WorkspaceChange): void {
    const key = workspaceKey(ref);
    const entries = held.get(key) ?? { versions: [], texts: [] };
    if (key !== latest) {
      held.delete(key);
      held.set(key, entries);
      latest = key;
    }
    entries.versions.push(version);
    entries.texts.push(JSON.stringify(taskChanges));
    total++;
    const count = entries.versions.length;
    // Dropped in slices, not one by one: shifting a 1,000-entry array on every change costs more.
    if (count >= limits.perWorkspace + 64 || (count > limits.perWorkspace && total > limits.total)) {
      const excess = count - limits.perWorkspace;
      entries.versions.splice(0, excess);
      entries.texts.splice(0, excess);
      total -= excess;
    }
    // Checked before the loop: a Map iterator made on every change, only to stop at once, was a
    // third of this function's time.
    if (total <= limits.total) return;
    for (const [oldest, dropped] of held) {
      if (total <= limits.total || oldest === key) break;
      held.delete(oldest);
      total -= dropped.versions.length;
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
      if (!entries || entries.versions.length === 0 || since >= current) return undefined;
      const { versions, texts } = entries;
      const first = versions.findIndex((version) => version > since);
      // The oldest held change must be the very next one after `since`: otherwise there is a gap.
      if (first === -1 || versions[first] !== since + 1 || versions.at(-1) !== current) return undefined;
      const folded = new Map<number, TaskChange>();
      for (let i = first; i < texts.length; i++) coalesce(JSON.parse(texts[i]!) as TaskChange[], folded);
      return [...folded.values()];
    },

    /** Changes held right now (for tests). */
    heldCount: (): number => total,
  };
}
