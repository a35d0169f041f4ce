// The one rule for starting a task: the oldest queued task may start once it has waited its queue
// time, the workspace's pacing since its last start has passed, and a running slot is free. Both
// the plan (when to wake up) and the transition (may it start now?) ask this function, so they
// can never disagree and re-queue a workspace at a time that is already past.
import { BASE_DURATION_MS, MIN_QUEUED_MS, START_PACING_MS, type TaskType } from '../domain/model.ts';
import type { TaskStart, WorkspaceProgress } from '../storage/transitions.ts';

/** The limits one workspace is planned with. */
export interface StartRules {
  maxRunning: number;
  /** Divides the queue time, the pacing and the durations. */
  timeScale: number;
}

/** When the workspace's oldest queued task may start, or null while nothing can (empty queue, cap reached). */
export function nextStartAt(progress: WorkspaceProgress, lastStartAt: number | null, rules: StartRules): number | null {
  const queued = progress.firstQueued;
  if (!queued || progress.running >= rules.maxRunning) return null;
  const earliest = queued.createdAt + MIN_QUEUED_MS / rules.timeScale;
  return lastStartAt === null ? earliest : Math.max(earliest, lastStartAt + START_PACING_MS / rules.timeScale);
}

/** When the workspace next needs attention (a start or an end), or null if it has none ahead. */
export function nextDueAt(progress: WorkspaceProgress, lastStartAt: number | null, rules: StartRules): number | null {
  const start = nextStartAt(progress, lastStartAt, rules);
  const end = progress.nextEndAt;
  if (start === null) return end;
  return end === null ? start : Math.min(start, end);
}

/** The start to make at `now`, if the rule allows one; `draw` gives the task's duration fraction in [0, 1). */
export function startAt(
  now: number,
  progress: WorkspaceProgress,
  lastStartAt: number | null,
  rules: StartRules,
  draw: (taskId: number) => number,
): TaskStart | null {
  const at = nextStartAt(progress, lastStartAt, rules);
  if (at === null || at > now) return null;
  const queued = progress.firstQueued!;
  return { id: queued.id, startedAt: now, endsAt: now + drawnDurationMs(queued.type, draw(queued.id), rules.timeScale) };
}

/** A run's length: uniform in [0, base) for its type, scaled, in whole milliseconds. */
export function drawnDurationMs(type: TaskType, fraction: number, timeScale: number): number {
  return Math.floor((fraction * BASE_DURATION_MS[type]) / timeScale);
}
