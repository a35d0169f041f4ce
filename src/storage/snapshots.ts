// The serialized task list of each workspace, with its version, cached until the change feed says
// it changed. Reads (GET /tasks) and the live stream share it, so a list is serialized once per
// change, not per reader.
//
// The rule every reader follows: a snapshot is read only while no transaction is open. The store's
// connection sees the open transaction's rows, and its COMMIT may still fail (disk full, I/O
// error); a list read then could show, and cache, tasks that are rolled back. So reading with writes
// pending throws: wait for `batch.committed()` or read from `batch.afterSettle(...)` instead.
import type { ChangeFeed } from '../domain/changes.ts';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { CommitBatch } from './commit-batch.ts';
import type { Store } from './store.ts';

export type Snapshots = ReturnType<typeof createSnapshots>;

export interface Snapshot {
  /** The workspace's version these tasks are at (SPEC §12). */
  version: number;
  /** The tasks as a JSON array, ordered by id. */
  json: string;
  /** The `ETag` of GET /tasks: the version, quoted. */
  etag: string;
  /** `{"tasks": [...], "version": N}` as UTF-8, made on the first GET: encoding a 100-task list per
   * request cost a quarter of GET /tasks throughput (`bun run bench`). */
  listBody?: Uint8Array<ArrayBuffer>;
  /** `{"version": N, "tasks": [...]}`, the stream's envelope and full patch snapshot. */
  envelope?: string;
}

export type ListedSnapshot = Snapshot & { listBody: Uint8Array<ArrayBuffer> };

const encoder = new TextEncoder();

/** A snapshot was asked for while a transaction was open: a bug in the caller, never a client's fault. */
export class UncommittedReadError extends Error {
  override readonly name = 'UncommittedReadError';
  constructor() {
    super('a task list was read while a transaction was open; read it once the batch has settled');
  }
}

export function createSnapshots({ store, changes, batch }: { store: Store; changes: ChangeFeed; batch: CommitBatch }) {
  const cache = new Map<string, Snapshot>();
  changes.listen(({ ref }) => cache.delete(workspaceKey(ref)));

  function snapshot(ref: WorkspaceRef): Snapshot {
    const key = workspaceKey(ref);
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    if (batch.hasPendingWrites()) throw new UncommittedReadError();
    const tasks = store.listTasks(ref);
    const version = store.version(ref);
    const fresh: Snapshot = { version, json: JSON.stringify(tasks), etag: `"${version}"` };
    // Empty lists are not cached: reading unknown workspaces must not grow memory.
    if (tasks.length > 0) cache.set(key, fresh);
    return fresh;
  }

  return {
    /** Forgets every cached list (after a rolled-back commit). */
    clear: (): void => cache.clear(),

    snapshot,

    /** The workspace's tasks as a JSON array, ordered by id. */
    tasksJson: (ref: WorkspaceRef): string => snapshot(ref).json,

    /** The snapshot with its GET /tasks body, `{"tasks": [...], "version": N}` as UTF-8, filled in. */
    listed(ref: WorkspaceRef): ListedSnapshot {
      const current = snapshot(ref);
      current.listBody ??= encoder.encode(`{"tasks":${current.json},"version":${current.version}}`);
      return current as ListedSnapshot;
    },

    /** `{"version": N, "tasks": [...]}`: the envelope frame, serialized once per change. */
    envelope(ref: WorkspaceRef): string {
      const current = snapshot(ref);
      current.envelope ??= `{"version":${current.version},"tasks":${current.json}}`;
      return current.envelope;
    },
  };
}
