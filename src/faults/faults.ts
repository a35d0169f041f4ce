// The fault layer of one taskmock (§11): the profile resolver, the HTTP and stream effects, the
// workspaces' own profiles (stored) and the event feed the journal subscribes to. The domain
// never sees any of it.
import type { Database } from 'bun:sqlite';
import type { Config } from '../config/config.ts';
import { ApiError } from '../domain/errors.ts';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { RandomSource } from '../domain/random.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import { createFaultEvents } from './events.ts';
import { createFaultStore } from './fault-store.ts';
import { createHttpFaults } from './http-faults.ts';
import type { NamedProfile } from './presets.ts';
import { type KeyFaults, keyProfileLookup } from './key-profiles.ts';
import { createFaultResolver } from './resolver.ts';
import { createStreamFaults } from './stream-faults.ts';
import { createTaskFaults } from './task-faults.ts';

/** A key may give at most this many of its workspaces a profile of their own. */
export const MAX_WORKSPACE_PROFILES_PER_KEY = 1_000;

export const tooManyProfiles = () =>
  new ApiError(
    429,
    'too_many_fault_profiles',
    `at most ${MAX_WORKSPACE_PROFILES_PER_KEY} workspaces of a key can have their own faults`,
  );

export interface FaultsOptions {
  config: Pick<Config, 'faults'>;
  random: RandomSource;
  db: Database;
  batch: CommitBatch;
  /** Keys' own faults, from the key ring. */
  keyFaults?: KeyFaults;
}

export type Faults = ReturnType<typeof createFaults>;

export function createFaults({ config, random, db, batch, keyFaults }: FaultsOptions) {
  const events = createFaultEvents();
  const keyProfile = keyFaults && keyProfileLookup(keyFaults);
  const resolver = createFaultResolver({ server: config.faults, random, keyProfile });
  const store = createFaultStore(db, batch);
  const ownByKey = new Map<string, Set<string>>();

  function remember(ref: WorkspaceRef, named: NamedProfile | null): void {
    resolver.setWorkspaceProfile(ref, named);
    let ids = ownByKey.get(ref.keyHash);
    if (named) {
      if (!ids) ownByKey.set(ref.keyHash, (ids = new Set()));
      ids.add(ref.workspaceId);
    } else {
      ids?.delete(ref.workspaceId);
      if (ids?.size === 0) ownByKey.delete(ref.keyHash);
    }
  }
  for (const { ref, named } of store.load()) remember(ref, named);

  /**
   * A failed COMMIT took back the profiles written in its turn: make memory say what the file says.
   * Profiles that did not change keep their object, so their workspaces' draws go on where they were.
   */
  function reloadAfterRollback(): void {
    const stored = new Map(store.load().map(({ ref, named }) => [workspaceKey(ref), { ref, named }]));
    for (const [keyHash, ids] of ownByKey) {
      for (const workspaceId of [...ids]) {
        if (!stored.has(workspaceKey({ keyHash, workspaceId }))) remember({ keyHash, workspaceId }, null);
      }
    }
    for (const [key, { ref, named }] of stored) {
      const current = resolver.ownProfile(key);
      if (!current || JSON.stringify(current) !== JSON.stringify(named)) remember(ref, named);
    }
  }
  batch.onRollback(reloadAfterRollback);

  /** Gives the workspace a profile of its own (stored), in place of its key's or the server's. */
  function setWorkspaceProfile(ref: WorkspaceRef, named: NamedProfile): void {
    const ids = ownByKey.get(ref.keyHash);
    if (!ids?.has(ref.workspaceId) && (ids?.size ?? 0) >= MAX_WORKSPACE_PROFILES_PER_KEY) throw tooManyProfiles();
    store.save(ref, named);
    remember(ref, named);
  }

  /** Back to the key's or the server's profile; inside the caller's turn (a reset's hook). */
  function clearWorkspaceProfile(ref: WorkspaceRef): void {
    if (!ownByKey.get(ref.keyHash)?.has(ref.workspaceId)) return;
    store.remove(ref);
    remember(ref, null);
  }

  return {
    resolver,
    /** Subscribe to every injected fault (the journal does); returns the unsubscribe function. */
    onFault: events.onFault,
    http: createHttpFaults({ resolver, events }),
    stream: createStreamFaults({ resolver, events }),
    tasks: createTaskFaults({ resolver, events }),

    // The routes' two writes resolve only once committed, so no route can answer before the
    // profile is durable (as the task service's writes, domain/tasks.ts).
    /** PUT …/faults: sets the workspace's own profile; resolves once it is committed. */
    async putWorkspaceProfile(ref: WorkspaceRef, named: NamedProfile): Promise<void> {
      setWorkspaceProfile(ref, named);
      await batch.committed();
    },

    /** DELETE …/faults: back to the key's or the server's profile; resolves once committed. */
    async dropWorkspaceProfile(ref: WorkspaceRef): Promise<void> {
      clearWorkspaceProfile(ref);
      await batch.committed();
    },

    clearWorkspaceProfile,

    /** Every workspace of the key back to the key's or the server's profile (`?scope=key` reset). */
    clearKeyProfiles(keyHash: string): void {
      const ids = ownByKey.get(keyHash);
      if (!ids) return;
      store.removeOfKey(keyHash);
      for (const workspaceId of [...ids]) remember({ keyHash, workspaceId }, null);
    },
  };
}
