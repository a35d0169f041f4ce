// Reference for the POST rows, not a baseline of SPEC §8: the least a *durable* create can do on
// this stack. append-post.ts's bare Bun.serve, but each task is INSERTed into a SQLite WAL file
// (argv[3]) with the durability taskmock promises (one exclusive connection, synchronous = NORMAL,
// a checkpoint every 200 pages) and answered only after the COMMIT that holds it; the creates of
// one event-loop turn share that COMMIT. No checks, no log, no scheduler, no versions.
//
// The table has taskmock's columns and its one index, (workspace, id), without which a workspace's
// tasks cannot be listed in id order. With `append-only` as argv[4] the index is left out: rows are
// only appended, what a log-structured design (lists kept in memory, SQLite as the log) would write.
import { Database } from 'bun:sqlite';
import { createTaskList } from './task-list.ts';

const port = Number(process.argv[2]);
const appendOnly = process.argv[4] === 'append-only';

const db = new Database(process.argv[3]!, { create: true, strict: true });
db.run('PRAGMA locking_mode = EXCLUSIVE');
db.run('PRAGMA journal_mode = WAL');
db.run('PRAGMA wal_autocheckpoint = 200');
db.run('PRAGMA cache_size = -32768');
db.run('PRAGMA synchronous = NORMAL');
db.run(`CREATE TABLE tasks (ws INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
  status TEXT NOT NULL, created_at INTEGER NOT NULL, started_at INTEGER, ends_at INTEGER, completed_at INTEGER, failure TEXT)`);
if (!appendOnly) db.run('CREATE UNIQUE INDEX tasks_by_workspace ON tasks (ws, id)');
const insert = db.query(`INSERT INTO tasks (ws, id, name, type, status, created_at) VALUES (?1, ?2, ?3, ?4, 'queued', ?5)`);

/** Per key and workspace id (the query, as sent): its row number and its own task list. */
const workspaces = new Map<string, { ws: number; list: ReturnType<typeof createTaskList> }>();
function workspaceOf(url: URL) {
  const name = `${url.searchParams.get('api_key')}/${url.searchParams.get('workspace_id')}`;
  let workspace = workspaces.get(name);
  if (!workspace) workspaces.set(name, (workspace = { ws: workspaces.size + 1, list: createTaskList() }));
  return workspace;
}

/** The open transaction's waiters; null when none is open. */
let waiting: (() => void)[] | null = null;
function commit(): void {
  const answers = waiting!;
  waiting = null;
  db.run('COMMIT');
  for (const answer of answers) answer();
}

Bun.serve({
  port,
  hostname: '127.0.0.1',
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/tasks' && request.method === 'POST') {
      const { ws, list } = workspaceOf(url);
      const task = list.append(await request.json());
      if (!task) return Response.json({ message: 'invalid request body' }, { status: 400 });
      if (!waiting) {
        db.run('BEGIN IMMEDIATE');
        waiting = [];
        setImmediate(commit);
      }
      insert.run(ws, task.id, task.name, task.type, Date.now());
      const { promise, resolve } = Promise.withResolvers<void>();
      waiting.push(resolve);
      await promise;
      return Response.json({ task });
    }
    if (url.pathname === '/health') return Response.json({ status: 'ok' });
    return new Response('Not Found', { status: 404 });
  },
});
