// Hosted mode's wiring (SPEC §13): the journal and its recorder (the admin routes are mounted by
// hosted-routes.ts). Without ADMIN_KEY there is nothing to read a journal with, so nothing is
// journaled and no route mounted.
import type { Database } from 'bun:sqlite';
import type { Config } from '../config/config.ts';
import type { KeyRing } from '../domain/keys.ts';
import { createRecorder } from '../journal/recorder.ts';
import { createJournalStore } from '../journal/store.ts';
import { createJournal } from '../journal/writer.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { Store } from '../storage/store.ts';

export interface HostedOptions {
  config: Config;
  db: Database;
  batch: CommitBatch;
  keyRing: KeyRing;
  store: Store;
  clock: Clock;
}

export function createHosted({ config, db, batch, keyRing, store, clock }: HostedOptions) {
  const adminKey = config.adminKey;
  const journal =
    adminKey === undefined
      ? undefined
      : createJournal({
          store: createJournalStore(db),
          batch,
          clock,
          maxEvents: config.journalMaxEvents,
          nameOf: keyRing.nameOf,
        });
  const recorder = journal && createRecorder(journal);
  store.witnessChanges((ref, changes, removedBy) => {
    for (const change of changes)
      if (change.op === 'put' && change.task.status === 'queued') keyRing.count(ref.keyHash, 'tasksCreated');
    recorder?.changed(ref, changes, removedBy);
  });
  return {
    journal,
    recorder,
  };
}
