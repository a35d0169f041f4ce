// A database taskmock cannot use stops it at start with a message naming the real cause and the
// setting (docs/reliability.md, "A database taskmock cannot use"): these files were reported as "could not listen on ..." or as
// "Expected SQL string". Each file is made here, by the test, on the real process.
import { Database } from 'bun:sqlite';
import { afterAll, describe, expect, test } from 'bun:test';
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/storage/database.ts';
import { tempDir } from './helpers.ts';
import { runMain } from './process.ts';

const dir = tempDir();
afterAll(() => dir.cleanup());

let files = 0;
const freshPath = () => join(dir.path, `bad-${++files}.sqlite`);

/** A database as taskmock leaves it, with a few tasks, then changed by `spoil` with plain SQLite. */
function spoiledDatabase(spoil: (db: Database) => void): string {
  const path = freshPath();
  const db = openDatabase(path);
  db.close();
  const plain = new Database(path);
  spoil(plain);
  plain.close();
  return path;
}

/**
 * A real database whose schema page (page 1, after the 100-byte file header) is overwritten:
 * SQLite opens the file, but cannot read which tables it has. (A damaged task page is another
 * matter: the server starts and reports the broken workspace, see docs/reliability.md.)
 */
function corruptedDatabase(): string {
  const path = freshPath();
  const db = openDatabase(path);
  const { page_size: pageSize } = db.query('PRAGMA page_size').get() as { page_size: number };
  db.close();
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(pageSize - 100, 0xa5), 0, pageSize - 100, 100);
  closeSync(fd);
  return path;
}

const SHAPES: [string, () => string, RegExp][] = [
  [
    'user_version 1 and no tables',
    () => {
      const path = freshPath();
      const db = new Database(path);
      db.run('PRAGMA user_version = 1');
      db.close();
      return path;
    },
    /no such table: workspaces|missing table/,
  ],
  [
    'a missing column',
    () => spoiledDatabase((db) => db.run('ALTER TABLE tasks DROP COLUMN completed_at')),
    /tasks\.completed_at/,
  ],
  ['a missing table', () => spoiledDatabase((db) => db.run('DROP TABLE tasks')), /table tasks/],
  ['a negative user_version', () => spoiledDatabase((db) => db.run('PRAGMA user_version = -1')), /schema version -1/],
  ['a future user_version', () => spoiledDatabase((db) => db.run('PRAGMA user_version = 99')), /schema version 99 is newer/],
  ['a corrupted schema page', corruptedDatabase, /malformed|not a database/],
];

describe('a database taskmock cannot use is refused at start, naming its cause and the setting', () => {
  test.each(SHAPES)('%s', async (_, makeFile, cause) => {
    const path = makeFile();
    const { stderr, exitCode } = await runMain(['--db', path, '--port', '0', '--host', '127.0.0.1']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain(`cannot open database ${path} (DATABASE_PATH / --db)`);
    expect(stderr).toMatch(cause);
    expect(stderr).not.toContain('listen');
    expect(stderr).not.toContain('Expected SQL string');
  });
});
