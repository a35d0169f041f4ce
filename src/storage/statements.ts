// The prepared SQL of the task store, over the schema in database.ts, and the row → Task mapping.
// Tasks are keyed by their workspace's integer `ws` (workspaces table) and their id.
import type { Database } from 'bun:sqlite';
import { cachedIsoTime } from '../domain/iso-time.ts';
import type { Task, TaskStatus, TaskType } from '../domain/model.ts';

export interface TaskRow {
  id: number;
  name: string;
  type: TaskType;
  status: TaskStatus;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  /** Set only on a `failed` task (§11). */
  failure?: string | null;
}

/** The creates of one event-loop turn share their millisecond (toISOString was 2 % of a create). */
const isoOf = cachedIsoTime();

const iso = (ms: number | null) => (ms === null ? null : isoOf(ms));

export function toTask(row: TaskRow): Task {
  const task: Task = {
    id: row.id,
    name: row.name,
    type: row.type,
    status: row.status,
    createdAt: isoOf(row.created_at),
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
  };
  // Only a failed task carries the field: clients of the original never see it. Set rather than
  // spread in: spreading an empty object into every task was another 0.7 % of a create.
  if (row.status === 'failed') task.failure = row.failure ?? 'failed';
  return task;
}

/** The columns a Task is made of (toTask), as listed and as returned by a write. */
const TASK_COLUMNS = 'id, name, type, status, created_at, started_at, completed_at, failure';

/** The workspaces of key ?1 that hold at least one task (listed, or counted for the limit). */
const KEY_WORKSPACES_WITH_TASKS = 'FROM workspaces w WHERE key_hash = ?1 AND EXISTS (SELECT 1 FROM tasks t WHERE t.ws = w.ws)';

/** The statements' text, exported so tests can ask SQLite how it plans the very same queries. */
export const SQL = {
  /** The workspace's row, made on its first task (its counters are workspace-counters.ts's). */
  ensureWorkspace: `INSERT INTO workspaces (key_hash, workspace_id) VALUES (?1, ?2)
       ON CONFLICT (key_hash, workspace_id) DO UPDATE SET key_hash = excluded.key_hash
       RETURNING ws`,
  findWorkspace: 'SELECT ws FROM workspaces WHERE key_hash = ?1 AND workspace_id = ?2',
  insertTask: `INSERT INTO tasks (ws, id, name, type, status, created_at) VALUES (?1, ?2, ?3, ?4, 'queued', ?5)`,
  listTasks: `SELECT ${TASK_COLUMNS} FROM tasks WHERE ws = ?1 ORDER BY id`,
  countTasks: 'SELECT count(*) AS n FROM tasks WHERE ws = ?1',
  deleteQueued: `DELETE FROM tasks WHERE ws = ?1 AND id = ?2 AND status = 'queued' RETURNING id`,
  flushDispatched: `DELETE FROM tasks WHERE ws = ?1 AND status IN ('running', 'completed', 'failed') RETURNING id`,
  workspaceIdsWithTasks: `SELECT workspace_id ${KEY_WORKSPACES_WITH_TASKS}`,
  countWorkspacesWithTasks: `SELECT count(*) AS n ${KEY_WORKSPACES_WITH_TASKS}`,
  hasTasks: 'SELECT 1 AS one FROM tasks WHERE ws = ?1 LIMIT 1',
  // Startup: workspaces with a running task (from the index) or a queued one (a scan of each).
  unfinishedWorkspaces: `SELECT key_hash, workspace_id FROM workspaces w
       WHERE EXISTS (SELECT 1 FROM tasks t INDEXED BY tasks_running WHERE t.ws = w.ws AND t.status = 'running')
          OR EXISTS (SELECT 1 FROM tasks t WHERE t.ws = w.ws AND t.status = 'queued')`,
  // Running tasks come from their partial index, which the condition `status = 'running'` names.
  runningSummary: `SELECT count(*) AS running, min(ends_at) AS next_end_at FROM tasks INDEXED BY tasks_running
       WHERE ws = ?1 AND status = 'running'`,
  // The first queued task after ?2, below which the workspace is known to hold none (queue-heads.ts).
  // No ORDER BY: the named index is walked forward from ?2, in id order (a test reads the program
  // SQLite makes of it). With `ORDER BY id` the same program cost 9 – 15 µs a run instead of 2 – 5
  // on this build of SQLite (3.54), and the scheduler runs it twice per start.
  firstQueued: `SELECT id, type, created_at FROM tasks INDEXED BY tasks_by_workspace
       WHERE ws = ?1 AND id > ?2 AND status = 'queued' LIMIT 1`,
  lastStartedAt: 'SELECT max(started_at) AS last FROM tasks WHERE ws = ?1',
  completeDue: `UPDATE tasks INDEXED BY tasks_running SET status = 'completed', completed_at = ends_at
       WHERE ws = ?1 AND status = 'running' AND ends_at <= ?2 RETURNING ${TASK_COLUMNS}`,
  /** Running tasks due by ?2, for a workspace where some of them may fail (§11). */
  dueRunning: `SELECT id FROM tasks INDEXED BY tasks_running
       WHERE ws = ?1 AND status = 'running' AND ends_at <= ?2 ORDER BY id`,
  failTask: `UPDATE tasks SET status = 'failed', completed_at = ends_at, failure = ?3
       WHERE ws = ?1 AND id = ?2 AND status = 'running' RETURNING ${TASK_COLUMNS}`,
  startTask: `UPDATE tasks SET status = 'running', started_at = ?3, ends_at = ?4
       WHERE ws = ?1 AND id = ?2 AND status = 'queued' RETURNING ${TASK_COLUMNS}`,
  // Test control (SPEC §10): a workspace's clock, a reset, fixtures in any status.
  clockOf: 'SELECT clock_offset_ms, clock_paused_at, time_scale FROM workspaces WHERE key_hash = ?1 AND workspace_id = ?2',
  setClock: `INSERT INTO workspaces (key_hash, workspace_id, clock_offset_ms, clock_paused_at, time_scale) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (key_hash, workspace_id) DO UPDATE SET
         clock_offset_ms = excluded.clock_offset_ms, clock_paused_at = excluded.clock_paused_at, time_scale = excluded.time_scale
       RETURNING ws`,
  deleteAllTasks: 'DELETE FROM tasks WHERE ws = ?1 RETURNING id',
  // A reset puts the clock back on real time (its ids restart in workspace-counters.ts).
  realClock: 'UPDATE workspaces SET clock_offset_ms = 0, clock_paused_at = NULL, time_scale = NULL WHERE ws = ?1',
  insertFixture: `INSERT INTO tasks (ws, id, name, type, status, created_at, started_at, ends_at, completed_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
  workspaceIdsOfKey: 'SELECT workspace_id FROM workspaces WHERE key_hash = ?1 ORDER BY workspace_id',
} as const;

/**
 * The store's statements, each prepared the first time it is used: a start runs only a few of
 * them, and preparing the two dozen up front was 1.5 ms of it (docs/performance.md, start-up).
 */
export function prepareStatements(db: Database) {
  return preparedOnFirstUse({
    ensureWorkspace: () => db.query<{ ws: number }, [string, string]>(SQL.ensureWorkspace),
    findWorkspace: () => db.query<{ ws: number }, [string, string]>(SQL.findWorkspace),
    insertTask: () => db.query(SQL.insertTask),
    listTasks: () => db.query<TaskRow, [number]>(SQL.listTasks),
    countTasks: () => db.query<{ n: number }, [number]>(SQL.countTasks),
    deleteQueued: () => db.query<{ id: number }, [number, number]>(SQL.deleteQueued),
    flushDispatched: () => db.query<{ id: number }, [number]>(SQL.flushDispatched),
    workspaceIdsWithTasks: () => db.query<{ workspace_id: string }, [string]>(SQL.workspaceIdsWithTasks),
    countWorkspacesWithTasks: () => db.query<{ n: number }, [string]>(SQL.countWorkspacesWithTasks),
    hasTasks: () => db.query<{ one: number }, [number]>(SQL.hasTasks),
    unfinishedWorkspaces: () => db.query<{ key_hash: string; workspace_id: string }, []>(SQL.unfinishedWorkspaces),
    runningSummary: () => db.query<{ running: number; next_end_at: number | null }, [number]>(SQL.runningSummary),
    firstQueued: () => db.query<{ id: number; type: TaskType; created_at: number }, [number, number]>(SQL.firstQueued),
    lastStartedAt: () => db.query<{ last: number | null }, [number]>(SQL.lastStartedAt),
    completeDue: () => db.query<TaskRow, [number, number]>(SQL.completeDue),
    startTask: () => db.query<TaskRow, [number, number, number, number]>(SQL.startTask),
    dueRunning: () => db.query<{ id: number }, [number, number]>(SQL.dueRunning),
    failTask: () => db.query<TaskRow, [number, number, string]>(SQL.failTask),
    clockOf: () =>
      db.query<{ clock_offset_ms: number; clock_paused_at: number | null; time_scale: number | null }, [string, string]>(
        SQL.clockOf,
      ),
    setClock: () => db.query<{ ws: number }, [string, string, number, number | null, number | null]>(SQL.setClock),
    deleteAllTasks: () => db.query<{ id: number }, [number]>(SQL.deleteAllTasks),
    realClock: () => db.query(SQL.realClock),
    insertFixture: () => db.query(SQL.insertFixture),
    workspaceIdsOfKey: () => db.query<{ workspace_id: string }, [string]>(SQL.workspaceIdsOfKey),
  });
}

/** An object whose properties are made by `make` on first read, then kept as plain values. */
function preparedOnFirstUse<M extends Record<string, () => unknown>>(make: M): { [K in keyof M]: ReturnType<M[K]> } {
  const made = {} as { [K in keyof M]: ReturnType<M[K]> };
  for (const key of Object.keys(make) as (keyof M)[]) {
    Object.defineProperty(made, key, {
      configurable: true,
      enumerable: true,
      get() {
        const value = make[key]!();
        Object.defineProperty(made, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return made;
}
