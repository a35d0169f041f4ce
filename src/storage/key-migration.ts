// Schema step 2: a per-database salt, the table of hosted-mode keys, and every stored key identity
// moved from a plain SHA-256 to its salted form (key-identity.ts). Runs inside the migration's
// transaction, so a crash half-way leaves the file as it was.
import type { Database } from 'bun:sqlite';
import { saltedDigest } from '../domain/key-identity.ts';

export function saltKeyIdentities(db: Database): void {
  db.run('CREATE TABLE key_salt (id INTEGER PRIMARY KEY CHECK (id = 1), salt BLOB NOT NULL)');
  const salt = storeNewSalt(db);
  db.run(`CREATE TABLE api_keys (
     name TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('configured', 'issued')),
     key_hash TEXT NOT NULL UNIQUE,
     secret_hash TEXT UNIQUE,
     label TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER,
     revoked_at INTEGER,
     faults TEXT,
     limits TEXT,
     last_seen_at INTEGER,
     requests INTEGER NOT NULL DEFAULT 0,
     sockets INTEGER NOT NULL DEFAULT 0,
     tasks_created INTEGER NOT NULL DEFAULT 0
   ) WITHOUT ROWID`);
  for (const table of tablesWithKeyHash(db)) rekey(db, table, salt);
}

/** A new random salt for this database's key identities, stored in its `key_salt` table. */
export function storeNewSalt(db: Database): Uint8Array {
  const salt = crypto.getRandomValues(new Uint8Array(32));
  db.query('INSERT INTO key_salt (id, salt) VALUES (1, ?1)').run(salt);
  return salt;
}

/** Every table holding key identities at this point of the schema (tasks, workspaces, ...). */
function tablesWithKeyHash(db: Database): string[] {
  const tables = db.query<{ name: string }, []>(`SELECT name FROM sqlite_master WHERE type = 'table'`).all();
  return tables
    .map((table) => table.name)
    .filter((name) => name !== 'api_keys')
    .filter((name) =>
      db
        .query<{ name: string }, [string]>('SELECT name FROM pragma_table_info(?1)')
        .all(name)
        .some((column) => column.name === 'key_hash'),
    );
}

function rekey(db: Database, table: string, salt: Uint8Array): void {
  const quoted = `"${table.replaceAll('"', '""')}"`;
  const hashes = db.query<{ key_hash: string }, []>(`SELECT DISTINCT key_hash FROM ${quoted}`).all();
  const update = db.query(`UPDATE ${quoted} SET key_hash = ?1 WHERE key_hash = ?2`);
  for (const { key_hash: plain } of hashes) {
    if (!/^[0-9a-f]{64}$/.test(plain)) continue;
    update.run(saltedDigest(salt, Buffer.from(plain, 'hex')), plain);
  }
}
