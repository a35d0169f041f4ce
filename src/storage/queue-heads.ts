// Where each workspace's queue starts. Tasks start in id order and never become queued again, so
// once the scheduler has found its first queued task at id N, no task below N is queued: the next
// search starts there, on the (ws, id) index, instead of walking every finished task (or keeping
// an index of unfinished ones, which cost every create a page in its commit: database.ts, step 9).
// Two things break that promise, and forget what was learnt: a reset (ids start at 1 again) and a
// rolled-back commit (a start it held is undone, and its task is queued again).
export type QueueHeads = ReturnType<typeof createQueueHeads>;

export function createQueueHeads() {
  /** Per workspace row id: every task with an id up to this one is known not to be queued. */
  const settledUpTo = new Map<number, number>();
  return {
    /** The id after which workspace `ws`'s first queued task is to be looked for. */
    after: (ws: number): number => settledUpTo.get(ws) ?? 0,
    /** No task of workspace `ws` with an id up to `id` is queued. */
    settled(ws: number, id: number): void {
      settledUpTo.set(ws, id);
    },
    /** After a reset of workspace `ws`: its ids start at 1 again. */
    forget(ws: number): void {
      settledUpTo.delete(ws);
    },
    /** After a rolled-back commit. */
    clear(): void {
      settledUpTo.clear();
    },
  };
}
