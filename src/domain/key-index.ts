// The key ring's in-memory lookups: by name, by the digest a presented key must have, and by
// identity (the name, the limits in force, the name seeded draws use, whether it has faults).
// Checking a key on the hot path is one Map lookup here; nothing is read from SQL after start.
import type { KeyLimits, KeyRecord } from './key-record.ts';

export function createKeyIndex(serverLimits: KeyLimits) {
  const byName = new Map<string, KeyRecord>();
  const byLookup = new Map<string, KeyRecord>();
  const limits = new Map<string, KeyLimits>();
  const identityNames = new Map<string, string>();
  /** Per identity, a name for seeded draws that does not change with the database's salt. */
  const drawNames = new Map<string, string>();
  /** Identities of keys issued with faults: while there is none, no request looks a key's profile up. */
  const withFaults = new Set<string>();

  return {
    byName,
    byLookup,
    drawNames,
    withFaults,
    identityNames,

    /** Holds `record` (new, re-issued or updated) under every lookup. */
    remember(record: KeyRecord): void {
      if (record.kind === 'issued') drawNames.set(record.identity, `issued:${record.name}`);
      byName.set(record.name, record);
      identityNames.set(record.identity, record.name);
      // Only a key with limits of its own gets a copy: one of the whole server config per key
      // was 2,500 objects of two dozen fields on a server of 2,500 keys.
      if (record.limits === null) limits.delete(record.identity);
      else limits.set(record.identity, { ...serverLimits, ...record.limits });
      if (record.faults === null) withFaults.delete(record.identity);
      else withFaults.add(record.identity);
      if (record.lookup !== null && record.revokedAt === null) byLookup.set(record.lookup, record);
    },

    /** The record of the key stored under `identity`. */
    ofIdentity: (identity: string): KeyRecord | undefined => byName.get(identityNames.get(identity) ?? ''),

    limitsFor: (identity: string): KeyLimits => limits.get(identity) ?? serverLimits,
  };
}
