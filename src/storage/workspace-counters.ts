// Each workspace's id counter and version (SPEC §2, §12), held in memory once read. Every change of
// either goes through here, never through SQL of its own, so the row and memory cannot disagree;
// a rolled-back commit forgets what memory held.
//
// The row is written rarely, because what it must guarantee is less than the exact values: a
// commit of 30 creates spread over 1,000 workspaces rewrote some 25 pages of the workspaces table
// for their counters, about a fifth of such a create's storage cost (docs/performance.md).
// - The version column holds a bound reserved ahead: every version handed out is at most it, so
//   after a crash the next one is past every version ever used (it may jump, never go back). It is
//   written when a change passes it (reserving VERSIONS_RESERVED more) and, exact, at a clean stop.
// - The last-id column may lag behind: a create's id is also in its task's row, so the last id is
//   read back as the larger of the two. Only a commit that removes tasks (which can take the
//   highest id away) or restarts the ids writes it, exact, with that commit.
//
// Maps of numbers rather than an object per workspace: a server holding 10,000 idle workspaces
// keeps no more objects for the garbage collector to walk.
import type { Database } from 'bun:sqlite';
import type { CommitBatch } from './commit-batch.ts';

export type WorkspaceCounters = ReturnType<typeof createWorkspaceCounters>;

/** Versions reserved at a time: a workspace's row is written once per this many changes. */
export const VERSIONS_RESERVED = 1_000;

export function createWorkspaceCounters(db: Database, batch: CommitBatch) {
  const read = db.query<{ last_task_id: number; version: number; top: number | null }, [number]>(
    'SELECT last_task_id, version, (SELECT max(id) FROM tasks WHERE ws = ?1) AS top FROM workspaces WHERE ws = ?1',
  );
  const write = db.query('UPDATE workspaces SET last_task_id = ?2, version = ?3 WHERE ws = ?1');
  const lastIds = new Map<number, number>();
  const versions = new Map<number, number>();
  /** The version bound each loaded workspace's row holds. */
  const storedVersions = new Map<number, number>();
  const dirty = new Set<number>();
  let exactAtNextCommit = false;

  /** Reads the row of `ws` (which exists) the first time it is needed. */
  function load(ws: number): void {
    if (versions.has(ws)) return;
    const row = read.get(ws);
    if (!row) throw new Error(`workspace ${ws} has no row`);
    lastIds.set(ws, Math.max(row.last_task_id, row.top ?? 0));
    versions.set(ws, row.version);
    storedVersions.set(ws, row.version);
  }

  function writeRow(ws: number, version: number): void {
    write.run(ws, lastIds.get(ws)!, version);
    storedVersions.set(ws, version);
  }

  batch.beforeEveryCommit(() => {
    for (const ws of dirty) {
      const version = versions.get(ws)!;
      const bound = storedVersions.get(ws)!;
      writeRow(ws, version > bound ? version + VERSIONS_RESERVED : bound);
    }
    dirty.clear();
    if (!exactAtNextCommit) return;
    exactAtNextCommit = false;
    // A row at its bound was written exactly, or read with no change since (its last id may lag,
    // which reading it back allows: every commit that removed tasks stored the last id).
    for (const [ws, version] of versions) if (version !== storedVersions.get(ws)) writeRow(ws, version);
  });
  batch.onRollback(() => {
    for (const map of [lastIds, versions, storedVersions]) map.clear();
    dirty.clear();
  });

  /**
   * Moves workspace `ws`'s id counter and version on by the steps given; returns both.
   * `idsExact`: this commit must store the last id as it is (it removes tasks, or restarts ids).
   */
  function step(ws: number, idStep: number, versionStep: number, idsExact = false): { id: number; version: number } {
    load(ws);
    const id = lastIds.get(ws)! + idStep;
    const version = versions.get(ws)! + versionStep;
    lastIds.set(ws, id);
    versions.set(ws, version);
    if (version > storedVersions.get(ws)! || idsExact) {
      dirty.add(ws);
      batch.wake();
    }
    return { id, version };
  }

  return {
    /** A create's id and the version it takes (inside its `batch.write`). */
    nextTask: (ws: number): { id: number; version: number } => step(ws, 1, 1),

    /** The next id alone (a fixture, whose change then bumps the version). */
    nextId: (ws: number): number => step(ws, 1, 0).id,

    /**
     * One more version for a committed change of `ws`; returns it. `removesTasks`: the change
     * takes tasks away, maybe the one with the highest id, so the last id is stored with it.
     */
    bumpVersion: (ws: number, removesTasks = false): number => step(ws, 0, 1, removesTasks).version,

    /** The last id taken in `ws` (no task of it has a higher one). */
    lastId(ws: number): number {
      load(ws);
      return lastIds.get(ws)!;
    },

    /** After a reset: ids start at 1 again; the version goes on. */
    restartIds(ws: number): void {
      load(ws);
      lastIds.set(ws, 0);
      step(ws, 0, 0, true);
    },

    version(ws: number): number {
      load(ws);
      return versions.get(ws)!;
    },

    /** The next commit stores every workspace's exact id and version (the last one, at a clean stop). */
    storeExactly(): void {
      exactAtNextCommit = true;
      batch.wake();
    },
  };
}
