// Guards for the hot paths `bun run bench` found: creates must not walk every row of the workspace
// (POST /tasks fell to ~500/s at 20,000 tasks), and the cached GET body must stay correct.
import { Database } from 'bun:sqlite';
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyIdentity } from '../src/domain/key-identity.ts';
import { openDatabase } from '../src/storage/database.ts';
import type { WorkspaceRef } from '../src/domain/model.ts';
import { createCommitBatch } from '../src/storage/commit-batch.ts';
import { SQL } from '../src/storage/statements.ts';
import { createStore } from '../src/storage/store.ts';
import { VERSIONS_RESERVED } from '../src/storage/workspace-counters.ts';
import { testTaskmock } from './helpers.ts';

const ref: WorkspaceRef = { keyHash: 'hash', workspaceId: 'w' };
const other: WorkspaceRef = { keyHash: 'hash', workspaceId: 'other' };

function withStore(run: (store: ReturnType<typeof createStore>) => void): void {
  const db = openDatabase(':memory:');
  const batch = createCommitBatch(db);
  try {
    run(createStore(db, batch));
  } finally {
    batch.commitNow();
    db.close();
  }
}

describe('task counts kept in memory stay exact', () => {
  test('through creates, deletes of queued tasks and flushes, per workspace', () => {
    withStore((store) => {
      for (let i = 0; i < 5; i++) store.createTask(ref, `t${i}`, 'gx.tiny', 1000);
      store.createTask(other, 'elsewhere', 'gx.tiny', 1000);
      expect(store.countTasks(ref)).toBe(5);
      expect(store.deleteQueuedTask(ref, 2)).toBe(true);
      expect(store.deleteQueuedTask(ref, 2)).toBe(false);
      expect(store.countTasks(ref)).toBe(4);
      // Start and complete task 1, then flush it away.
      store.advanceWorkspace(ref, 5000, () => ({ id: 1, startedAt: 5000, endsAt: 5001 }));
      store.advanceWorkspace(ref, 6000, () => null);
      expect(store.flushDispatched(ref)).toBe(1);
      expect(store.countTasks(ref)).toBe(3);
      expect(store.countTasks(other)).toBe(1);
    });
  });

  test('a count first read after tasks exist, and one that fell to zero, come from SQL again', () => {
    withStore((store) => {
      expect(store.countTasks(ref)).toBe(0);
      store.createTask(ref, 'only', 'gx.tiny', 1000);
      expect(store.countTasks(ref)).toBe(1);
      expect(store.deleteQueuedTask(ref, 1)).toBe(true);
      expect(store.countTasks(ref)).toBe(0);
      store.createTask(ref, 'again', 'gx.tiny', 1000);
      expect(store.countTasks(ref)).toBe(1);
    });
  });
});

test('scheduler progress reads running tasks from their index and queued ones from where the queue starts', () => {
  const db = openDatabase(':memory:');
  try {
    const planOf = (sql: string, ...params: number[]) =>
      (db.query(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join();
    expect(planOf(SQL.runningSummary, 1)).toContain('tasks_running');
    expect(planOf(SQL.firstQueued, 1, 0)).toContain('tasks_by_workspace (ws=? AND id>?)');
    // firstQueued has no ORDER BY (statements.ts): its program must seek past ?2 and step
    // forward through the index, never backwards and never through a sorter.
    const opcodes = (db.query(`EXPLAIN ${SQL.firstQueued}`).all(1, 0) as { opcode: string }[]).map((row) => row.opcode);
    expect(opcodes).toContain('SeekGT');
    expect(opcodes).toContain('Next');
    expect(opcodes.filter((opcode) => /^(Prev|Last|SeekLT|SeekLE|Sorter)/.test(opcode))).toEqual([]);
    // A create writes the table and one index: no index of queued tasks puts another page into
    // its commit (docs/performance.md).
    const indexes = db.query(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'tasks'`).all();
    expect(indexes).toEqual([{ name: 'tasks_by_workspace' }, { name: 'tasks_running' }]);
    // And the store prepares them (INDEXED BY fails at prepare if the index is unusable).
    const store = createStore(db, createCommitBatch(db));
    expect(store.progress(ref)).toEqual({ running: 0, nextEndAt: null, firstQueued: null });
  } finally {
    db.close();
  }
});

test('a create checks its status with comparisons, not a table SQLite builds on every insert', () => {
  const db = openDatabase(':memory:');
  try {
    // `status IN (four values)` made every INSERT build and fill a table first (docs/performance.md).
    const opcodes = (sql: string) => (db.query(`EXPLAIN ${sql}`).all() as { opcode: string }[]).map((row) => row.opcode);
    expect(opcodes(SQL.insertTask)).not.toContain('OpenEphemeral');
    expect(opcodes(SQL.insertFixture)).not.toContain('OpenEphemeral');
    // The comparisons still refuse what the IN list did, and let each of the four through.
    const insert = db.query('INSERT INTO tasks (ws, id, name, type, status, created_at) VALUES (1, ?1, ?2, ?3, ?4, 0)');
    for (const [id, status] of ['queued', 'running', 'completed', 'failed'].entries())
      insert.run(id + 1, 'ok', 'gx.tiny', status);
    expect(() => insert.run(9, 'bad', 'gx.tiny', 'done')).toThrow(/CHECK constraint failed/);
    expect(db.query('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 4 });
  } finally {
    db.close();
  }
});

describe('the first queued task is found whatever came before it', () => {
  const firstQueuedId = (store: ReturnType<typeof createStore>) => store.progress(ref).firstQueued?.id ?? null;
  const startNext = (store: ReturnType<typeof createStore>, at: number) =>
    store.advanceWorkspace(ref, at, ({ firstQueued }) => firstQueued && { id: firstQueued.id, startedAt: at, endsAt: at + 1 });

  test('past finished tasks, after deletes, and again from 1 after a reset', () => {
    withStore((store) => {
      for (let i = 1; i <= 4; i++) store.createTask(ref, `t${i}`, 'gx.tiny', 1000);
      expect(firstQueuedId(store)).toBe(1);
      startNext(store, 2000);
      startNext(store, 3000);
      expect(firstQueuedId(store)).toBe(3);
      expect(store.deleteQueuedTask(ref, 3)).toBe(true);
      expect(firstQueuedId(store)).toBe(4);
      startNext(store, 4000);
      expect(firstQueuedId(store)).toBeNull();
      store.createTask(ref, 't5', 'gx.tiny', 5000);
      expect(firstQueuedId(store)).toBe(5);
      store.resetWorkspace(ref);
      store.createTask(ref, 'after reset', 'gx.tiny', 6000);
      expect(store.progress(ref).firstQueued).toMatchObject({ id: 1 });
    });
  });

  test('a start whose COMMIT failed leaves its task first in the queue', () => {
    const db = openDatabase(':memory:');
    const batch = createCommitBatch(db, () => {});
    const store = createStore(db, batch);
    try {
      db.run('CREATE TABLE doomed_parent (id INTEGER PRIMARY KEY)');
      db.run('CREATE TABLE doomed_child (parent INTEGER REFERENCES doomed_parent (id) DEFERRABLE INITIALLY DEFERRED)');
      store.createTask(ref, 'a', 'gx.tiny', 1000);
      store.createTask(ref, 'b', 'gx.tiny', 1000);
      batch.commitNow();
      startNext(store, 2000);
      expect(firstQueuedId(store)).toBe(2);
      batch.write(() => db.run('INSERT INTO doomed_child VALUES (42)'));
      batch.commitNow();
      expect(store.progress(ref).running).toBe(0);
      expect(firstQueuedId(store)).toBe(1);
    } finally {
      db.close();
    }
  });
});

test('GET /tasks serves the cached bytes again and again, and fresh ones after a change', async () => {
  // The encoded list body is cached per snapshot (bench: encoding per request cost a quarter of
  // GET throughput); it must never be consumed by a response or outlive a change.
  const taskmock = testTaskmock();
  const list = async () => (await taskmock.request('GET', '/tasks?api_key=demo')).text();
  const create = (name: string) => taskmock.request('POST', '/tasks?api_key=demo', { body: { name, type: 'gx.tiny' } });
  try {
    expect((await create('a')).status).toBe(200);
    const first = await list();
    expect(await list()).toBe(first);
    expect(JSON.parse(first).tasks.map((task: { name: string }) => task.name)).toEqual(['a']);
    expect((await create('b')).status).toBe(200);
    expect(JSON.parse(await list()).tasks.map((task: { name: string }) => task.name)).toEqual(['a', 'b']);
  } finally {
    taskmock.close();
  }
});

test('task counts stay exact for workspaces dropped from the in-memory counts', () => {
  withStore((store) => {
    const refs = Array.from({ length: 1100 }, (_, i) => ({ keyHash: 'hash', workspaceId: `w${i}` }));
    for (const each of refs) store.createTask(each, 'one', 'gx.tiny', 1000);
    store.createTask(refs[0]!, 'two', 'gx.tiny', 1000);
    expect(store.countTasks(refs[0]!)).toBe(2);
    expect(store.countTasks(refs[1]!)).toBe(1);
    expect(store.deleteQueuedTask(refs[2]!, 1)).toBe(true);
    expect(store.countTasks(refs[2]!)).toBe(0);
  });
});

test('the key ring answers the salted identity of a configured key, null otherwise', () => {
  const taskmock = testTaskmock(['--api-keys', 'alpha-key-0001,beta-key-00002']);
  const salt = taskmock.keyTable.salt;
  expect(taskmock.keyRing.identify('beta-key-00002')).toBe(keyIdentity(salt, 'beta-key-00002'));
  expect(taskmock.keyRing.identify('alpha-key-0001')).toBe(keyIdentity(salt, 'alpha-key-0001'));
  expect(taskmock.keyRing.identify('gamma')).toBeNull();
  expect(taskmock.keyRing.identify('')).toBeNull();
  expect(taskmock.keyRing.identify(undefined)).toBeNull();
  taskmock.close();
});

test('digests compare equal only when every byte matches', async () => {
  const { sameBytes } = await import('../src/domain/constant-time.ts');
  expect(sameBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
  expect(sameBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
  expect(sameBytes(new Uint8Array([9, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(false);
  expect(sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
});

test('key counters go with a commit at most every 250 ms, and every one of them with the last', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'counters-'));
  const path = join(dir, 'counters.sqlite');
  try {
    const taskmock = testTaskmock(['--db', path]);
    const stored = () => taskmock.db.query<{ n: number }, []>('SELECT sum(requests) AS n FROM api_keys').get()!.n;
    const create = (name: string) => taskmock.request('POST', '/tasks?api_key=demo', { body: { name, type: 'gx.heavy' } });
    // Five creates, each in a commit of its own, within a few ms: the first commit writes the
    // counters, the next ones leave theirs for later (a very slow machine may write them twice).
    for (let i = 0; i < 5; i++) expect((await create(`t${i}`)).status).toBe(200);
    expect(stored()).toBeLessThan(3);
    taskmock.close();
    const reopened = new Database(path);
    expect(reopened.query<{ n: number }, []>('SELECT sum(requests) AS n FROM api_keys').get()!.n).toBe(5);
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the row holds a version bound reserved ahead and is written once per reserved block, not per commit', () => {
  const db = openDatabase(':memory:');
  const batch = createCommitBatch(db, () => {});
  const store = createStore(db, batch);
  const row = () => db.query('SELECT last_task_id, version FROM workspaces').get();
  try {
    db.run('CREATE TABLE doomed_parent (id INTEGER PRIMARY KEY)');
    db.run('CREATE TABLE doomed_child (parent INTEGER REFERENCES doomed_parent (id) DEFERRABLE INITIALLY DEFERRED)');
    for (let i = 0; i < 3; i++) store.createTask(ref, `t${i}`, 'gx.tiny', 1000);
    batch.commitNow();
    // The first change reserves a block of versions; the ids are in the task rows too.
    expect(row()).toEqual({ last_task_id: 3, version: 3 + VERSIONS_RESERVED });
    for (let i = 0; i < 5; i++) {
      store.createTask(ref, `more${i}`, 'gx.tiny', 1000);
      batch.commitNow();
    }
    expect(row()).toEqual({ last_task_id: 3, version: 3 + VERSIONS_RESERVED });
    expect(store.version(ref)).toBe(8);
    // A commit that fails takes its create's id with it; the version goes on past the bound.
    store.createTask(ref, 'doomed', 'gx.tiny', 1000);
    batch.write(() => db.run('INSERT INTO doomed_child VALUES (42)'));
    batch.commitNow();
    expect(store.createTask(ref, 'kept', 'gx.tiny', 1000).id).toBe(9);
    expect(store.version(ref)).toBe(4 + VERSIONS_RESERVED);
    batch.commitNow();
    expect(row()).toEqual({ last_task_id: 9, version: 4 + 2 * VERSIONS_RESERVED });
    // Deleting the task with the highest id stores the last id with that commit.
    store.createTask(ref, 'top', 'gx.tiny', 1000);
    batch.commitNow();
    expect(store.deleteQueuedTask(ref, 10)).toBe(true);
    batch.commitNow();
    expect(row()).toEqual({ last_task_id: 10, version: 4 + 2 * VERSIONS_RESERVED });
    // A reset restarts the ids, stored at once, and keeps the version growing.
    store.resetWorkspace(ref);
    batch.commitNow();
    expect(row()).toEqual({ last_task_id: 0, version: 4 + 2 * VERSIONS_RESERVED });
    expect(store.createTask(ref, 'after reset', 'gx.tiny', 1000).id).toBe(1);
    // A clean stop stores the exact version, so a restart goes on without a jump.
    store.storeCountersExactly();
    batch.commitNow();
    expect(row()).toEqual({ last_task_id: 1, version: 8 + VERSIONS_RESERVED });
  } finally {
    db.close();
  }
});
