// The store's reads and writes for the scheduler: a workspace's progress (what it needs to plan
// the next transition) and the transition itself (ends due runs, maybe starts the next task).
// Like every other write it joins the turn's group commit and records its change once (store.ts).
import type { TaskChange } from '../domain/changes.ts';
import type { TaskType, WorkspaceRef } from '../domain/model.ts';
import type { CommitBatch } from './commit-batch.ts';
import type { QueueHeads } from './queue-heads.ts';
import type { WorkspaceCounters } from './workspace-counters.ts';
import { type prepareStatements, type TaskRow, toTask } from './statements.ts';
import type { createWorkspaceIds } from './workspace-ids.ts';

/** What the scheduler needs to know about one workspace to plan its next transition. */
export interface WorkspaceProgress {
  running: number;
  nextEndAt: number | null;
  firstQueued: { id: number; type: TaskType; createdAt: number } | null;
}

export interface TaskStart {
  id: number;
  startedAt: number;
  endsAt: number;
}

/** For a task ending now: its failure message when it is to end `failed` (§11), else null. */
export type FailureOf = (taskId: number) => string | null;

interface Parts {
  statements: ReturnType<typeof prepareStatements>;
  /** The store's one way to version and announce a change (store.ts): called once per write. */
  recordChangeIn: (ws: number, ref: WorkspaceRef, changes: TaskChange[]) => number;
  ids: ReturnType<typeof createWorkspaceIds>;
  batch: CommitBatch;
  queueHeads: QueueHeads;
  counters: WorkspaceCounters;
}

export function createTransitions({ statements, recordChangeIn, ids, batch, queueHeads, counters }: Parts) {
  /** The workspace's first queued task; what it learns lets the next search skip what is done. */
  const firstQueued = (ws: number) => {
    const queued = statements.firstQueued.get(ws, queueHeads.after(ws));
    // None queued after the head: none up to the last id the workspace ever gave out either.
    queueHeads.settled(ws, queued ? queued.id - 1 : counters.lastId(ws));
    return queued;
  };

  const progressOf = (ws: number): WorkspaceProgress => {
    const summary = statements.runningSummary.get(ws)!;
    const queued = firstQueued(ws);
    return {
      running: summary.running,
      nextEndAt: summary.next_end_at,
      firstQueued: queued ? { id: queued.id, type: queued.type, createdAt: queued.created_at } : null,
    };
  };

  const progress = (ref: WorkspaceRef): WorkspaceProgress => {
    const ws = ids.find(ref);
    return ws === undefined ? { running: 0, nextEndAt: null, firstQueued: null } : progressOf(ws);
  };

  /** Ends the due tasks `failureOf` picks as failed; the rest are left for completeDue. */
  const failDue = (ws: number, now: number, failureOf: FailureOf): TaskRow[] => {
    const failed: TaskRow[] = [];
    for (const { id } of statements.dueRunning.all(ws, now)) {
      const failure = failureOf(id);
      const row = failure === null ? null : statements.failTask.get(ws, id, failure);
      if (row) failed.push(row);
    }
    return failed;
  };

  /**
   * Completes (or, where `failureOf` says so, fails) every running task due by `now`, then asks
   * `planStart` (given the progress after those completions) whether to start a task. Returns the
   * progress after the change and whether anything changed.
   */
  function advanceWorkspace(
    ref: WorkspaceRef,
    now: number,
    planStart: (progress: WorkspaceProgress) => TaskStart | null,
    failureOf: FailureOf | null = null,
  ): { changed: boolean; progress: WorkspaceProgress } {
    const ws = ids.find(ref);
    if (ws === undefined) return { changed: false, progress: progress(ref) };
    return batch.write(() => {
      const failed = failureOf === null ? [] : failDue(ws, now, failureOf);
      const updated =
        failed.length === 0 ? statements.completeDue.all(ws, now) : [...failed, ...statements.completeDue.all(ws, now)];
      const before = progressOf(ws);
      const start = planStart(before);
      const started = start && statements.startTask.get(ws, start.id, start.startedAt, start.endsAt);
      if (started) updated.push(started);
      if (updated.length === 0) return { changed: false, progress: before };
      recordChangeIn(
        ws,
        ref,
        updated.map((row) => ({ op: 'put', task: toTask(row) })),
      );
      return { changed: true, progress: started ? progressOf(ws) : before };
    });
  }

  return {
    progress,

    /** When the workspace last started a task (for pacing across restarts), or null. */
    lastStartedAt(ref: WorkspaceRef): number | null {
      const ws = ids.find(ref);
      return ws === undefined ? null : statements.lastStartedAt.get(ws)!.last;
    },

    advanceWorkspace,
  };
}
