// The store's writes for test control (SPEC §10): a workspace's clock, a reset, fixtures. Like every
// other write they join the turn's group commit and keep the id and count caches right.
import type { TaskChange } from '../domain/changes.ts';
import type { Task, TaskStatus, TaskType, WorkspaceRef } from '../domain/model.ts';
import type { CommitBatch } from './commit-batch.ts';
import type { QueueHeads } from './queue-heads.ts';
import type { WorkspaceCounters } from './workspace-counters.ts';
import { type prepareStatements, toTask } from './statements.ts';
import type { createOccupiedWorkspaces } from './occupied-workspaces.ts';
import type { createTaskCounts } from './task-counts.ts';
import type { createWorkspaceIds } from './workspace-ids.ts';

/** A workspace's clock: its time is real time + `offsetMs`, or `pausedAt` while paused. */
export interface ClockState {
  offsetMs: number;
  pausedAt: number | null;
  /** Replaces TIME_SCALE for this workspace when set. */
  timeScale: number | null;
}

export const REAL_CLOCK: ClockState = Object.freeze({ offsetMs: 0, pausedAt: null, timeScale: null });

/** One task as a fixture writes it: every time already decided, in workspace time. */
export interface FixtureRow {
  name: string;
  type: TaskType;
  status: TaskStatus;
  createdAt: number;
  startedAt: number | null;
  endsAt: number | null;
  completedAt: number | null;
}

interface Parts {
  statements: ReturnType<typeof prepareStatements>;
  /** The store's one way to version and announce a change (store.ts): called once per write. */
  recordChangeIn: (ws: number, ref: WorkspaceRef, changes: TaskChange[]) => number;
  ids: ReturnType<typeof createWorkspaceIds>;
  counts: ReturnType<typeof createTaskCounts>;
  /** Each key's count of workspaces that hold tasks, kept by these writes too. */
  occupied: ReturnType<typeof createOccupiedWorkspaces>;
  batch: CommitBatch;
  queueHeads: QueueHeads;
  counters: WorkspaceCounters;
  /** The workspace's row id, its row made if need be. */
  workspaceRow: (ref: WorkspaceRef) => number;
}

export function createControlWrites(parts: Parts) {
  const { statements, recordChangeIn, ids, counts, occupied, batch, queueHeads, counters, workspaceRow } = parts;
  return {
    clockOf(ref: WorkspaceRef): ClockState {
      const row = statements.clockOf.get(ref.keyHash, ref.workspaceId);
      if (!row) return REAL_CLOCK;
      return { offsetMs: row.clock_offset_ms, pausedAt: row.clock_paused_at, timeScale: row.time_scale };
    },

    /** A clock change is a change of the workspace (SPEC §10): versioned and announced, no task changed. */
    setClock(ref: WorkspaceRef, clock: ClockState): void {
      batch.write(() => {
        const row = statements.setClock.get(ref.keyHash, ref.workspaceId, clock.offsetMs, clock.pausedAt, clock.timeScale)!;
        ids.remember(ref, row.ws);
        recordChangeIn(row.ws, ref, []);
      });
    },

    /** Removes every task, restarts ids at 1 and puts the clock back on real time; returns how many went. */
    resetWorkspace(ref: WorkspaceRef): number {
      const ws = ids.find(ref);
      if (ws === undefined) return 0;
      const removed = batch.write(() => {
        const rows = statements.deleteAllTasks.all(ws);
        // The row stays, and with it the version: it only grows, even across a reset (SPEC §12).
        statements.realClock.run(ws);
        counters.restartIds(ws);
        queueHeads.forget(ws);
        recordChangeIn(
          ws,
          ref,
          rows.map(({ id }) => ({ op: 'remove', id })),
        );
        return rows.length;
      });
      counts.adjust(ref, -removed);
      occupied.removed(ref, removed);
      return removed;
    },

    /** Inserts the next task of the workspace; `rowFor` decides its fields once its id is known. */
    insertFixture(ref: WorkspaceRef, rowFor: (id: number) => FixtureRow): Task {
      const wasEmpty = occupied.addingToEmpty(ref);
      const task = batch.write(() => {
        const ws = workspaceRow(ref);
        const id = counters.nextId(ws);
        const { name, type, status, createdAt, startedAt, endsAt, completedAt } = rowFor(id);
        statements.insertFixture.run(ws, id, name, type, status, createdAt, startedAt, endsAt, completedAt);
        const task = toTask({ id, name, type, status, created_at: createdAt, started_at: startedAt, completed_at: completedAt });
        recordChangeIn(ws, ref, [{ op: 'put', task }]);
        return task;
      });
      counts.added(ref);
      occupied.added(ref, wasEmpty);
      return task;
    },

    /** Every workspace of the key that has a row (held tasks or a clock once). */
    workspaceIdsOfKey: (keyHash: string): string[] => statements.workspaceIdsOfKey.all(keyHash).map((row) => row.workspace_id),
  };
}
