// Persistence of the key ring (domain/keys.ts): the database's salt and one row per key, configured
// or issued. Writes join the turn's group commit; counters are written just before each COMMIT.
import type { Database } from 'bun:sqlite';
import type { KeyLimits, KeyRecord, KeyStore } from '../domain/key-record.ts';
import type { CommitBatch } from './commit-batch.ts';

interface KeyRow {
  name: string;
  kind: 'configured' | 'issued';
  key_hash: string;
  secret_hash: string | null;
  label: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  faults: string | null;
  limits: string | null;
  last_seen_at: number | null;
  requests: number;
  sockets: number;
  tasks_created: number;
}

const toRecord = (row: KeyRow): KeyRecord => ({
  name: row.name,
  kind: row.kind,
  identity: row.key_hash,
  lookup: row.kind === 'configured' ? row.key_hash : row.secret_hash,
  label: row.label,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  faults: row.faults === null ? null : JSON.parse(row.faults),
  limits: row.limits === null ? null : (JSON.parse(row.limits) as Partial<KeyLimits>),
  lastSeenAt: row.last_seen_at,
  requests: row.requests,
  sockets: row.sockets,
  tasksCreated: row.tasks_created,
});

export function createKeyTable(db: Database, batch: CommitBatch): KeyStore {
  const upsert = db.query(`INSERT INTO api_keys (name, kind, key_hash, secret_hash, label, created_at, expires_at,
       revoked_at, faults, limits, last_seen_at, requests, sockets, tasks_created)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
     ON CONFLICT (name) DO UPDATE SET kind = ?2, key_hash = ?3, secret_hash = ?4, label = ?5, created_at = ?6,
       expires_at = ?7, revoked_at = ?8, faults = ?9, limits = ?10`);
  const counters = db.query(`UPDATE api_keys SET last_seen_at = ?2, requests = ?3, sockets = ?4, tasks_created = ?5
     WHERE name = ?1`);
  const salt = db.query<{ salt: Uint8Array }, []>('SELECT salt FROM key_salt WHERE id = 1').get();
  if (!salt) throw new Error('the database has no key salt (table key_salt is empty)');

  return {
    salt: new Uint8Array(salt.salt),
    load: () => db.query<KeyRow, []>('SELECT * FROM api_keys ORDER BY created_at, name').all().map(toRecord),
    save(record: KeyRecord): void {
      batch.write(() =>
        upsert.run(
          record.name,
          record.kind,
          record.identity,
          record.kind === 'issued' ? record.lookup : null,
          record.label,
          record.createdAt,
          record.expiresAt,
          record.revokedAt,
          record.faults === null ? null : JSON.stringify(record.faults),
          record.limits === null ? null : JSON.stringify(record.limits),
          record.lastSeenAt,
          record.requests,
          record.sockets,
          record.tasksCreated,
        ),
      );
    },
    saveCounters(records: Iterable<KeyRecord>): void {
      for (const r of records) counters.run(r.name, r.lastSeenAt, r.requests, r.sockets, r.tasksCreated);
    },
  };
}
