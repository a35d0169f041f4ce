// Opens the SQLite file taskmock owns: WAL for fast durable commits, an exclusive lock so a second
// taskmock on the same file fails at start, and a schema versioned with PRAGMA user_version.
import { Database, SQLiteError } from 'bun:sqlite';
import { FRESH_SCHEMA, FRESH_SCHEMA_VERSION } from './fresh-schema.ts';
import { saltKeyIdentities, storeNewSalt } from './key-migration.ts';
import { chunkJournal, JOURNAL_SCHEMA, packJournal } from '../journal/store.ts';

export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';
  constructor(path: string) {
    super(`database ${path} is in use by another running taskmock (or another program holds its lock)`);
  }
}

/** The file could not be opened as a taskmock database (missing folder, not SQLite, no permission). */
export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
  constructor(path: string, cause: unknown) {
    super(`cannot open database ${path} (DATABASE_PATH / --db): ${(cause as Error).message ?? cause}`);
  }
}

/** A schema step: SQL, or a function for a step SQL alone cannot do (re-hashing identities). */
type Migration = string | ((db: Database) => void);

export const MIGRATIONS: readonly Migration[] = [
  // 1: workspaces remember their last task id forever, so ids are never reused after a flush.
  `CREATE TABLE workspaces (
     key_hash TEXT NOT NULL,
     workspace_id TEXT NOT NULL,
     last_task_id INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (key_hash, workspace_id)
   ) WITHOUT ROWID;
   CREATE TABLE tasks (
     key_hash TEXT NOT NULL,
     workspace_id TEXT NOT NULL,
     id INTEGER NOT NULL,
     name TEXT NOT NULL,
     type TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed')),
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     ends_at INTEGER,
     completed_at INTEGER,
     PRIMARY KEY (key_hash, workspace_id, id)
   ) WITHOUT ROWID;
   CREATE INDEX tasks_unfinished ON tasks (key_hash, workspace_id, status) WHERE status != 'completed';`,
  // 2: a workspace is an integer (`ws`) and tasks a rowid table, indexed by (ws, id). With the
  // 64-character key hash in every task row and index entry, creates spread over 1,000 workspaces
  // dirtied so many pages that COMMIT cost 100 µs a create; with small integer keys about 8 µs.
  `CREATE TABLE workspaces_v2 (
     ws INTEGER PRIMARY KEY,
     key_hash TEXT NOT NULL,
     workspace_id TEXT NOT NULL,
     last_task_id INTEGER NOT NULL DEFAULT 0,
     UNIQUE (key_hash, workspace_id)
   );
   INSERT INTO workspaces_v2 (key_hash, workspace_id, last_task_id)
     SELECT key_hash, workspace_id, last_task_id FROM workspaces ORDER BY key_hash, workspace_id;
   CREATE TABLE tasks_v2 (
     ws INTEGER NOT NULL,
     id INTEGER NOT NULL,
     name TEXT NOT NULL,
     type TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed')),
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     ends_at INTEGER,
     completed_at INTEGER
   );
   INSERT INTO tasks_v2 (ws, id, name, type, status, created_at, started_at, ends_at, completed_at)
     SELECT w.ws, t.id, t.name, t.type, t.status, t.created_at, t.started_at, t.ends_at, t.completed_at
     FROM tasks t JOIN workspaces_v2 w ON w.key_hash = t.key_hash AND w.workspace_id = t.workspace_id
     ORDER BY w.ws, t.id;
   DROP TABLE tasks;
   DROP TABLE workspaces;
   ALTER TABLE workspaces_v2 RENAME TO workspaces;
   ALTER TABLE tasks_v2 RENAME TO tasks;
   CREATE UNIQUE INDEX tasks_by_workspace ON tasks (ws, id);
   CREATE INDEX tasks_unfinished ON tasks (ws, status, id) WHERE status != 'completed';`,
  // 3: each workspace's version (SPEC §12), one more for every committed change, never lowered.
  'ALTER TABLE workspaces ADD COLUMN version INTEGER NOT NULL DEFAULT 0;',
  // 4: each workspace's own clock (SPEC §10): workspace time = real time + offset, frozen at
  // `clock_paused_at` (a workspace time) while paused; `time_scale` replaces TIME_SCALE when set.
  `ALTER TABLE workspaces ADD COLUMN clock_offset_ms INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE workspaces ADD COLUMN clock_paused_at INTEGER;
   ALTER TABLE workspaces ADD COLUMN time_scale REAL;`,
  // 5: a workspace's own fault profile (SPEC §11), set with PUT /control/faults; kept apart from
  // the workspaces table so that resetting a workspace's tasks and ids leaves it to its own route.
  `CREATE TABLE workspace_faults (
     key_hash TEXT NOT NULL,
     workspace_id TEXT NOT NULL,
     preset TEXT,
     profile TEXT NOT NULL,
     PRIMARY KEY (key_hash, workspace_id)
   ) WITHOUT ROWID;`,
  // 6: tasks can end failed, with a failure message (SPEC §11, tasks.failRate). SQLite cannot
  // change a CHECK constraint, so the table is rebuilt; the partial index of unfinished tasks now
  // leaves out both ends (its condition is repeated by the store's INDEXED BY queries).
  `CREATE TABLE tasks_v6 (
     ws INTEGER NOT NULL,
     id INTEGER NOT NULL,
     name TEXT NOT NULL,
     type TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     ends_at INTEGER,
     completed_at INTEGER,
     failure TEXT
   );
   INSERT INTO tasks_v6 (ws, id, name, type, status, created_at, started_at, ends_at, completed_at)
     SELECT ws, id, name, type, status, created_at, started_at, ends_at, completed_at FROM tasks ORDER BY ws, id;
   DROP TABLE tasks;
   ALTER TABLE tasks_v6 RENAME TO tasks;
   CREATE UNIQUE INDEX tasks_by_workspace ON tasks (ws, id);
   CREATE INDEX tasks_unfinished ON tasks (ws, status, id) WHERE status NOT IN ('completed', 'failed');`,
  // 7: key identities become HMAC-SHA256 under a per-database salt; the key table of hosted mode.
  saltKeyIdentities,
  // 8: the journal of hosted mode (SPEC §13), bounded per key.
  JOURNAL_SCHEMA,
  // 9: only running tasks are indexed apart (by end time, for the scheduler's next end). Queued
  // ones are found on (ws, id) from where each workspace's queue is known to start
  // (queue-heads.ts): the index of every unfinished task put one more page into each commit per
  // workspace written, a third of a create's storage cost spread over 1,000 workspaces.
  `DROP INDEX tasks_unfinished;
   CREATE INDEX tasks_running ON tasks (ws, ends_at) WHERE status = 'running';`,
  // 10: the journal in chunks, a row per key per commit instead of a row per event (store.ts).
  chunkJournal,
  // 11: the journal's chunks packed (packing.ts) instead of JSON arrays: a dozen bytes an event.
  packJournal,
  // 12: the status CHECK written as comparisons. SQLite codes `IN` of more than two values as a
  // table it builds on every run of the statement: a create's INSERT took 67 steps instead of 51,
  // and 2 – 3 µs more in-process (under load: docs/performance.md, "The status CHECK").
  // Same meaning, same columns; SQLite cannot change a CHECK, so the table is rebuilt.
  `CREATE TABLE tasks_v12 (
     ws INTEGER NOT NULL,
     id INTEGER NOT NULL,
     name TEXT NOT NULL,
     type TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status = 'queued' OR status = 'running' OR status = 'completed' OR status = 'failed'),
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     ends_at INTEGER,
     completed_at INTEGER,
     failure TEXT
   );
   INSERT INTO tasks_v12 (ws, id, name, type, status, created_at, started_at, ends_at, completed_at, failure)
     SELECT ws, id, name, type, status, created_at, started_at, ends_at, completed_at, failure FROM tasks ORDER BY ws, id;
   DROP TABLE tasks;
   ALTER TABLE tasks_v12 RENAME TO tasks;
   CREATE UNIQUE INDEX tasks_by_workspace ON tasks (ws, id);
   CREATE INDEX tasks_running ON tasks (ws, ends_at) WHERE status = 'running';`,
];

export function openDatabase(path: string): Database {
  let db: Database;
  try {
    db = new Database(path, { create: true, strict: true });
  } catch (error) {
    throw new DatabaseOpenError(path, error);
  }
  try {
    db.run('PRAGMA busy_timeout = 0');
    // A file with no page yet holds nothing: it is built without fsyncs (six of them, on a slow
    // disk most of a first start), since an OS crash in those few ms could only lose an empty
    // database. Every commit after that is NORMAL.
    const fresh = path !== ':memory:' && (db.query('PRAGMA page_count').get() as { page_count: number }).page_count === 0;
    if (fresh) db.run('PRAGMA synchronous = OFF');
    if (path !== ':memory:') {
      // Held until close: a second process cannot read or write this file while we run.
      db.run('PRAGMA locking_mode = EXCLUSIVE');
      db.run('PRAGMA journal_mode = WAL');
      // Checkpoint every 200 pages (800 KiB) instead of SQLite's 1,000 (4 MiB), and shrink the WAL
      // back to 1 MiB after one: a WAL may not grow to fill a small volume before its first
      // checkpoint. (commit-batch.ts also checkpoints after a failed commit.)
      db.run('PRAGMA wal_autocheckpoint = 200');
      db.run('PRAGMA journal_size_limit = 1048576');
    }
    // 32 MiB of page cache (used only as it fills): a hosted server's working set of thousands of
    // workspaces otherwise falls out of the 2 MiB default and every create re-reads its pages.
    db.run('PRAGMA cache_size = -32768');
    db.run('PRAGMA foreign_keys = ON');
    migrate(db);
    // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash can lose the last commits.
    db.run('PRAGMA synchronous = NORMAL');
  } catch (error) {
    db.close();
    if (isLockError(error)) throw new DatabaseInUseError(path);
    throw new DatabaseOpenError(path, error);
  }
  return db;
}

/**
 * Runs the first reads of a freshly opened database (preparing statements, planning the
 * scheduler). A damaged file often opens fine and fails only there: report that as the database
 * problem it is, naming the setting, and close the file.
 */
export function readingAtStart<T>(db: Database, path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    db.close();
    throw error instanceof SQLiteError ? new DatabaseOpenError(path, error) : error;
  }
}

function migrate(db: Database): void {
  const { user_version: current } = db.query('PRAGMA user_version').get() as { user_version: number };
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this taskmock understands (${MIGRATIONS.length})`);
  }
  if (!Number.isInteger(current) || current < 0) {
    throw new Error(`database schema version ${current} was not written by taskmock (it writes 0 to ${MIGRATIONS.length})`);
  }
  db.transaction(() => {
    if (current === 0 && FRESH_SCHEMA_VERSION === MIGRATIONS.length && holdsNothing(db)) buildFresh(db);
    else for (let version = current; version < MIGRATIONS.length; version++) runMigration(db, MIGRATIONS[version]!);
    db.run(`PRAGMA user_version = ${MIGRATIONS.length}`);
  }).immediate();
  // A file the migrations just built from nothing is complete by construction: checking it would
  // build the schema a second time in memory, a few ms of a first start.
  if (current > 0) assertSchema(db);
}

const holdsNothing = (db: Database): boolean =>
  (db.query('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n === 0;

/**
 * A file with nothing in it gets the schema every migration would have built, in one step
 * (fresh-schema.ts, generated from them): replaying ten steps, table rebuilds included, was 2 ms
 * of a first start.
 */
function buildFresh(db: Database): void {
  for (const sql of FRESH_SCHEMA) db.run(sql);
  storeNewSalt(db);
}

type Schema = Map<string, Set<string>>;

/** Tables (with their columns) and indexes, as `table` → columns and `index:name` → empty. */
function readSchema(db: Database): Schema {
  const schema: Schema = new Map();
  const objects = db
    .query("SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'")
    .all() as { type: string; name: string }[];
  for (const { type, name } of objects) {
    if (type === 'index') schema.set(`index ${name}`, new Set());
    else schema.set(`table ${name}`, new Set(db.query('SELECT name FROM pragma_table_info(?)').all(name).map(columnName)));
  }
  return schema;
}

export function runMigration(db: Database, step: Migration): void {
  if (typeof step === 'string') db.run(step);
  else step(db);
}

const columnName = (row: unknown): string => (row as { name: string }).name;

let expectedSchema: Schema | undefined;

/** The schema the migrations build on an empty database: what every taskmock file must contain. */
function migratedSchema(): Schema {
  if (expectedSchema) return expectedSchema;
  const empty = new Database(':memory:');
  for (const migration of MIGRATIONS) runMigration(empty, migration);
  expectedSchema = readSchema(empty);
  empty.close();
  return expectedSchema;
}

/**
 * A file whose version says "current" but whose tables were dropped or changed by hand would fail
 * later, on the first statement that needs them, far from the cause: say what is missing now.
 */
function assertSchema(db: Database): void {
  const actual = readSchema(db);
  const missing: string[] = [];
  for (const [object, columns] of migratedSchema()) {
    const present = actual.get(object);
    if (!present) missing.push(object);
    else for (const column of columns) if (!present.has(column)) missing.push(`column ${object.slice(6)}.${column}`);
  }
  if (missing.length > 0) throw new Error(`the file is not a complete taskmock database: missing ${missing.join(', ')}`);
}

function isLockError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || /database is locked/i.test(String(error));
}
