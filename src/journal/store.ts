// The journal's table: one row per event, per key name, in id order. Written only inside a group
// commit (writer.ts), read by the admin routes.
import type { Database } from 'bun:sqlite';
import type { JournalEvent } from './events.ts';

/** Schema step 4 (database.ts): the events and, per key, how many were dropped to stay bounded. */
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

export interface StoredEvent {
  keyName: string;
  event: JournalEvent;
}

interface Row {
  id: number;
  at: number;
  kind: string;
  workspace_id: string | null;
  data: string;
}

/** Rows per INSERT statement: one statement for a whole commit's worth of events, in chunks. */
const ROWS_PER_INSERT = 64;

export function createJournalStore(db: Database) {
  const inserts = new Map<number, ReturnType<Database['query']>>();
  const insertFor = (rows: number) => {
    let statement = inserts.get(rows);
    if (!statement) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
      statement = db.query(`INSERT INTO journal (id, key_name, at, kind, workspace_id, data) VALUES ${values}`);
      inserts.set(rows, statement);
    }
    return statement;
  };
  const prune = db.query(`DELETE FROM journal WHERE key_name = ?1 AND id IN
     (SELECT id FROM journal WHERE key_name = ?1 ORDER BY id LIMIT ?2)`);
  const addDropped = db.query(`INSERT INTO journal_dropped (key_name, dropped) VALUES (?1, ?2)
     ON CONFLICT (key_name) DO UPDATE SET dropped = dropped + ?2`);
  const byKey = db.query<Row, [string]>('SELECT id, at, kind, workspace_id, data FROM journal WHERE key_name = ?1 ORDER BY id');

  return {
    insert(events: readonly StoredEvent[]): void {
      for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
        const chunk = events.slice(start, start + ROWS_PER_INSERT);
        const values: (string | number | null)[] = [];
        for (const { keyName, event } of chunk) {
          const { id, at, kind, workspace, ...data } = event;
          values.push(id, keyName, at, kind, workspace, JSON.stringify(data));
        }
        insertFor(chunk.length).run(...values);
      }
    },

    /** Drops the `count` oldest events of a key, remembering how many went. */
    dropOldest(keyName: string, count: number): void {
      prune.run(keyName, count);
      addDropped.run(keyName, count);
    },

    read: (keyName: string): JournalEvent[] =>
      byKey
        .all(keyName)
        .map(
          (row) =>
            ({ id: row.id, at: row.at, kind: row.kind, workspace: row.workspace_id, ...JSON.parse(row.data) }) as JournalEvent,
        ),

    countsByKey: (): Map<string, number> =>
      new Map(
        db
          .query<{ key_name: string; n: number }, []>('SELECT key_name, count(*) AS n FROM journal GROUP BY key_name')
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

    lastId: (): number => db.query<{ id: number | null }, []>('SELECT max(id) AS id FROM journal').get()?.id ?? 0,
  };
}
