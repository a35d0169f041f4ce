// Moves tasks queued → running → completed. One timer for the whole server, armed for the earliest
// due transition of any workspace: an idle server, or one with thousands of idle workspaces, does
// no work between transitions. State lives in the store; the scheduler rebuilds its plan at start.
import type { ChangeFeed } from '../domain/changes.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { DueQueue } from './due-queue.ts';
import { BASE_DURATION_MS, MIN_QUEUED_MS, START_PACING_MS, workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { RandomSource } from '../domain/random.ts';
import type { Store, TaskStart, WorkspaceProgress } from '../storage/store.ts';

export interface SchedulerOptions {
  store: Store;
  clock: Clock;
  random: RandomSource;
  changes: ChangeFeed;
  maxRunningPerWorkspace: number;
  timeScale: number;
}

export type Scheduler = ReturnType<typeof createScheduler>;

export function createScheduler({ store, clock, random, changes, maxRunningPerWorkspace, timeScale }: SchedulerOptions) {
  const queue = new DueQueue();
  const refs = new Map<string, WorkspaceRef>();
  const lastStartedAt = new Map<string, number | null>();
  /** Workspaces that had a queued task when last planned: one more queued task changes nothing. */
  const withQueued = new Set<string>();
  const minQueuedMs = MIN_QUEUED_MS / timeScale;
  const pacingMs = START_PACING_MS / timeScale;
  let timer: TimerHandle | undefined;
  let timerAt: number | undefined;
  let stopped = false;

  function lastStart(key: string, ref: WorkspaceRef): number | null {
    if (!lastStartedAt.has(key)) lastStartedAt.set(key, store.lastStartedAt(ref));
    return lastStartedAt.get(key) ?? null;
  }

  /** When this workspace next needs attention, or null if it has nothing queued or running. */
  function nextDue(progress: WorkspaceProgress, lastStartAt: number | null): number | null {
    const candidates: number[] = [];
    if (progress.nextEndAt !== null) candidates.push(progress.nextEndAt);
    if (progress.firstQueued && progress.running < maxRunningPerWorkspace) {
      const earliestStart = progress.firstQueued.createdAt + minQueuedMs;
      candidates.push(lastStartAt === null ? earliestStart : Math.max(earliestStart, lastStartAt + pacingMs));
    }
    return candidates.length === 0 ? null : Math.min(...candidates);
  }

  function plan(key: string, ref: WorkspaceRef, progress: WorkspaceProgress): void {
    const due = nextDue(progress, lastStart(key, ref));
    if (progress.firstQueued) withQueued.add(key);
    else withQueued.delete(key);
    if (due === null) {
      queue.delete(key);
      refs.delete(key);
      lastStartedAt.delete(key);
    } else {
      refs.set(key, ref);
      queue.set(key, due);
    }
  }

  function startFor(key: string, ref: WorkspaceRef, now: number) {
    return (progress: WorkspaceProgress): TaskStart | null => {
      const queued = progress.firstQueued;
      if (!queued || progress.running >= maxRunningPerWorkspace) return null;
      const last = lastStart(key, ref);
      if (now < queued.createdAt + minQueuedMs || (last !== null && now < last + pacingMs)) return null;
      const durationMs = (random(`${key}/${queued.id}`) * BASE_DURATION_MS[queued.type]) / timeScale;
      return { id: queued.id, startedAt: now, endsAt: now + Math.floor(durationMs) };
    };
  }

  function advance(key: string, now: number): void {
    const ref = refs.get(key);
    if (!ref) return;
    const { changed, progress } = store.advanceWorkspace(ref, now, (before) => {
      const start = startFor(key, ref, now)(before);
      if (start) lastStartedAt.set(key, start.startedAt);
      return start;
    });
    plan(key, ref, progress);
    if (changed) changes.announce(ref);
  }

  function onTimer(): void {
    timer = undefined;
    timerAt = undefined;
    const now = clock.now();
    for (let key = queue.popDue(now); key !== undefined; key = queue.popDue(now)) advance(key, now);
    arm();
  }

  function arm(): void {
    if (stopped) return;
    const due = queue.peekTime();
    if (due === timerAt) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    timerAt = due;
    if (due !== undefined) timer = clock.setTimeout(onTimer, Math.max(0, Math.ceil(due - clock.now())));
  }

  return {
    /** Forgets the plan and builds it again from the store (after a rolled-back commit). */
    rebuild(): void {
      queue.clear();
      refs.clear();
      lastStartedAt.clear();
      withQueued.clear();
      this.start();
    },

    /** Rebuilds the plan from the store: queued tasks wait, overdue running tasks complete at once. */
    start(): void {
      stopped = false;
      for (const ref of store.unfinishedWorkspaces()) {
        const key = workspaceKey(ref);
        plan(key, ref, store.progress(ref));
      }
      arm();
    },

    /**
     * Call after a task was created. The next transition depends on the oldest queued task, not
     * the newest, so a workspace that already had one keeps its plan and skips two queries.
     */
    taskQueued(ref: WorkspaceRef): void {
      if (!withQueued.has(workspaceKey(ref))) this.workspaceChanged(ref);
    },

    /** Call after any other change outside the scheduler (delete, flush) so it re-plans. */
    workspaceChanged(ref: WorkspaceRef): void {
      const key = workspaceKey(ref);
      plan(key, ref, store.progress(ref));
      arm();
    },

    stop(): void {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      timerAt = undefined;
    },

    /** Number of workspaces with a transition still ahead (for /stats and tests). */
    activeWorkspaces: (): number => queue.size,
  };
}
