// What taskmock keeps about one key (configured or issued): never the key, only its digests, with
// its limits and counters. Stored by storage/key-table.ts, held in memory by key-index.ts.
export interface KeyLimits {
  maxWorkspaces: number;
  maxWorkspaceConnections: number;
  maxRunningWorkspaceTasks: number;
  maxWorkspaceTasks: number;
}

export interface KeyRecord {
  name: string;
  kind: 'configured' | 'issued';
  /** What the key's workspaces are stored under: stable across re-issues of one name. */
  identity: string;
  /** The digest a presented key must have (null once revoked). */
  lookup: string | null;
  label: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  faults: unknown;
  limits: Partial<KeyLimits> | null;
  lastSeenAt: number | null;
  requests: number;
  sockets: number;
  tasksCreated: number;
}

export interface KeyStore {
  salt: Uint8Array;
  load(): KeyRecord[];
  save(record: KeyRecord): void;
  saveCounters(records: Iterable<KeyRecord>): void;
}

/** A key's record before anything happened to it. */
export function emptyRecord(name: string, kind: KeyRecord['kind'], identity: string, now: number): KeyRecord {
  return {
    name,
    kind,
    identity,
    lookup: null,
    label: null,
    createdAt: now,
    expiresAt: null,
    revokedAt: null,
    faults: null,
    limits: null,
    lastSeenAt: null,
    requests: 0,
    sockets: 0,
    tasksCreated: 0,
  };
}
