// The journal's table: per key name, the events in chunks of a commit's worth, in id order. Written
// only inside a group commit (writer.ts), read by the admin routes.
//
// A row per event cost a journaled read as much as a fifth of its CPU (an indexed insert, and at the
// cap an indexed delete, per request: docs/performance.md). A row per key per commit, holding that
// commit's events packed (packing.ts; a JSON array before schema step 11), costs each event its
// share of one insert and a dozen bytes.
import type { Database } from 'bun:sqlite';
import type { JournalEvent } from './events.ts';
import { packEvents, unpackEvents } from './packing.ts';

/** Schema step 8 (database.ts): the first journal, a row per event; step 10 turns it into chunks. */
export const JOURNAL_SCHEMA = `CREATE TABLE journal (
     id INTEGER PRIMARY KEY,
     key_name TEXT NOT NULL,
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     workspace_id TEXT,
     data TEXT NOT NULL
   );
   CREATE INDEX journal_by_key ON journal (key_name, id);
   CREATE TABLE journal_dropped (key_name TEXT PRIMARY KEY, dropped INTEGER NOT NULL) WITHOUT ROWID;`;

/** At most this many events in one row: trimming the oldest chunk at the cap rewrites no more. */
const EVENTS_PER_CHUNK = 1_000;

/** Schema step 10: chunks of events (`id` is the chunk's last event id, `data` their bytes). */
export function chunkJournal(db: Database): void {
  db.run(`CREATE TABLE journal_chunks (
     id INTEGER PRIMARY KEY,
     key_name TEXT NOT NULL,
     events INTEGER NOT NULL,
     data TEXT NOT NULL
   )`);
  db.run('CREATE INDEX journal_chunks_by_key ON journal_chunks (key_name, id)');
  const rows = db.query<OldRow, []>('SELECT id, key_name, at, kind, workspace_id, data FROM journal ORDER BY id').all();
  const byKey = new Map<string, JournalEvent[]>();
  for (const row of rows) {
    const events = byKey.get(row.key_name) ?? [];
    events.push({ id: row.id, at: row.at, kind: row.kind, workspace: row.workspace_id, ...JSON.parse(row.data) } as JournalEvent);
    byKey.set(row.key_name, events);
  }
  // A new file has nothing to move: no statements to prepare on a first start.
  if (byKey.size > 0) {
    const store = createJournalStore(db);
    for (const [keyName, events] of byKey) store.insert(keyName, events);
  }
  db.run('DROP TABLE journal');
}

/**
 * Schema step 11: chunks written as JSON arrays (step 10) are packed (packing.ts). The column
 * keeps its declared TEXT: SQLite stores a BLOB in it as it is, and the table stays as it was.
 */
export function packJournal(db: Database): void {
  const repack = db.query('UPDATE journal_chunks SET data = ?2 WHERE id = ?1');
  for (const row of db
    .query<{ id: number; data: string }, []>("SELECT id, data FROM journal_chunks WHERE typeof(data) = 'text'")
    .all()) {
    repack.run(row.id, packEvents(JSON.parse(row.data) as JournalEvent[]));
  }
}

interface OldRow {
  id: number;
  key_name: string;
  at: number;
  kind: string;
  workspace_id: string | null;
  data: string;
}

export function createJournalStore(db: Database) {
  const insertChunk = db.query('INSERT INTO journal_chunks (id, key_name, events, data) VALUES (?1, ?2, ?3, ?4)');
  const oldestChunks = db.query<{ id: number; events: number }, [string]>(
    'SELECT id, events FROM journal_chunks WHERE key_name = ?1 ORDER BY id',
  );
  const chunkData = db.query<{ data: Uint8Array }, [number]>('SELECT data FROM journal_chunks WHERE id = ?1');
  const deleteUpTo = db.query('DELETE FROM journal_chunks WHERE key_name = ?1 AND id <= ?2');
  const rewriteChunk = db.query('UPDATE journal_chunks SET events = ?2, data = ?3 WHERE id = ?1');
  const addDropped = db.query(`INSERT INTO journal_dropped (key_name, dropped) VALUES (?1, ?2)
     ON CONFLICT (key_name) DO UPDATE SET dropped = dropped + ?2`);
  const byKey = db.query<{ data: Uint8Array }, [string]>('SELECT data FROM journal_chunks WHERE key_name = ?1 ORDER BY id');

  return {
    /** Appends `events` (one key's, oldest first, ids increasing) as one chunk or a few. */
    insert(keyName: string, events: readonly JournalEvent[]): void {
      for (let start = 0; start < events.length; start += EVENTS_PER_CHUNK) {
        const chunk = events.slice(start, start + EVENTS_PER_CHUNK);
        insertChunk.run(chunk.at(-1)!.id, keyName, chunk.length, packEvents(chunk));
      }
    },

    /** Drops the `count` oldest events of a key, remembering how many went. */
    dropOldest(keyName: string, count: number): void {
      let left = count;
      let lastWhole: number | undefined;
      let partial: { id: number; events: number } | undefined;
      for (const chunk of oldestChunks.iterate(keyName)) {
        if (left === 0) break;
        if (chunk.events > left) {
          partial = chunk;
          break;
        }
        left -= chunk.events;
        lastWhole = chunk.id;
      }
      if (lastWhole !== undefined) deleteUpTo.run(keyName, lastWhole);
      if (partial && left > 0) {
        const kept = unpackEvents(chunkData.get(partial.id)!.data).slice(left);
        rewriteChunk.run(partial.id, kept.length, packEvents(kept));
      }
      addDropped.run(keyName, count);
    },

    read: (keyName: string): JournalEvent[] => byKey.all(keyName).flatMap((row) => unpackEvents(row.data)),

    countsByKey: (): Map<string, number> =>
      new Map(
        db
          .query<{ key_name: string; n: number }, []>('SELECT key_name, sum(events) AS n FROM journal_chunks GROUP BY key_name')
          .all()
          .map((row) => [row.key_name, row.n]),
      ),

    droppedByKey: (): Map<string, number> =>
      new Map(
        db
          .query<{ key_name: string; dropped: number }, []>('SELECT key_name, dropped FROM journal_dropped')
          .all()
          .map((row) => [row.key_name, row.dropped]),
      ),

    lastId: (): number => db.query<{ id: number | null }, []>('SELECT max(id) AS id FROM journal_chunks').get()?.id ?? 0,
  };
}
