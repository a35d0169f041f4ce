// Task persistence: prepared statements over the schema in database.ts. Each change is atomic (its
// own savepoint) inside the turn's group commit (commit-batch.ts). Returns plain domain values.
import type { Database } from 'bun:sqlite';
import { createCommitBatch } from './commit-batch.ts';
import { workspaceKey, type Task, type TaskStatus, type TaskType, type WorkspaceRef } from '../domain/model.ts';

interface TaskRow {
  id: number;
  name: string;
  type: TaskType;
  status: TaskStatus;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
}

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

/** Workspaces whose task count is kept in memory (least recently counted ones are dropped). */
const MAX_REMEMBERED_COUNTS = 1000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
  };
}

export function createStore(db: Database, schedule?: (commit: () => void) => void) {
  const batch = createCommitBatch(db, schedule);
  const statements = {
    bumpTaskId: db.query<{ last_task_id: number }, [string, string]>(
      `INSERT INTO workspaces (key_hash, workspace_id, last_task_id) VALUES (?1, ?2, 1)
       ON CONFLICT (key_hash, workspace_id) DO UPDATE SET last_task_id = last_task_id + 1
       RETURNING last_task_id`,
    ),
    insertTask: db.query(
      `INSERT INTO tasks (key_hash, workspace_id, id, name, type, status, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6)`,
    ),
    listTasks: db.query<TaskRow, [string, string]>(
      `SELECT id, name, type, status, created_at, started_at, completed_at FROM tasks
       WHERE key_hash = ?1 AND workspace_id = ?2 ORDER BY id`,
    ),
    countTasks: db.query<{ n: number }, [string, string]>(
      'SELECT count(*) AS n FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2',
    ),
    deleteQueued: db.query(
      `DELETE FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2 AND id = ?3 AND status = 'queued'`,
    ),
    flushDispatched: db.query(
      `DELETE FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2 AND status IN ('running', 'completed')`,
    ),
    workspaceIdsWithTasks: db.query<{ workspace_id: string }, [string]>(
      'SELECT DISTINCT workspace_id FROM tasks WHERE key_hash = ?1',
    ),
    hasTasks: db.query<{ one: number }, [string, string]>(
      'SELECT 1 AS one FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2 LIMIT 1',
    ),
    unfinishedWorkspaces: db.query<{ key_hash: string; workspace_id: string }, []>(
      `SELECT DISTINCT key_hash, workspace_id FROM tasks WHERE status != 'completed'`,
    ),
    runningSummary: db.query<{ running: number; next_end_at: number | null }, [string, string]>(
      // Both ask the partial index of unfinished tasks, or SQLite scans the whole workspace (it
      // prefers the primary key without statistics). `status != 'completed'` repeats the index's
      // condition because the planner does not infer it from `status = 'running'`.
      `SELECT count(*) AS running, min(ends_at) AS next_end_at FROM tasks INDEXED BY tasks_unfinished
       WHERE key_hash = ?1 AND workspace_id = ?2 AND status = 'running' AND status != 'completed'`,
    ),
    firstQueued: db.query<{ id: number; type: TaskType; created_at: number }, [string, string]>(
      `SELECT id, type, created_at FROM tasks INDEXED BY tasks_unfinished
       WHERE key_hash = ?1 AND workspace_id = ?2 AND status = 'queued' AND status != 'completed' ORDER BY id LIMIT 1`,
    ),
    lastStartedAt: db.query<{ last: number | null }, [string, string]>(
      'SELECT max(started_at) AS last FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2',
    ),
    completeDue: db.query(
      `UPDATE tasks SET status = 'completed', completed_at = ends_at
       WHERE key_hash = ?1 AND workspace_id = ?2 AND status = 'running' AND ends_at <= ?3`,
    ),
    startTask: db.query(
      `UPDATE tasks SET status = 'running', started_at = ?4, ends_at = ?5
       WHERE key_hash = ?1 AND workspace_id = ?2 AND id = ?3 AND status = 'queued'`,
    ),
  };

  // No savepoint of its own (it cost a tenth of a create): should the insert ever fail, the id it
  // took is skipped, never reused, and ids only have to increase.
  const createTask = (ref: WorkspaceRef, name: string, type: TaskType, now: number): Task => {
    const { last_task_id: id } = statements.bumpTaskId.get(ref.keyHash, ref.workspaceId)!;
    statements.insertTask.run(ref.keyHash, ref.workspaceId, id, name, type, now);
    return toTask({ id, name, type, status: 'queued', created_at: now, started_at: null, completed_at: null });
  };

  // Task counts per workspace, read once from SQL and then kept by the writes below (this store is
  // the only writer): `count(*)` walks every row of the workspace, on every create. Only the most
  // recently counted workspaces are kept, so ten thousand idle ones do not stay on the heap.
  const taskCounts = new Map<string, number>();
  const rememberCount = (key: string, count: number): void => {
    taskCounts.delete(key);
    if (count <= 0) return;
    taskCounts.set(key, count);
    if (taskCounts.size > MAX_REMEMBERED_COUNTS) taskCounts.delete(taskCounts.keys().next().value!);
  };
  const adjustCount = (ref: WorkspaceRef, delta: number): void => {
    const key = workspaceKey(ref);
    const known = taskCounts.get(key);
    if (known !== undefined && delta !== 0) rememberCount(key, known + delta);
  };
  const countTasks = (ref: WorkspaceRef): number => {
    const key = workspaceKey(ref);
    const known = taskCounts.get(key);
    if (known !== undefined) return known;
    const counted = statements.countTasks.get(ref.keyHash, ref.workspaceId)!.n;
    rememberCount(key, counted);
    return counted;
  };

  const progress = (ref: WorkspaceRef): WorkspaceProgress => {
    const summary = statements.runningSummary.get(ref.keyHash, ref.workspaceId)!;
    const queued = statements.firstQueued.get(ref.keyHash, ref.workspaceId);
    return {
      running: summary.running,
      nextEndAt: summary.next_end_at,
      firstQueued: queued ? { id: queued.id, type: queued.type, createdAt: queued.created_at } : null,
    };
  };

  /**
   * In one transaction: completes every running task due by `now`, then asks `planStart` (given the
   * progress after those completions) whether to start a task. Returns the progress after the
   * change and whether anything changed.
   */
  const advanceWorkspace = db.transaction(
    (ref: WorkspaceRef, now: number, planStart: (progress: WorkspaceProgress) => TaskStart | null) => {
      const completed = statements.completeDue.run(ref.keyHash, ref.workspaceId, now).changes > 0;
      const before = progress(ref);
      const start = planStart(before);
      if (!start) return { changed: completed, progress: before };
      statements.startTask.run(ref.keyHash, ref.workspaceId, start.id, start.startedAt, start.endsAt);
      return { changed: true, progress: progress(ref) };
    },
  );

  return {
    createTask(ref: WorkspaceRef, name: string, type: TaskType, now: number): Task {
      const task = batch.run(() => createTask(ref, name, type, now));
      const key = workspaceKey(ref);
      const known = taskCounts.get(key);
      rememberCount(key, known === undefined ? statements.countTasks.get(ref.keyHash, ref.workspaceId)!.n : known + 1);
      return task;
    },

    listTasks: (ref: WorkspaceRef): Task[] => statements.listTasks.all(ref.keyHash, ref.workspaceId).map(toTask),

    countTasks,

    hasTasks: (ref: WorkspaceRef): boolean => statements.hasTasks.get(ref.keyHash, ref.workspaceId) !== null,

    /** Deletes a task only while it is still queued; false if it is missing or already dispatched. */
    deleteQueuedTask(ref: WorkspaceRef, id: number): boolean {
      const deleted = batch.run(() => statements.deleteQueued.run(ref.keyHash, ref.workspaceId, id).changes);
      adjustCount(ref, -deleted);
      return deleted > 0;
    },

    /** Removes running and completed tasks; returns how many were removed. */
    flushDispatched(ref: WorkspaceRef): number {
      const removed = batch.run(() => statements.flushDispatched.run(ref.keyHash, ref.workspaceId).changes);
      adjustCount(ref, -removed);
      return removed;
    },

    workspaceIdsWithTasks: (keyHash: string): string[] =>
      statements.workspaceIdsWithTasks.all(keyHash).map((row) => row.workspace_id),

    unfinishedWorkspaces: (): WorkspaceRef[] =>
      statements.unfinishedWorkspaces.all().map((row) => ({ keyHash: row.key_hash, workspaceId: row.workspace_id })),

    progress,

    /** When the workspace last started a task (for pacing across restarts), or null. */
    lastStartedAt: (ref: WorkspaceRef): number | null => statements.lastStartedAt.get(ref.keyHash, ref.workspaceId)!.last,

    advanceWorkspace: (
      ref: WorkspaceRef,
      now: number,
      planStart: (progress: WorkspaceProgress) => TaskStart | null,
    ): { changed: boolean; progress: WorkspaceProgress } => batch.run(() => advanceWorkspace(ref, now, planStart)),

    /** Resolves once every change made so far is durable; answer a client only after it. */
    committed: batch.committed,
    hasPendingWrites: batch.pending,
    afterCommit: batch.afterCommit,
    onRollback(listener: () => void): void {
      batch.onRollback(() => {
        taskCounts.clear();
        listener();
      });
    },

    /** Commits what is pending now rather than at the end of the turn (before shutdown). */
    commitPending: (): void => batch.commitNow(),

    /** Commits what is pending, then closes the database. */
    close(): void {
      batch.commitNow();
      db.close();
    },
  };
}
