// Databases made by earlier versions open with their tasks, ids and workspaces intact.
import { afterEach, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyIdentity, sha256 } from '../src/domain/key-identity.ts';
import { createCommitBatch } from '../src/storage/commit-batch.ts';
import { MIGRATIONS, openDatabase, runMigration } from '../src/storage/database.ts';
import { FRESH_SCHEMA_VERSION } from '../src/storage/fresh-schema.ts';
import { createStore } from '../src/storage/store.ts';
import { tempDir } from './helpers.ts';

const dirs: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.cleanup();
});

/** The schema as version 1 (taskmock 0.1.0) wrote it: text keys in every task row. */
const VERSION_1 = `CREATE TABLE workspaces (key_hash TEXT NOT NULL, workspace_id TEXT NOT NULL, last_task_id INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (key_hash, workspace_id)) WITHOUT ROWID;
   CREATE TABLE tasks (key_hash TEXT NOT NULL, workspace_id TEXT NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL,
     type TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed')), created_at INTEGER NOT NULL,
     started_at INTEGER, ends_at INTEGER, completed_at INTEGER, PRIMARY KEY (key_hash, workspace_id, id)) WITHOUT ROWID;
   CREATE INDEX tasks_unfinished ON tasks (key_hash, workspace_id, status) WHERE status != 'completed';
   PRAGMA user_version = 1;`;

test('a version-1 database keeps its tasks, their states and the next id of each workspace', () => {
  const dir = tempDir();
  dirs.push(dir);
  const path = join(dir.path, 'v1.sqlite');
  const old = new Database(path, { create: true });
  old.run(VERSION_1);
  // Version 1 stored the plain SHA-256 of each key.
  const plain = sha256('demo').toString('hex');
  old.run(`INSERT INTO workspaces VALUES ('${plain}', 'default', 5), ('${plain}', 'other', 1)`);
  old.run(`INSERT INTO tasks VALUES
     ('${plain}', 'default', 2, 'done', 'gx.tiny', 'completed', 1000, 2000, 2500, 2500),
     ('${plain}', 'default', 4, 'busy', 'gx.heavy', 'running', 1000, 3000, 90000, NULL),
     ('${plain}', 'default', 5, 'waits', 'gx.small', 'queued', 1000, NULL, NULL, NULL)`);
  old.close();

  const db = openDatabase(path);
  const batch = createCommitBatch(db);
  const store = createStore(db, batch);
  // Since version 3 identities are salted per database (key-identity.ts).
  const { salt } = db.query<{ salt: Uint8Array }, []>('SELECT salt FROM key_salt').get()!;
  const key = keyIdentity(new Uint8Array(salt), 'demo');
  const ref = { keyHash: key, workspaceId: 'default' };
  expect(store.listTasks(ref).map((task) => [task.id, task.name, task.status])).toEqual([
    [2, 'done', 'completed'],
    [4, 'busy', 'running'],
    [5, 'waits', 'queued'],
  ]);
  expect(store.progress(ref)).toEqual({
    running: 1,
    nextEndAt: 90000,
    firstQueued: { id: 5, type: 'gx.small', createdAt: 1000 },
  });
  // Ids go on from the stored counter, never from what is left in the table.
  expect(store.createTask(ref, 'next', 'gx.tiny', 5000).id).toBe(6);
  expect(store.createTask({ keyHash: key, workspaceId: 'other' }, 'next', 'gx.tiny', 5000).id).toBe(2);
  expect(store.workspaceIdsWithTasks(key).sort()).toEqual(['default', 'other']);
  batch.commitNow();
  db.close();
});

/** The schema as version 2 wrote it: integer workspaces, rowid tasks, no clock columns. */
const VERSION_2 = `CREATE TABLE workspaces (ws INTEGER PRIMARY KEY, key_hash TEXT NOT NULL, workspace_id TEXT NOT NULL,
     last_task_id INTEGER NOT NULL DEFAULT 0, UNIQUE (key_hash, workspace_id));
   CREATE TABLE tasks (ws INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed')), created_at INTEGER NOT NULL,
     started_at INTEGER, ends_at INTEGER, completed_at INTEGER);
   CREATE UNIQUE INDEX tasks_by_workspace ON tasks (ws, id);
   CREATE INDEX tasks_unfinished ON tasks (ws, status, id) WHERE status != 'completed';
   PRAGMA user_version = 2;`;

test('a version-2 database opens with every workspace on real time and its tasks and ids intact', () => {
  const dir = tempDir();
  dirs.push(dir);
  const path = join(dir.path, 'v2.sqlite');
  const old = new Database(path, { create: true });
  old.run(VERSION_2);
  old.run(`INSERT INTO workspaces (key_hash, workspace_id, last_task_id) VALUES ('k', 'w', 3)`);
  old.run(`INSERT INTO tasks VALUES (1, 3, 'waits', 'gx.small', 'queued', 1000, NULL, NULL, NULL)`);
  old.close();

  const db = openDatabase(path);
  const batch = createCommitBatch(db);
  const store = createStore(db, batch);
  const ref = { keyHash: 'k', workspaceId: 'w' };
  expect(store.clockOf(ref)).toEqual({ offsetMs: 0, pausedAt: null, timeScale: null });
  expect(store.listTasks(ref).map((task) => [task.id, task.status])).toEqual([[3, 'queued']]);
  store.setClock(ref, { offsetMs: 5, pausedAt: 2000, timeScale: 3 });
  expect(store.clockOf(ref)).toEqual({ offsetMs: 5, pausedAt: 2000, timeScale: 3 });
  expect(store.createTask(ref, 'next', 'gx.tiny', 5000).id).toBe(4);
  batch.commitNow();
  db.close();
});

test('a version-11 database keeps every task, a failed one with its failure, when its table is rebuilt', () => {
  const dir = tempDir();
  dirs.push(dir);
  const path = join(dir.path, 'v11.sqlite');
  const old = new Database(path, { create: true });
  for (const migration of MIGRATIONS.slice(0, 11)) runMigration(old, migration);
  old.run('PRAGMA user_version = 11');
  old.run(`INSERT INTO workspaces (key_hash, workspace_id, last_task_id, version) VALUES ('k', 'w', 4, 9)`);
  old.run(`INSERT INTO tasks VALUES
     (1, 1, 'done', 'gx.tiny', 'completed', 1000, 2000, 2500, 2500, NULL),
     (1, 2, 'broke', 'gx.tiny', 'failed', 1000, 2000, 2600, 2600, 'out of memory'),
     (1, 3, 'busy', 'gx.heavy', 'running', 1000, 3000, 90000, NULL, NULL),
     (1, 4, 'waits', 'gx.small', 'queued', 1000, NULL, NULL, NULL, NULL)`);
  old.close();

  const db = openDatabase(path);
  const batch = createCommitBatch(db);
  const store = createStore(db, batch);
  const ref = { keyHash: 'k', workspaceId: 'w' };
  expect(store.listTasks(ref).map((task) => [task.id, task.status, task.failure])).toEqual([
    [1, 'completed', undefined],
    [2, 'failed', 'out of memory'],
    [3, 'running', undefined],
    [4, 'queued', undefined],
  ]);
  expect(store.progress(ref)).toEqual({
    running: 1,
    nextEndAt: 90000,
    firstQueued: { id: 4, type: 'gx.small', createdAt: 1000 },
  });
  expect(store.createTask(ref, 'next', 'gx.tiny', 5000).id).toBe(5);
  batch.commitNow();
  db.close();
});

test('a new file is built complete and then commits with synchronous NORMAL; an existing one never drops below NORMAL', () => {
  const dir = tempDir();
  dirs.push(dir);
  const path = join(dir.path, 'new.sqlite');
  const synchronous = (db: Database) => (db.query('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
  const fresh = openDatabase(path);
  // 1 = NORMAL: what every commit after the build is made with (docs/reliability.md).
  expect(synchronous(fresh)).toBe(1);
  const tables = fresh.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all();
  expect(tables.map((row) => (row as { name: string }).name)).toContain('tasks');
  fresh.close();
  const again = openDatabase(path);
  expect(synchronous(again)).toBe(1);
  again.close();
});

test('a new file gets in one step exactly what the migrations build one by one (else: bun scripts/fresh-schema.ts)', () => {
  expect(FRESH_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  const dir = mkdtempSync(join(tmpdir(), 'fresh-'));
  try {
    const fresh = openDatabase(join(dir, 'fresh.sqlite'));
    const stepwise = new Database(':memory:');
    for (const migration of MIGRATIONS) runMigration(stepwise, migration);
    const schemaOf = (db: Database) => db.query('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name').all();
    expect(schemaOf(fresh)).toEqual(schemaOf(stepwise));
    expect(fresh.query('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.length });
    // The salt the key identities need is there too, 32 random bytes.
    expect((fresh.query('SELECT salt FROM key_salt').get() as { salt: Uint8Array }).salt).toHaveLength(32);
    fresh.close();
    stepwise.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
