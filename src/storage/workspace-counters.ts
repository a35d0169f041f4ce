// Each workspace's id counter and version (SPEC §2, §12), held in memory once read and written to
// its row once per commit, just before the COMMIT: a create took both with an `UPDATE … RETURNING`
// of its own (a tenth of its CPU, `--cpu-prof`), and a commit of 30 creates into one workspace now
// writes the row once. Every change of either goes through here, never through SQL of its own, so
// the row and memory cannot disagree; a rolled-back commit forgets what memory held.
//
// Two Maps of numbers rather than an object per workspace: a server holding 10,000 idle
// workspaces keeps no more objects for the garbage collector to walk.
import type { Database } from 'bun:sqlite';
import type { CommitBatch } from './commit-batch.ts';

export type WorkspaceCounters = ReturnType<typeof createWorkspaceCounters>;

export function createWorkspaceCounters(db: Database, batch: CommitBatch) {
  const read = db.query<{ last_task_id: number; version: number }, [number]>(
    'SELECT last_task_id, version FROM workspaces WHERE ws = ?1',
  );
  const write = db.query('UPDATE workspaces SET last_task_id = ?2, version = ?3 WHERE ws = ?1');
  const lastIds = new Map<number, number>();
  const versions = new Map<number, number>();
  const dirty = new Set<number>();

  /** Reads the row of `ws` (which exists) the first time it is needed. */
  function load(ws: number): void {
    if (versions.has(ws)) return;
    const row = read.get(ws);
    if (!row) throw new Error(`workspace ${ws} has no row`);
    lastIds.set(ws, row.last_task_id);
    versions.set(ws, row.version);
  }

  function set(ws: number, lastId: number, version: number): void {
    lastIds.set(ws, lastId);
    versions.set(ws, version);
    dirty.add(ws);
    batch.wake();
  }

  batch.beforeEveryCommit(() => {
    for (const ws of dirty) write.run(ws, lastIds.get(ws)!, versions.get(ws)!);
    dirty.clear();
  });
  batch.onRollback(() => {
    lastIds.clear();
    versions.clear();
    dirty.clear();
  });

  /** Moves workspace `ws`'s id counter and version on by the steps given; returns both. */
  function step(ws: number, idStep: number, versionStep: number): { id: number; version: number } {
    load(ws);
    const id = lastIds.get(ws)! + idStep;
    const version = versions.get(ws)! + versionStep;
    set(ws, id, version);
    return { id, version };
  }

  return {
    /** A create's id and the version it takes (inside its `batch.write`). */
    nextTask: (ws: number): { id: number; version: number } => step(ws, 1, 1),

    /** The next id alone (a fixture, whose change then bumps the version). */
    nextId: (ws: number): number => step(ws, 1, 0).id,

    /** One more version for a committed change of `ws`; returns it. */
    bumpVersion: (ws: number): number => step(ws, 0, 1).version,

    /** The last id taken in `ws` (no task of it has a higher one). */
    lastId(ws: number): number {
      load(ws);
      return lastIds.get(ws)!;
    },

    /** After a reset: ids start at 1 again; the version goes on. */
    restartIds(ws: number): void {
      load(ws);
      set(ws, 0, versions.get(ws)!);
    },

    version(ws: number): number {
      load(ws);
      return versions.get(ws)!;
    },
  };
}
