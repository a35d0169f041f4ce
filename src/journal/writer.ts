// The journal writer: events are buffered in memory as they happen and written just before the
// next COMMIT, inside that same group commit (commit-batch.ts), in one multi-row INSERT per 64
// events: no transaction of its own per request. Events of turns that wrote nothing wait for the
// next commit, at most 250 ms (batch.wakeLate), so a server answering only reads commits four times
// a second for them, not once per turn; a crash can lose those last 250 ms of the journal. Each key keeps at most `maxEvents`; the oldest go
// first and how many went is kept.
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { JournalEvent, NewEvent } from './events.ts';
import type { createJournalStore, StoredEvent } from './store.ts';

export type Journal = ReturnType<typeof createJournal>;

export interface JournalOptions {
  store: ReturnType<typeof createJournalStore>;
  batch: CommitBatch;
  clock: Clock;
  maxEvents: number;
  /** The name of the key with this identity, or undefined for none. */
  nameOf: (identity: string) => string | undefined;
}

/** The field order of a stored event (store.ts): a line reads the same before and after its commit. */
function asStored({ id, at, kind, workspace, ...data }: JournalEvent): JournalEvent {
  return { id, at, kind, workspace, ...data } as JournalEvent;
}

export function createJournal({ store, batch, clock, maxEvents, nameOf }: JournalOptions) {
  let buffer: StoredEvent[] = [];
  let nextId = store.lastId() + 1;
  let counts = store.countsByKey();
  const dropped = store.droppedByKey();

  function flush(): void {
    if (buffer.length === 0) return;
    const events = buffer;
    buffer = [];
    store.insert(events);
    const touched = new Set<string>();
    for (const { keyName } of events) {
      counts.set(keyName, (counts.get(keyName) ?? 0) + 1);
      touched.add(keyName);
    }
    for (const keyName of touched) {
      const excess = (counts.get(keyName) ?? 0) - maxEvents;
      if (excess <= 0) continue;
      store.dropOldest(keyName, excess);
      counts.set(keyName, maxEvents);
      dropped.set(keyName, (dropped.get(keyName) ?? 0) + excess);
    }
  }

  batch.beforeEveryCommit(flush);
  // A failed commit took this turn's events with it: count again from what the file holds.
  batch.onRollback(() => {
    counts = store.countsByKey();
  });

  return {
    /** Records `event` for the key of `identity`; answers its id (0 when the key is unknown). */
    record(identity: string, event: NewEvent): number {
      const keyName = nameOf(identity);
      if (keyName === undefined) return 0;
      const id = nextId++;
      buffer.push({ keyName, event: { ...event, at: event.at ?? clock.now(), id } as JournalEvent });
      batch.wakeLate();
      return id;
    },

    /** Every event of the key `keyName`, oldest first (written ones and those still buffered). */
    read(keyName: string): JournalEvent[] {
      const pending = buffer.filter((stored) => stored.keyName === keyName).map((stored) => asStored(stored.event));
      return [...store.read(keyName), ...pending];
    },

    /** How many events of `keyName` were dropped to keep the journal bounded. */
    droppedCount: (keyName: string): number => dropped.get(keyName) ?? 0,

    /** Events held, all keys together (for /metrics). */
    size(): number {
      let total = buffer.length;
      for (const count of counts.values()) total += count;
      return total;
    },
  };
}
