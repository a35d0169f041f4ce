// Group commit: every write made in one event-loop turn joins one SQLite transaction, committed once
// at the end of the turn. A COMMIT costs ≈21 µs (WAL page writes); shared by the turn's writes it
// is paid once, not per request. Nothing is answered or announced before its COMMIT: callers await
// `committed()`, and `afterCommit` callbacks run only once the data is durable.
import type { Database } from 'bun:sqlite';
import { errors } from '../domain/errors.ts';

export type CommitBatch = ReturnType<typeof createCommitBatch>;

const SETTLED = Promise.resolve();

/** How long buffered rows that may wait (see `wakeLate`) wait at most for a commit. */
export const LATE_WAKE_MS = 250;

interface OpenBatch {
  done: PromiseWithResolvers<void>;
  afterCommit: (() => void)[];
  afterSettle: (() => void)[];
}

/** SQLITE_FULL: the volume (or the WAL's room on it) is full. */
const isStorageFull = (error: unknown): boolean =>
  String((error as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_FULL') ||
  /database or disk is full/i.test(String(error));

/** A full disk is the client's "try again later" (503 storage_full), not an internal error. */
const asStorageError = (error: unknown): unknown => (isStorageFull(error) ? errors.storageFull() : error);

export function createCommitBatch(db: Database, schedule: (commit: () => void) => void = setImmediate) {
  let open: OpenBatch | null = null;
  const rollbackListeners: (() => void)[] = [];
  const preCommitWriters: (() => void)[] = [];
  let commitTimer: ((seconds: number) => void) | undefined;
  let wakeScheduled = false;
  let lateWake: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function begin(): void {
    db.run('BEGIN IMMEDIATE');
    const done = Promise.withResolvers<void>();
    // Rejections reach whoever awaits `committed()`; this keeps an unawaited one from crashing.
    done.promise.catch(() => {});
    open = { done, afterCommit: [], afterSettle: [] };
  }

  /**
   * Ends a failed transaction so the next turn can BEGIN again, then tries to checkpoint the WAL
   * into the database file and truncate it: on a full disk, once space is freed, that is what
   * makes room again, and a WAL that filled a small volume does not block the next start.
   */
  function rollBack(): void {
    try {
      if (db.inTransaction) db.run('ROLLBACK');
    } catch {
      // SQLite has already rolled back (it does so itself on SQLITE_FULL and I/O errors).
    }
    try {
      db.run('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {
      // Still no room: the next failed commit tries again.
    }
  }

  function commit(): void {
    const batch = open;
    if (!batch) return;
    open = null;
    // This commit writes whatever a late wake was waiting for.
    if (lateWake) lateWake = void clearTimeout(lateWake);
    try {
      for (const writer of preCommitWriters) writer();
      const began = commitTimer ? performance.now() : 0;
      db.run('COMMIT');
      commitTimer?.((performance.now() - began) / 1000);
    } catch (error) {
      rollBack();
      for (const listener of rollbackListeners) listener();
      batch.done.reject(asStorageError(error));
      for (const callback of batch.afterSettle) callback();
      return;
    }
    batch.done.resolve();
    for (const callback of batch.afterCommit) callback();
    for (const callback of batch.afterSettle) callback();
  }

  /**
   * A pre-commit writer has something buffered: make sure a transaction ends this turn even if
   * nothing else writes. It opens late (at the end of the turn), so reads in this turn never
   * wait for it.
   */
  function wake(): void {
    if (open || wakeScheduled || closed) return;
    wakeScheduled = true;
    schedule(() => {
      if (!wakeScheduled) return;
      wakeScheduled = false;
      if (open || closed) return;
      try {
        begin();
      } catch {
        // The file refuses even a BEGIN (disk full, I/O error): what is buffered waits for the next commit.
        return;
      }
      commit();
    });
  }

  /** Commits now instead of at the end of the turn (before shutdown). */
  function commitNow(): void {
    if (!open && (wakeScheduled || lateWake) && !closed) begin();
    wakeScheduled = false;
    commit();
  }

  function writeInBatch<T>(write: () => T): T {
    if (!open) {
      begin();
      schedule(commit);
    }
    return write();
  }

  return {
    /** Runs `write` inside this turn's transaction, opening it (and scheduling its commit) if needed. */
    write<T>(write: () => T): T {
      try {
        return writeInBatch(write);
      } catch (error) {
        throw asStorageError(error);
      }
    },

    /** Resolves once every write made so far is committed; rejects if that commit failed. */
    committed: (): Promise<void> => open?.done.promise ?? SETTLED,

    hasPendingWrites: (): boolean => open !== null,

    /** Runs `callback` once the current transaction commits (never if it fails), or at once when none is open. */
    afterCommit(callback: () => void): void {
      if (open) open.afterCommit.push(callback);
      else callback();
    },

    /** Runs `callback` once the current transaction has committed or rolled back, or at once. */
    afterSettle(callback: () => void): void {
      if (open) open.afterSettle.push(callback);
      else callback();
    },

    /** Called after a failed commit was rolled back: in-memory state built on it must be rebuilt. */
    onRollback(listener: () => void): void {
      rollbackListeners.push(listener);
    },

    /** Hears how long each successful COMMIT statement took, in seconds (for /metrics). */
    timeCommits(observer: (seconds: number) => void): void {
      commitTimer = observer;
    },

    /**
     * Registers `writer` to run inside every transaction just before its COMMIT: what it buffered
     * in memory (journal rows, key counters) lands in the same group commit as the tasks.
     */
    beforeEveryCommit(writer: () => void): void {
      preCommitWriters.push(writer);
    },

    wake,

    /**
     * Like `wake`, for what may wait a little (key counters, journal events of requests): it goes
     * with the next commit that happens anyway, or in one of its own within `LATE_WAKE_MS`. A
     * server that only answers reads then commits four times a second, not once per turn.
     */
    wakeLate(): void {
      if (open || wakeScheduled || lateWake || closed) return;
      lateWake = setTimeout(() => {
        lateWake = undefined;
        wake();
      }, LATE_WAKE_MS);
      lateWake.unref();
    },

    /** Commits what is pending; afterwards `wake` does nothing (the database is about to close). */
    close(): void {
      commitNow();
      closed = true;
    },

    commitNow,
  };
}
