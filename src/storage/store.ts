// Task persistence: the domain's reads and writes over the prepared statements (statements.ts);
// the scheduler's progress and transitions are in transitions.ts, test control's writes in
// control-writes.ts. Every write joins the turn's group commit (commit-batch.ts), so it is durable
// only once that batch commits; the store itself never commits. Returns plain domain values.
//
// THE RULE FOR EVERY WRITE (SPEC §12): inside its `batch.write`, a write that changed anything
// calls `recordChangeIn(ws, ref, changes)` (or the exported `recordChange`) exactly once, with
// what it changed. That bumps the workspace's version in the same transaction (so a rolled-back
// change never took a version, and a committed one always did) and announces the change, with
// that version, after the COMMIT. Versions are never lowered and never reused, not by a flush, a
// reset or a restart: nothing but workspace-counters.ts (`bumpVersion`, and a create's `nextTask`,
// which takes it with the id) ever changes it, and a workspaces row is never deleted (a reset
// sets the id counter back to 0 and keeps the row, and so the version). A new write (reset,
// fixtures) gets versions, stream updates and wake-ups of blocking readers by calling
// `recordChange`, and nothing else.
import type { Database } from 'bun:sqlite';
import { createChangeFeed, type ChangeFeed, type TaskChange } from '../domain/changes.ts';
import type { Task, TaskType, WorkspaceRef } from '../domain/model.ts';
import type { CommitBatch } from './commit-batch.ts';
import { createControlWrites } from './control-writes.ts';
import { createOccupiedWorkspaces } from './occupied-workspaces.ts';
import { createQueueHeads } from './queue-heads.ts';
import { prepareStatements, toTask } from './statements.ts';
import { createTaskCounts } from './task-counts.ts';
import { createTransitions } from './transitions.ts';
import { createWorkspaceCounters } from './workspace-counters.ts';
import { createWorkspaceIds } from './workspace-ids.ts';

export type Store = ReturnType<typeof createStore>;

/**
 * Hears each change as it is written, inside its transaction (the journal, SPEC §13, so its rows
 * join the same commit). `removedBy` says why tasks were removed.
 */
export type ChangeWitness = (ref: WorkspaceRef, changes: TaskChange[], removedBy: RemovalCause) => void;
export type RemovalCause = 'deleted' | 'flushed' | 'reset';

export function createStore(db: Database, batch: CommitBatch, changes: ChangeFeed = createChangeFeed(batch.afterCommit)) {
  const statements = prepareStatements(db);
  const ids = createWorkspaceIds((ref) => statements.findWorkspace.get(ref.keyHash, ref.workspaceId)?.ws);
  const counters = createWorkspaceCounters(db, batch);
  let witness: ChangeWitness | undefined;

  /** Bumps workspace `ws`'s version and announces `taskChanges` after COMMIT; inside `batch.write`. */
  const recordChangeIn = (
    ws: number,
    ref: WorkspaceRef,
    taskChanges: TaskChange[],
    removedBy: RemovalCause = 'reset',
  ): number => {
    const removes = taskChanges.some((change) => change.op === 'remove');
    return announce(ref, counters.bumpVersion(ws, removes), taskChanges, removedBy);
  };
  /** For a write that has already bumped the version (a create): witness and announce it. */
  const announce = (ref: WorkspaceRef, version: number, taskChanges: TaskChange[], removedBy: RemovalCause): number => {
    witness?.(ref, taskChanges, removedBy);
    changes.announce({ ref, version, changes: taskChanges });
    return version;
  };
  const removals = (rows: { id: number }[]): TaskChange[] => rows.map(({ id }) => ({ op: 'remove', id }));
  const counts = createTaskCounts((ref) => {
    const ws = ids.find(ref);
    return ws === undefined ? 0 : statements.countTasks.get(ws)!.n;
  });
  /** Whether the workspace holds a task. A kept count is never zero, so the usual answer costs no SQL. */
  const hasTasks = (ref: WorkspaceRef): boolean => {
    if (counts.knownToHoldTasks(ref)) return true;
    const ws = ids.find(ref);
    return ws !== undefined && statements.hasTasks.get(ws) !== null;
  };
  const occupied = createOccupiedWorkspaces((keyHash) => statements.countWorkspacesWithTasks.get(keyHash)!.n, hasTasks);
  const queueHeads = createQueueHeads();
  batch.onRollback(() => {
    occupied.clear();
    counts.clear();
    ids.clear();
    queueHeads.clear();
  });

  /** The row id of the workspace, making its row if it has none yet. */
  const workspaceRow = (ref: WorkspaceRef): number => {
    const known = ids.find(ref);
    if (known !== undefined) return known;
    const { ws } = statements.ensureWorkspace.get(ref.keyHash, ref.workspaceId)!;
    ids.remember(ref, ws);
    return ws;
  };

  // No savepoint of its own (it cost a tenth of a create): should the insert ever fail, the id it
  // took is skipped, never reused, and ids only have to increase.
  /** Takes the workspace's next id and version, creating its row if need be. */
  const nextTask = (ref: WorkspaceRef): { ws: number; id: number; version: number } => {
    const ws = workspaceRow(ref);
    return { ws, ...counters.nextTask(ws) };
  };

  const insertTask = (ref: WorkspaceRef, name: string, type: TaskType, now: number): Task => {
    const { ws, id, version } = nextTask(ref);
    statements.insertTask.run(ws, id, name, type, now);
    const task = toTask({ id, name, type, status: 'queued', created_at: now, started_at: null, completed_at: null });
    announce(ref, version, [{ op: 'put', task }], 'reset');
    return task;
  };

  return {
    createTask(ref: WorkspaceRef, name: string, type: TaskType, now: number): Task {
      const wasEmpty = occupied.addingToEmpty(ref);
      const task = batch.write(() => insertTask(ref, name, type, now));
      counts.added(ref);
      occupied.added(ref, wasEmpty);
      return task;
    },

    listTasks(ref: WorkspaceRef): Task[] {
      const ws = ids.find(ref);
      return ws === undefined ? [] : statements.listTasks.all(ws).map(toTask);
    },

    countTasks: counts.count,

    hasTasks,

    /** Deletes a task only while it is still queued; false if it is missing or already dispatched. */
    deleteQueuedTask(ref: WorkspaceRef, id: number): boolean {
      const ws = ids.find(ref);
      if (ws === undefined) return false;
      const deleted = batch.write(() => {
        const rows = statements.deleteQueued.all(ws, id);
        if (rows.length > 0) recordChangeIn(ws, ref, removals(rows), 'deleted');
        return rows.length;
      });
      counts.adjust(ref, -deleted);
      occupied.removed(ref, deleted);
      return deleted > 0;
    },

    /** Removes running and completed tasks; returns how many were removed. */
    flushDispatched(ref: WorkspaceRef): number {
      const ws = ids.find(ref);
      if (ws === undefined) return 0;
      const removed = batch.write(() => {
        const rows = statements.flushDispatched.all(ws);
        if (rows.length > 0) recordChangeIn(ws, ref, removals(rows), 'flushed');
        return rows.length;
      });
      counts.adjust(ref, -removed);
      occupied.removed(ref, removed);
      return removed;
    },

    /** Before the last commit of a clean stop: it stores every workspace's exact id and version. */
    storeCountersExactly: counters.storeExactly,

    /** The workspace's version: 0 for one that never changed (reading it creates nothing). */
    version(ref: WorkspaceRef): number {
      const ws = ids.find(ref);
      return ws === undefined ? 0 : counters.version(ws);
    },

    /**
     * For a new write of an existing workspace (reset, fixtures): bumps its version and announces
     * `taskChanges` after COMMIT. Call it inside that write's `batch.write`. Returns the version.
     */
    recordChange(ref: WorkspaceRef, taskChanges: TaskChange[]): number {
      const ws = ids.find(ref);
      if (ws === undefined) throw new Error(`recordChange: workspace ${ref.workspaceId} has no row`);
      return recordChangeIn(ws, ref, taskChanges);
    },

    /** How many of the key's workspaces hold tasks (the workspace limit's count, SPEC §4). */
    occupiedWorkspaces: occupied.count,

    workspaceIdsWithTasks: (keyHash: string): string[] =>
      statements.workspaceIdsWithTasks.all(keyHash).map((row) => row.workspace_id),

    unfinishedWorkspaces: (): WorkspaceRef[] =>
      statements.unfinishedWorkspaces.all().map((row) => ({ keyHash: row.key_hash, workspaceId: row.workspace_id })),

    ...createTransitions({ statements, recordChangeIn, ids, batch, queueHeads, counters }),

    ...createControlWrites({ statements, recordChangeIn, ids, counts, occupied, batch, queueHeads, counters, workspaceRow }),

    /** Sets the one witness of every change (the journal). */
    witnessChanges(listener: ChangeWitness): void {
      witness = listener;
    },
  };
}
