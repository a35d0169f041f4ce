// Task failures (§11): with `tasks.failRate` in force, that share of tasks ends `failed` instead
// of `completed`. Whether a task fails is a pure draw per (workspace, task id): with SEED the same
// tasks fail run after run, whatever the timing.
import type { WorkspaceRef } from '../domain/model.ts';
import { pickOne } from './draws.ts';
import type { FaultEvents } from './events.ts';
import type { FaultResolver } from './resolver.ts';

const FAILURES = [
  'injected failure: the GPU node went away',
  'injected failure: out of memory',
  'injected failure: the worker was preempted',
  'injected failure: exit code 137',
] as const;

/** For a task that ends now: its failure message, or null when it completes. */
export type FailureOf = (taskId: number) => string | null;

export function createTaskFaults({ resolver, events }: { resolver: FaultResolver; events: FaultEvents }) {
  return {
    /** The workspace's failure draw, or null when no failRate is in force (the plain completion). */
    failureOf(ref: WorkspaceRef): FailureOf | null {
      const faults = resolver.faultsFor(ref);
      const failRate = faults?.profile.tasks?.failRate ?? 0;
      if (!faults || failRate <= 0) return null;
      return (taskId) => {
        if (faults.draw('failure', taskId) >= failRate) return null;
        events.emit({ kind: 'failure', ref, at: Date.now(), taskId });
        return pickOne(faults.draw('failure-message', taskId), FAILURES);
      };
    },
  };
}
