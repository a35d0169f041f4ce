// The journal writer: events are buffered in memory as they happen and written just before the
// next COMMIT, inside that same group commit (commit-batch.ts), as one row per key (store.ts): no
// transaction of its own per request. Events of turns that wrote nothing wait for the next commit,
// at most 250 ms (batch.wakeLate), so a server answering only reads commits four times a second for
// them, not once per turn; a crash can lose those last 250 ms of the journal. Each key keeps at most
// `maxEvents`: once it holds more, its oldest tenth goes at once (and how many went is kept), so
// the oldest chunk is trimmed every few thousand events, not at every commit.
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { JournalEvent, NewEvent } from './events.ts';
import type { createJournalStore } from './store.ts';

export type Journal = ReturnType<typeof createJournal>;

export interface JournalOptions {
  store: ReturnType<typeof createJournalStore>;
  batch: CommitBatch;
  clock: Clock;
  maxEvents: number;
  /** The name of the key with this identity, or undefined for none. */
  nameOf: (identity: string) => string | undefined;
}

/** How much of its cap a key keeps after its oldest events went. */
const KEPT_AFTER_PRUNING = 0.9;

export function createJournal({ store, batch, clock, maxEvents, nameOf }: JournalOptions) {
  /** Per key name, its events since the last commit, oldest first. */
  let buffer = new Map<string, JournalEvent[]>();
  let buffered = 0;
  let nextId = store.lastId() + 1;
  let counts = store.countsByKey();
  const dropped = store.droppedByKey();
  const keptAfterPruning = Math.floor(maxEvents * KEPT_AFTER_PRUNING);

  function flush(): void {
    if (buffered === 0) return;
    const written = buffer;
    buffer = new Map();
    buffered = 0;
    for (const [keyName, events] of written) {
      store.insert(keyName, events);
      const held = (counts.get(keyName) ?? 0) + events.length;
      if (held <= maxEvents) {
        counts.set(keyName, held);
        continue;
      }
      const excess = held - keptAfterPruning;
      store.dropOldest(keyName, excess);
      counts.set(keyName, keptAfterPruning);
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
      // The recorder's object itself, not a copy (copying its fields was a third of an event's cost).
      const stored = event as JournalEvent;
      stored.id = id;
      stored.at ??= clock.now();
      const events = buffer.get(keyName);
      if (events) events.push(stored);
      else buffer.set(keyName, [stored]);
      buffered++;
      batch.wakeLate();
      return id;
    },

    /** Every event of the key `keyName`, oldest first (written ones and those still buffered). */
    read: (keyName: string): JournalEvent[] => [...store.read(keyName), ...(buffer.get(keyName) ?? [])],

    /** How many events of `keyName` were dropped to keep the journal bounded. */
    droppedCount: (keyName: string): number => dropped.get(keyName) ?? 0,

    /** Events held, all keys together (for /metrics). */
    size(): number {
      let total = buffered;
      for (const count of counts.values()) total += count;
      return total;
    },
  };
}
