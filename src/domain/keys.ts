// The key ring: every key that may call the API, configured (API_KEYS) or issued by an admin
// (SPEC §13), with its limits and counters. Only salted digests are kept (key-identity.ts).
//
// Identifying a key on the hot path hashes it once and looks the digest up in a Map. The digest
// is an HMAC under a secret salt (after a key's first request, a cheaper digest keyed by a secret
// of the process: seen-keys.ts), so how long the lookup takes says nothing about any key an
// attacker could choose to try next: the constant-time comparison the contract asks for is what
// matters where the compared value is the secret itself (the admin key, compared with
// secretsEqual), and here no secret is compared, only keyed digests. Issued keys live in memory
// (loaded at start, updated on issue and revoke): checking one costs no SQL.
import { errors } from './errors.ts';
import { keyIdentity, sha256 } from './key-identity.ts';
import type { Clock } from '../scheduler/clock.ts';
import { createKeyIndex } from './key-index.ts';
import { type FaultsCheck, issuedKeyIdentity, newSecret, parseIssueRequest, type IssueRequest } from './key-issue.ts';
import { emptyRecord, type KeyLimits, type KeyRecord, type KeyStore } from './key-record.ts';
import { createSeenKeys } from './seen-keys.ts';

export type KeyRing = ReturnType<typeof createKeyRing>;

export interface KeyRingOptions {
  store: KeyStore;
  configured: readonly string[];
  serverLimits: KeyLimits;
  clock: Clock;
  /** Something buffered (counters) waits for a commit. */
  onDirty?: () => void;
  /** Checks the fault profile a key is issued with (faults/key-profiles.ts). */
  checkFaults?: FaultsCheck;
}

/** The name a configured key is listed under: a short fingerprint of its identity, never the key. */
export const configuredName = (identity: string) => `configured-${identity.slice(0, 8)}`;

export function createKeyRing({ store, configured, serverLimits, clock, onDirty = () => {}, checkFaults }: KeyRingOptions) {
  const index = createKeyIndex(serverLimits);
  const { byName, byLookup, drawNames, withFaults, identityNames, remember } = index;
  const dirty = new Set<KeyRecord>();
  const ended = new Set<(identity: string) => void>();
  const seenKeys = createSeenKeys();
  const storedRecordOf = (key: string) => byLookup.get(keyIdentity(store.salt, key));

  const stored = store.load();
  for (const record of stored) if (record.kind === 'issued') remember(record);
  for (const key of configured) {
    const identity = keyIdentity(store.salt, key);
    drawNames.set(identity, sha256(key).toString('hex'));
    const name = configuredName(identity);
    const known = stored.find((record) => record.name === name);
    const record: KeyRecord = known ?? {
      ...emptyRecord(name, 'configured', identity, clock.now()),
      lookup: identity,
    };
    if (!known) store.save(record);
    remember(record);
  }

  const live = (record: KeyRecord | undefined, now: number): record is KeyRecord =>
    record !== undefined && record.revokedAt === null && (record.expiresAt === null || now < record.expiresAt);

  function end(record: KeyRecord): void {
    if (record.lookup !== null) byLookup.delete(record.lookup);
    seenKeys.forget(record);
    for (const listener of ended) listener(record.identity);
  }

  return {
    /** The stored identity of `candidate`, or null when it is no live key. Counts the request. */
    identify(candidate: string | null | undefined): string | null {
      const record = liveRecordOf(candidate);
      if (!record) return null;
      countRequest(record);
      return record.identity;
    },

    /**
     * Like `identify`, without counting the request: for a caller that may still hand it on to
     * one that identifies it again (the Bun-router answers); it counts it with `requested`.
     */
    recognize: (candidate: string | null | undefined): string | null => liveRecordOf(candidate)?.identity ?? null,

    /** Counts a request of the key of `identity` that `recognize` found. */
    requested(identity: string): void {
      const record = index.ofIdentity(identity);
      if (record) countRequest(record);
    },

    /** Whether the key of `identity` may still be used (revoked and expired keys may not). */
    isLive: (identity: string): boolean => live(index.ofIdentity(identity), clock.now()),

    limitsFor: index.limitsFor,

    /**
     * A seeded draw's name (`<identity>/<workspace>/<task>`) with the identity replaced by one that
     * does not depend on the salt: with SEED, the same requests give the same durations on every
     * database, as SPEC §2 promises, although each database salts identities differently.
     */
    stableDrawName(draw: string): string {
      if (!draw.includes('/')) return drawNames.get(draw) ?? draw;
      return draw
        .split('/')
        .map((part) => drawNames.get(part) ?? part)
        .join('/');
    },

    nameOf: (identity: string): string | undefined => identityNames.get(identity),

    /** What the key of `identity` was issued with as its faults (a preset name, a profile), or null. */
    faultsOf: (identity: string): unknown => index.ofIdentity(identity)?.faults ?? null,

    /** Whether any key was issued with faults (one Set size read on the hot path). */
    anyFaults: (): boolean => withFaults.size > 0,

    get: (name: string): KeyRecord | undefined => byName.get(name),

    /** Configured keys first, then issued ones, oldest first. */
    list: (): KeyRecord[] =>
      [...byName.values()]
        .filter((r) => r.kind === 'issued' || byLookup.has(r.lookup ?? ''))
        .sort((a, b) => (a.kind === b.kind ? a.createdAt - b.createdAt : a.kind === 'configured' ? -1 : 1)),

    /** Issues (or re-issues, with a new secret) the key `name`; answers the key itself, once. */
    issue(name: string, body: unknown): { record: KeyRecord; key: string } {
      const request: IssueRequest = parseIssueRequest(name, body, serverLimits, clock.now(), checkFaults);
      const previous = byName.get(name);
      if (previous?.kind === 'configured') throw errors.keyNameTaken(name);
      const secret = newSecret();
      const key = `tm_${name}_${secret}`;
      const identity = previous?.identity ?? issuedKeyIdentity(store.salt, name);
      const record: KeyRecord = {
        ...(previous ?? emptyRecord(name, 'issued', identity, clock.now())),
        ...request,
        createdAt: clock.now(),
        revokedAt: null,
        lookup: keyIdentity(store.salt, key),
      };
      if (previous) end(previous);
      store.save(record);
      remember(record);
      return { record, key };
    },

    /** Revokes an issued key: it stops working at once; its record and journal stay. */
    revoke(name: string): KeyRecord {
      const record = byName.get(name);
      if (!record) throw errors.keyNotFound();
      if (record.kind === 'configured') throw errors.configuredKeyFixed();
      if (record.revokedAt === null) {
        record.revokedAt = clock.now();
        end(record);
        store.save(record);
      }
      return record;
    },

    /** The earliest expiry still ahead among live keys, or null. */
    nextExpiry(): number | null {
      const now = clock.now();
      let next: number | null = null;
      for (const record of byLookup.values()) {
        if (record.expiresAt !== null && record.expiresAt > now && (next === null || record.expiresAt < next)) {
          next = record.expiresAt;
        }
      }
      return next;
    },

    /** Ends every key whose time has come (closing its sockets through `onEnded`). */
    expireDue(): void {
      const now = clock.now();
      for (const record of [...byLookup.values()]) if (record.expiresAt !== null && record.expiresAt <= now) end(record);
    },

    /** Called with a key's identity when it is revoked, re-issued or expires. */
    onEnded(listener: (identity: string) => void): void {
      ended.add(listener);
    },

    /** Counts a socket opened or a task created by the key of `identity`. */
    count(identity: string, what: 'sockets' | 'tasksCreated'): void {
      const record = index.ofIdentity(identity);
      if (!record) return;
      record[what]++;
      markDirty(record);
    },

    /** Whether some record's counters changed since the last `takeDirty`. */
    hasDirty: (): boolean => dirty.size > 0,

    /** Records whose counters changed since the last call (written just before a COMMIT). */
    takeDirty(): KeyRecord[] {
      const records = [...dirty];
      dirty.clear();
      return records;
    },
  };

  function liveRecordOf(candidate: string | null | undefined): KeyRecord | undefined {
    if (!candidate) return undefined;
    const record = seenKeys.find(candidate, storedRecordOf);
    return live(record, clock.now()) ? record : undefined;
  }

  function countRequest(record: KeyRecord): void {
    record.lastSeenAt = clock.now();
    record.requests++;
    markDirty(record);
  }

  function markDirty(record: KeyRecord): void {
    if (dirty.has(record)) return;
    dirty.add(record);
    onDirty();
  }
}
