// At `debug`, one line per task transition, from the change feed (after the COMMIT, so a line
// never tells of a change a failed commit took back): `task 3 started in workspace default, ends
// in 2.4 s`, `task 3 completed in workspace default`. Never the key: the workspace id only.
import type { ChangeFeed } from '../domain/changes.ts';
import type { Logger } from '../config/logger.ts';
import type { Task } from '../domain/model.ts';

/** Run time of each task the scheduler started, until the feed reports the start. */
export type PlannedRuns = Map<string, number>;

const plannedKey = (workspaceId: string, keyHash: string, id: number) => `${keyHash}/${workspaceId}/${id}`;

export function logTransitions(changes: ChangeFeed, logger: Logger): PlannedRuns | undefined {
  if (!logger.enabled('debug')) return undefined;
  const planned: PlannedRuns = new Map();
  changes.listen(({ ref, changes: taskChanges }) => {
    for (const change of taskChanges) {
      if (change.op === 'remove') {
        logger.debug(`task ${change.id} removed from workspace ${ref.workspaceId}`);
        continue;
      }
      const key = plannedKey(ref.workspaceId, ref.keyHash, change.task.id);
      logger.debug(describe(change.task, ref.workspaceId, planned.get(key)));
      planned.delete(key);
    }
  });
  return planned;
}

function describe(task: Task, workspaceId: string, runMs: number | undefined): string {
  const where = `task ${task.id} ${task.status} in workspace ${workspaceId}`;
  if (task.status !== 'running' || runMs === undefined) return where;
  return `${where.replace('running', 'started')}, ends in ${(runMs / 1000).toFixed(1)} s`;
}

/** For the scheduler's `onStart`: remembers how long the task will run, for its log line. */
export function notePlannedRun(
  planned: PlannedRuns | undefined,
  ref: { keyHash: string; workspaceId: string },
  start: { id: number; startedAt: number; endsAt: number },
): void {
  planned?.set(plannedKey(ref.workspaceId, ref.keyHash, start.id), start.endsAt - start.startedAt);
}
