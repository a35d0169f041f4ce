// Key hygiene (README, on how keys are stored and shown): short keys are neither shown nor guessable from the file. The banner hides
// short keys entirely, stored identities are salted per database, and a database made by the
// previous schema (plain SHA-256 identities) is moved to the salted form without losing a task.
import { Database } from 'bun:sqlite';
import { expect, test } from 'bun:test';
import { join } from 'node:path';
import { banner, maskKey } from '../src/config/cli.ts';
import { keyIdentity, sha256 } from '../src/domain/key-identity.ts';
import { buildTaskmock } from '../src/server.ts';
import { json, silentLogger, tempDir, testConfig } from './helpers.ts';

const dir = tempDir();
process.on('exit', dir.cleanup);

test('the banner shows only the first two characters and the length of a long key, nothing of a short one', () => {
  expect(maskKey('abcde')).toBe('*****');
  expect(maskKey('abcdefghijk')).toBe('*****');
  expect(maskKey('abcdefghijkl')).toBe('ab… (12 characters)');
  const text = banner(
    testConfig(['--api-keys', 'qzxwv,long-enough-key-1']),
    { url: 'http://localhost:1', port: 1, wsUrl: 'ws://localhost:1/ws/tasks' },
    '0',
  );
  expect(text).not.toContain('qzxwv');
  expect(text).not.toContain('qz');
  expect(text).toContain('lo… (17 characters)');
  expect(text).toMatch(/WARNING +1 configured key\(s\) shorter than 12 characters/);
  expect(
    banner(
      testConfig(['--api-keys', 'long-enough-key-1']),
      { url: 'http://localhost:1', port: 1, wsUrl: 'ws://localhost:1/ws/tasks' },
      '0',
    ),
  ).not.toContain('WARNING');
});

/** Schema version 1 exactly as it shipped, with rows keyed by the plain SHA-256 of `key`. */
function previousSchemaDatabase(path: string, key: string): void {
  const db = new Database(path, { create: true });
  db.run(`CREATE TABLE workspaces (key_hash TEXT NOT NULL, workspace_id TEXT NOT NULL, last_task_id INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (key_hash, workspace_id)) WITHOUT ROWID;`);
  db.run(`CREATE TABLE tasks (key_hash TEXT NOT NULL, workspace_id TEXT NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL,
     type TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed')), created_at INTEGER NOT NULL,
     started_at INTEGER, ends_at INTEGER, completed_at INTEGER, PRIMARY KEY (key_hash, workspace_id, id)) WITHOUT ROWID;`);
  db.run(`CREATE INDEX tasks_unfinished ON tasks (key_hash, workspace_id, status) WHERE status != 'completed';`);
  const plain = sha256(key).toString('hex');
  db.query('INSERT INTO workspaces VALUES (?1, ?2, 7)').run(plain, 'w');
  const insert = db.query(`INSERT INTO tasks VALUES (?1, 'w', ?2, ?3, 'gx.tiny', 'completed', 1000, 2000, 2500, 2500)`);
  insert.run(plain, 6, 'six');
  insert.run(plain, 7, 'seven');
  db.run('PRAGMA user_version = 1');
  db.close();
}

test('a database of the previous schema is re-keyed to salted identities: same tasks, ids go on, no plain hash left', async () => {
  const path = join(dir.path, 'previous.sqlite');
  previousSchemaDatabase(path, 'abc');
  const taskmock = buildTaskmock(testConfig(['--db', path, '--api-keys', 'abc']), { logger: silentLogger });
  const listed = await json(taskmock.app.handle(new Request('http://localhost/tasks?api_key=abc&workspace_id=w')));
  expect(listed.tasks.map((task: { id: number; name: string }) => [task.id, task.name])).toEqual([
    [6, 'six'],
    [7, 'seven'],
  ]);
  const created = await json(
    taskmock.app.handle(
      new Request('http://localhost/tasks?api_key=abc&workspace_id=w', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'eight', type: 'gx.tiny' }),
      }),
    ),
  );
  expect(created.task.id).toBe(8);
  const salt = taskmock.keyTable.salt;
  taskmock.close();

  const db = new Database(path, { readonly: true });
  const plain = sha256('abc').toString('hex');
  const salted = keyIdentity(salt, 'abc');
  for (const table of ['workspaces', 'api_keys']) {
    const hashes = db.query<{ key_hash: string }, []>(`SELECT DISTINCT key_hash FROM ${table}`).all();
    expect(hashes).toEqual([{ key_hash: salted }]);
  }
  const everything = db
    .query<{ sql: string }, []>(
      `SELECT group_concat(key_hash) AS sql FROM (SELECT key_hash FROM workspaces UNION ALL SELECT key_hash FROM api_keys)`,
    )
    .get()!.sql;
  expect(everything).not.toContain(plain);
  db.close();
});

test('two databases store the same key under different identities (the salt is per database)', () => {
  const identities = ['one', 'two'].map((name) => {
    const taskmock = buildTaskmock(testConfig(['--db', join(dir.path, `${name}.sqlite`), '--api-keys', 'same-key-in-both']), {
      logger: silentLogger,
    });
    const identity = taskmock.keyRing.identify('same-key-in-both');
    taskmock.close();
    return identity;
  });
  expect(identities[0]).not.toBe(identities[1]);
  expect(identities[0]).not.toBe(sha256('same-key-in-both').toString('hex'));
});
