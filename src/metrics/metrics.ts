// What /metrics reports that has to be counted as it happens: requests (http-metrics.ts), commits,
// sockets opened, task transitions. Gauges (open sockets, tasks by status, journal size) are read
// from their owners at scrape time instead (scrape.ts), so they cost nothing in between.
import type { ChangeFeed, TaskChange } from '../domain/changes.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import { COMMIT_BUCKETS, Histogram } from './histogram.ts';
import { createHttpMetrics } from './http-metrics.ts';

/** What a task change did: a task written with a status has just made that transition. */
export const TRANSITIONS = ['created', 'started', 'completed', 'failed', 'removed'] as const;
export type Transition = (typeof TRANSITIONS)[number];

const PUT_TRANSITION = { queued: 'created', running: 'started', completed: 'completed', failed: 'failed' } as const;

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics({ batch, changes }: { batch: CommitBatch; changes: ChangeFeed }) {
  const commits = new Histogram(COMMIT_BUCKETS);
  const transitions = new Map<Transition, number>(TRANSITIONS.map((kind) => [kind, 0]));
  const counted = (kind: Transition) => transitions.set(kind, transitions.get(kind)! + 1);
  const totals = { socketsOpened: 0, rollbacks: 0 };

  batch.timeCommits((seconds) => commits.observe(seconds));
  batch.onRollback(() => void totals.rollbacks++);
  // The feed delivers after the COMMIT, so a change a failed commit took back is never counted.
  changes.listen(({ changes: taskChanges }) => {
    for (const change of taskChanges) counted(transitionOf(change));
  });

  return {
    http: createHttpMetrics(),
    commits,
    transitions: transitions as ReadonlyMap<Transition, number>,
    totals: totals as Readonly<typeof totals>,

    /** A socket of the live stream was accepted and joined its workspace. */
    socketOpened: (): void => void totals.socketsOpened++,
  };
}

function transitionOf(change: TaskChange): Transition {
  return change.op === 'remove' ? 'removed' : PUT_TRANSITION[change.task.status];
}
