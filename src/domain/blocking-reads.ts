// Parked blocking readers (SPEC §12, `GET /tasks?index=N&wait=30s`, as Consul's blocking queries).
// A reader whose index is still current parks on its workspace: a Set of wake-up functions per
// workspace, woken all at once by the workspace's next committed change (the change feed fires
// after COMMIT), or by its own timeout, or by shutdown. Nothing polls; an idle parked reader costs
// one timer in Bun's timer heap and a Set entry.
import type { ChangeFeed } from './changes.ts';
import { workspaceKey, type WorkspaceRef } from './model.ts';

/** Why a parked reader was woken. */
export type WakeReason = 'changed' | 'timeout' | 'shutdown';

interface Parked {
  wake(reason: WakeReason): void;
}

export type BlockingReads = ReturnType<typeof createBlockingReads>;

export function createBlockingReads({ changes }: { changes: ChangeFeed }) {
  const parked = new Map<string, Set<Parked>>();
  let closing = false;

  function wakeAll(readers: Set<Parked>, reason: WakeReason): void {
    for (const reader of readers) reader.wake(reason);
  }

  changes.listen(({ ref }) => {
    const key = workspaceKey(ref);
    const readers = parked.get(key);
    if (!readers) return;
    parked.delete(key);
    wakeAll(readers, 'changed');
  });

  return {
    /**
     * Resolves at the workspace's next committed change, after `waitMs` of real time, or at
     * shutdown, whichever comes first. Call it only right after reading a committed version, in
     * the same turn, so no change can slip in between.
     */
    park(ref: WorkspaceRef, waitMs: number): Promise<WakeReason> {
      if (closing || waitMs <= 0) return Promise.resolve(closing ? 'shutdown' : 'timeout');
      const key = workspaceKey(ref);
      let readers = parked.get(key);
      if (!readers) parked.set(key, (readers = new Set()));
      const { promise, resolve } = Promise.withResolvers<WakeReason>();
      const set = readers;
      const reader: Parked = {
        wake(reason) {
          clearTimeout(timer);
          set.delete(reader);
          if (set.size === 0 && parked.get(key) === set) parked.delete(key);
          resolve(reason);
        },
      };
      const timer = setTimeout(() => reader.wake('timeout'), waitMs);
      set.add(reader);
      return promise;
    },

    /** Readers parked right now (for /stats and tests). */
    parkedCount(): number {
      let count = 0;
      for (const readers of parked.values()) count += readers.size;
      return count;
    },

    /** Shutdown: answers every parked reader now, and every later one at once. */
    releaseAll(): void {
      closing = true;
      for (const readers of [...parked.values()]) wakeAll(new Set(readers), 'shutdown');
      parked.clear();
    },
  };
}
