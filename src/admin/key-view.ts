// A key as the admin API shows it: everything but the key and its hashes.
import type { KeyLimits, KeyRecord } from '../domain/key-record.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function keyView(record: KeyRecord, limits: KeyLimits, now: number) {
  const status: 'active' | 'expired' | 'revoked' =
    record.revokedAt !== null ? 'revoked' : record.expiresAt !== null && record.expiresAt <= now ? 'expired' : 'active';
  return {
    name: record.name,
    kind: record.kind,
    label: record.label,
    createdAt: new Date(record.createdAt).toISOString(),
    expiresAt: iso(record.expiresAt),
    revokedAt: iso(record.revokedAt),
    lastSeenAt: iso(record.lastSeenAt),
    status,
    faults: record.faults ?? null,
    limits,
    counters: { requests: record.requests, sockets: record.sockets, tasksCreated: record.tasksCreated },
  };
}
