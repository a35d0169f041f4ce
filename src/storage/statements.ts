// The prepared SQL of the task store, over the schema in database.ts, and the row → Task mapping.
import type { Database } from 'bun:sqlite';
import type { Task, TaskStatus, TaskType } from '../domain/model.ts';

export interface TaskRow {
  id: number;
  name: string;
  type: TaskType;
  status: TaskStatus;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toTask(row: TaskRow): Task {
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

/** The statements' text, exported so tests can ask SQLite how it plans the very same queries. */
export const SQL = {
  bumpTaskId: `INSERT INTO workspaces (key_hash, workspace_id, last_task_id) VALUES (?1, ?2, 1)
       ON CONFLICT (key_hash, workspace_id) DO UPDATE SET last_task_id = last_task_id + 1
       RETURNING last_task_id`,
  insertTask: `INSERT INTO tasks (key_hash, workspace_id, id, name, type, status, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6)`,
  listTasks: `SELECT id, name, type, status, created_at, started_at, completed_at FROM tasks
       WHERE key_hash = ?1 AND workspace_id = ?2 ORDER BY id`,
  countTasks: 'SELECT count(*) AS n FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2',
  deleteQueued: `DELETE FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2 AND id = ?3 AND status = 'queued'`,
  flushDispatched: `DELETE FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2 AND status IN ('running', 'completed')`,
  workspaceIdsWithTasks: 'SELECT DISTINCT workspace_id FROM tasks WHERE key_hash = ?1',
  hasTasks: 'SELECT 1 AS one FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2 LIMIT 1',
  unfinishedWorkspaces: `SELECT DISTINCT key_hash, workspace_id FROM tasks WHERE status != 'completed'`,
  // runningSummary and firstQueued ask the partial index of unfinished tasks, or SQLite scans the
  // whole workspace (it prefers the primary key without statistics). `status != 'completed'`
  // repeats the index's condition because the planner does not infer it from `status = 'running'`.
  runningSummary: `SELECT count(*) AS running, min(ends_at) AS next_end_at FROM tasks INDEXED BY tasks_unfinished
       WHERE key_hash = ?1 AND workspace_id = ?2 AND status = 'running' AND status != 'completed'`,
  firstQueued: `SELECT id, type, created_at FROM tasks INDEXED BY tasks_unfinished
       WHERE key_hash = ?1 AND workspace_id = ?2 AND status = 'queued' AND status != 'completed' ORDER BY id LIMIT 1`,
  lastStartedAt: 'SELECT max(started_at) AS last FROM tasks WHERE key_hash = ?1 AND workspace_id = ?2',
  completeDue: `UPDATE tasks SET status = 'completed', completed_at = ends_at
       WHERE key_hash = ?1 AND workspace_id = ?2 AND status = 'running' AND ends_at <= ?3`,
  startTask: `UPDATE tasks SET status = 'running', started_at = ?4, ends_at = ?5
       WHERE key_hash = ?1 AND workspace_id = ?2 AND id = ?3 AND status = 'queued'`,
} as const;

export function prepareStatements(db: Database) {
  return {
    bumpTaskId: db.query<{ last_task_id: number }, [string, string]>(SQL.bumpTaskId),
    insertTask: db.query(SQL.insertTask),
    listTasks: db.query<TaskRow, [string, string]>(SQL.listTasks),
    countTasks: db.query<{ n: number }, [string, string]>(SQL.countTasks),
    deleteQueued: db.query(SQL.deleteQueued),
    flushDispatched: db.query(SQL.flushDispatched),
    workspaceIdsWithTasks: db.query<{ workspace_id: string }, [string]>(SQL.workspaceIdsWithTasks),
    hasTasks: db.query<{ one: number }, [string, string]>(SQL.hasTasks),
    unfinishedWorkspaces: db.query<{ key_hash: string; workspace_id: string }, []>(SQL.unfinishedWorkspaces),
    runningSummary: db.query<{ running: number; next_end_at: number | null }, [string, string]>(SQL.runningSummary),
    firstQueued: db.query<{ id: number; type: TaskType; created_at: number }, [string, string]>(SQL.firstQueued),
    lastStartedAt: db.query<{ last: number | null }, [string, string]>(SQL.lastStartedAt),
    completeDue: db.query(SQL.completeDue),
    startTask: db.query(SQL.startTask),
  };
}
