// Task persistence: the domain's reads and writes over the prepared statements. Every write joins
// the turn's group commit (commit-batch.ts), so it is durable only once that batch commits; the
// store itself never commits. Returns plain domain values.
import type { Database } from 'bun:sqlite';
import type { Task, TaskType, WorkspaceRef } from '../domain/model.ts';
import type { CommitBatch } from './commit-batch.ts';
import { prepareStatements, toTask } from './statements.ts';
import { createTaskCounts } from './task-counts.ts';
import { createWorkspaceIds } from './workspace-ids.ts';

/** What the scheduler needs to know about one workspace to plan its next transition. */
export interface WorkspaceProgress {
  running: number;
  nextEndAt: number | null;
  firstQueued: { id: number; type: TaskType; createdAt: number } | null;
}

export interface TaskStart {
  id: number;
  startedAt: number;
  endsAt: number;
}

export type Store = ReturnType<typeof createStore>;

export function createStore(db: Database, batch: CommitBatch) {
  const statements = prepareStatements(db);
  const ids = createWorkspaceIds((ref) => statements.findWorkspace.get(ref.keyHash, ref.workspaceId)?.ws);
  const counts = createTaskCounts((ref) => {
    const ws = ids.find(ref);
    return ws === undefined ? 0 : statements.countTasks.get(ws)!.n;
  });
  batch.onRollback(() => {
    counts.clear();
    ids.clear();
  });

  // No savepoint of its own (it cost a tenth of a create): should the insert ever fail, the id it
  // took is skipped, never reused, and ids only have to increase.
  const insertTask = (ref: WorkspaceRef, name: string, type: TaskType, now: number): Task => {
    const { ws, last_task_id: id } = statements.bumpTaskId.get(ref.keyHash, ref.workspaceId)!;
    ids.remember(ref, ws);
    statements.insertTask.run(ws, id, name, type, now);
    return toTask({ id, name, type, status: 'queued', created_at: now, started_at: null, completed_at: null });
  };

  const progressOf = (ws: number): WorkspaceProgress => {
    const summary = statements.runningSummary.get(ws)!;
    const queued = statements.firstQueued.get(ws);
    return {
      running: summary.running,
      nextEndAt: summary.next_end_at,
      firstQueued: queued ? { id: queued.id, type: queued.type, createdAt: queued.created_at } : null,
    };
  };

  const progress = (ref: WorkspaceRef): WorkspaceProgress => {
    const ws = ids.find(ref);
    return ws === undefined ? { running: 0, nextEndAt: null, firstQueued: null } : progressOf(ws);
  };

  /**
   * Completes every running task due by `now`, then asks `planStart` (given the progress after
   * those completions) whether to start a task. Returns the progress after the change and whether
   * anything changed.
   */
  function advanceWorkspace(
    ref: WorkspaceRef,
    now: number,
    planStart: (progress: WorkspaceProgress) => TaskStart | null,
  ): { changed: boolean; progress: WorkspaceProgress } {
    const ws = ids.find(ref);
    if (ws === undefined) return { changed: false, progress: progress(ref) };
    return batch.write(() => {
      const completed = statements.completeDue.run(ws, now).changes > 0;
      const before = progressOf(ws);
      const start = planStart(before);
      if (!start) return { changed: completed, progress: before };
      statements.startTask.run(ws, start.id, start.startedAt, start.endsAt);
      return { changed: true, progress: progressOf(ws) };
    });
  }

  return {
    createTask(ref: WorkspaceRef, name: string, type: TaskType, now: number): Task {
      const task = batch.write(() => insertTask(ref, name, type, now));
      counts.added(ref);
      return task;
    },

    listTasks(ref: WorkspaceRef): Task[] {
      const ws = ids.find(ref);
      return ws === undefined ? [] : statements.listTasks.all(ws).map(toTask);
    },

    countTasks: counts.count,

    hasTasks(ref: WorkspaceRef): boolean {
      const ws = ids.find(ref);
      return ws !== undefined && statements.hasTasks.get(ws) !== null;
    },

    /** Deletes a task only while it is still queued; false if it is missing or already dispatched. */
    deleteQueuedTask(ref: WorkspaceRef, id: number): boolean {
      const ws = ids.find(ref);
      if (ws === undefined) return false;
      const deleted = batch.write(() => statements.deleteQueued.run(ws, id).changes);
      counts.adjust(ref, -deleted);
      return deleted > 0;
    },

    /** Removes running and completed tasks; returns how many were removed. */
    flushDispatched(ref: WorkspaceRef): number {
      const ws = ids.find(ref);
      if (ws === undefined) return 0;
      const removed = batch.write(() => statements.flushDispatched.run(ws).changes);
      counts.adjust(ref, -removed);
      return removed;
    },

    workspaceIdsWithTasks: (keyHash: string): string[] =>
      statements.workspaceIdsWithTasks.all(keyHash).map((row) => row.workspace_id),

    unfinishedWorkspaces: (): WorkspaceRef[] =>
      statements.unfinishedWorkspaces.all().map((row) => ({ keyHash: row.key_hash, workspaceId: row.workspace_id })),

    progress,

    /** When the workspace last started a task (for pacing across restarts), or null. */
    lastStartedAt(ref: WorkspaceRef): number | null {
      const ws = ids.find(ref);
      return ws === undefined ? null : statements.lastStartedAt.get(ws)!.last;
    },

    advanceWorkspace,
  };
}
