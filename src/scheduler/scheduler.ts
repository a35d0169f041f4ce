// Moves tasks queued → running → completed. One timer for the whole server, armed for the earliest
// due transition of any workspace: an idle server, or one with thousands of idle workspaces, does
// no work between transitions. State lives in the store; the scheduler rebuilds its plan at start.
import type { Clock } from './clock.ts';
import { DueQueue } from './due-queue.ts';
import { createTimerLoop } from './timer-loop.ts';
import { workspaceKey, type WorkspaceRef } from '../domain/model.ts';
import type { RandomSource } from '../domain/random.ts';
import type { Store } from '../storage/store.ts';
import type { FailureOf, WorkspaceProgress } from '../storage/transitions.ts';
import { nextDueAt, startAt, type StartRules } from './start-rule.ts';
import type { WorkspaceClocks } from './workspace-clocks.ts';

export interface SchedulerOptions {
  store: Store;
  clock: Clock;
  random: RandomSource;
  /** Each workspace's own time: the plan is made in it, the one timer armed in real time. */
  clocks: WorkspaceClocks;
  maxRunningPerWorkspace: number;
  /** Which of a workspace's tasks end `failed` (the fault layer's tasks.failRate); null: none. */
  failureOf?: (ref: WorkspaceRef) => FailureOf | null;
  /** A lower running cap for some keys (issued with `limits`); the server's cap otherwise. */
  runningCapFor?: (keyHash: string) => number;
  /**
   * A workspace the scheduler gave up on: its database rows threw or disagree with each other.
   * It is no longer planned (the others go on); the server reports that the database needs attention.
   */
  onBroken?: (ref: WorkspaceRef, reason: string) => void;
  /** A task is being started (before its COMMIT): for the debug log of transitions. */
  onStart?: (ref: WorkspaceRef, start: { id: number; startedAt: number; endsAt: number }) => void;
}

export type Scheduler = ReturnType<typeof createScheduler>;

/** More passes than any workspace needs at one instant (complete, start, complete a 0 ms run). */
const MAX_PASSES_PER_INSTANT = 8;

export function createScheduler(options: SchedulerOptions) {
  const { store, clock, random, clocks } = options;
  const rules = (ref: WorkspaceRef): StartRules => ({
    maxRunning: options.runningCapFor?.(ref.keyHash) ?? options.maxRunningPerWorkspace,
    timeScale: clocks.timeScale(ref),
  });
  const queue = new DueQueue();
  const refs = new Map<string, WorkspaceRef>();
  const lastStartedAt = new Map<string, number | null>();
  /** Workspaces that had a queued task when last planned: one more queued task changes nothing. */
  const withQueued = new Set<string>();
  /** Workspaces taken out of the plan because their rows are broken (see `onBroken`). */
  const broken = new Set<string>();

  const lastStart = (key: string, ref: WorkspaceRef): number | null => {
    if (!lastStartedAt.has(key)) lastStartedAt.set(key, store.lastStartedAt(ref));
    return lastStartedAt.get(key) ?? null;
  };

  const forget = (key: string): void => {
    queue.delete(key);
    refs.delete(key);
    lastStartedAt.delete(key);
  };

  const plan = (key: string, ref: WorkspaceRef, progress: WorkspaceProgress): void => {
    if (broken.has(key)) return;
    if (progress.firstQueued) withQueued.add(key);
    else withQueued.delete(key);
    const due = nextDueAt(progress, lastStart(key, ref), rules(ref));
    // A paused workspace is not in the queue at all: it costs nothing until it resumes.
    const dueInRealTime = due === null ? null : clocks.toReal(ref, due);
    if (dueInRealTime === null) {
      forget(key);
      return;
    }
    refs.set(key, ref);
    queue.set(key, dueInRealTime);
  };

  const giveUp = (key: string, ref: WorkspaceRef, reason: string): void => {
    forget(key);
    broken.add(key);
    options.onBroken?.(ref, reason);
  };

  /** Applies what is due at `now` in one workspace; true if anything changed. The store versions
   * and announces what changed (store.ts). */
  const advance = (key: string, ref: WorkspaceRef, now: number): boolean => {
    const { changed, progress } = store.advanceWorkspace(
      ref,
      now,
      (before) => {
        const start = startAt(now, before, lastStart(key, ref), rules(ref), (id) => random(`${key}/${id}`));
        if (start) lastStartedAt.set(key, start.startedAt);
        if (start) options.onStart?.(ref, start);
        return start;
      },
      options.failureOf?.(ref) ?? null,
    );
    plan(key, ref, progress);
    return changed;
  };

  /**
   * One workspace's turn in the timer loop. It must make progress: a workspace still due after a
   * pass that changed nothing (an index that disagrees with its table) would be popped again at
   * the same instant for ever, so it is given up instead, as is one whose rows throw.
   */
  const advanceDue = (key: string, now: number, passes: Map<string, number>): void => {
    const ref = refs.get(key);
    if (!ref) return;
    const pass = (passes.get(key) ?? 0) + 1;
    passes.set(key, pass);
    try {
      const changed = advance(key, ref, clocks.now(ref));
      const stillDue = (queue.timeOf(key) ?? Number.POSITIVE_INFINITY) <= now;
      if (stillDue && (!changed || pass >= MAX_PASSES_PER_INSTANT)) giveUp(key, ref, 'due but makes no progress');
    } catch (error) {
      giveUp(key, ref, error instanceof Error ? error.message : String(error));
    }
  };

  const loop = createTimerLoop(clock, queue, advanceDue);
  const arm = loop.arm;

  const planFromStore = (ref: WorkspaceRef): void => {
    const key = workspaceKey(ref);
    try {
      plan(key, ref, store.progress(ref));
    } catch (error) {
      giveUp(key, ref, error instanceof Error ? error.message : String(error));
    }
  };

  /** Builds the plan from the store: queued tasks wait, overdue running tasks complete at once. */
  const start = (): void => {
    loop.resume();
    for (const ref of store.unfinishedWorkspaces()) planFromStore(ref);
    arm();
  };

  /** Call after any change outside the scheduler (delete, flush) so it re-plans. */
  const workspaceChanged = (ref: WorkspaceRef): void => {
    planFromStore(ref);
    arm();
  };

  /**
   * Applies every transition due in the workspace up to `target` (its own time), in order, each at
   * its exact instant: the same transition code as the timer, looped instead of waited for.
   */
  const runUntil = (ref: WorkspaceRef, target: number): void => {
    const key = workspaceKey(ref);
    if (broken.has(key)) return;
    for (;;) {
      const due = nextDueAt(store.progress(ref), lastStart(key, ref), rules(ref));
      if (due === null || due > target) return;
      try {
        if (advance(key, ref, due)) continue;
        giveUp(key, ref, 'due but makes no progress');
      } catch (error) {
        giveUp(key, ref, error instanceof Error ? error.message : String(error));
      }
      return;
    }
  };

  return {
    start,
    workspaceChanged,
    runUntil,

    /** The workspace's next transition in its own time, or null when nothing is queued or running. */
    nextDue(ref: WorkspaceRef): number | null {
      if (broken.has(workspaceKey(ref))) return null;
      return nextDueAt(store.progress(ref), lastStart(workspaceKey(ref), ref), rules(ref));
    },

    /** Re-plans after a control change (clock, reset, fixtures): start times are read again. */
    reload(ref: WorkspaceRef): void {
      lastStartedAt.delete(workspaceKey(ref));
      workspaceChanged(ref);
    },

    /** Forgets the plan and builds it again from the store (after a rolled-back commit). */
    rebuild(): void {
      queue.clear();
      refs.clear();
      lastStartedAt.clear();
      withQueued.clear();
      start();
    },

    /**
     * Call after a task was created. The next transition depends on the oldest queued task, not
     * the newest, so a workspace that already had one keeps its plan and skips two queries.
     */
    taskQueued(ref: WorkspaceRef): void {
      if (!withQueued.has(workspaceKey(ref))) workspaceChanged(ref);
    },

    stop: loop.stop,

    /** Number of workspaces with a transition still ahead (for /stats and tests). */
    activeWorkspaces: (): number => queue.size,
  };
}
