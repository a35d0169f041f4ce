// Test control (SPEC §10): reset, fixtures and each workspace's clock. No HTTP here: the routes in
// control-routes.ts are thin. Every change is written in the turn's group commit through the store
// (which versions it and announces it on the change feed), re-planned by the scheduler, and every
// function resolves only after its COMMIT, like the task service (durable by construction).
import { errors } from '../domain/errors.ts';
import { type Task, type WorkspaceRef, workspaceKey } from '../domain/model.ts';
import type { RandomSource } from '../domain/random.ts';
import type { Workspaces } from '../domain/workspaces.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import { drawnDurationMs } from '../scheduler/start-rule.ts';
import type { WorkspaceClocks } from '../scheduler/workspace-clocks.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { Store } from '../storage/store.ts';
import { type Fixture, parseFixtures } from './fixtures.ts';

/** The `GET /control/clock` body; times are the workspace's own, ISO 8601. */
export interface ClockView {
  now: string;
  paused: boolean;
  timeScale: number;
  nextTransitionAt: string | null;
}

export interface ControlServiceOptions {
  store: Store;
  batch: CommitBatch;
  scheduler: Scheduler;
  clocks: WorkspaceClocks;
  workspaces: Workspaces;
  random: RandomSource;
  maxWorkspaceTasks: number;
  /** Called for every workspace a reset empties, in its transaction (faults go back to the default there). */
  onReset?: readonly ((ref: WorkspaceRef) => void)[];
  /**
   * Called once for a key-wide reset, in its transaction: state kept for workspaces the store does
   * not list (a workspace holding only a fault profile) is put back there.
   */
  onKeyReset?: readonly ((keyHash: string) => void)[];
}

export type ControlService = ReturnType<typeof createControlService>;

const MAX_ADVANCE_MS = 365 * 24 * 3600 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

export function createControlService(options: ControlServiceOptions) {
  const { store, batch, scheduler, clocks, workspaces, random } = options;

  const durable = async <T>(value: () => T): Promise<T> => {
    await batch.committed();
    return value();
  };

  const clockView = (ref: WorkspaceRef): ClockView => {
    const next = scheduler.nextDue(ref);
    return {
      now: iso(clocks.now(ref)),
      paused: clocks.isPaused(ref),
      timeScale: clocks.timeScale(ref),
      nextTransitionAt: next === null ? null : iso(next),
    };
  };

  /** After any control change: re-plan (the store has versioned and announced it). */
  const changed = (ref: WorkspaceRef): void => scheduler.reload(ref);

  const withTasks = (ref: WorkspaceRef) => ({ ...clockView(ref), tasks: store.listTasks(ref) });

  /** Applies every transition due up to `target`, then sets the workspace's time to it. */
  const moveTo = (ref: WorkspaceRef, target: number): void => {
    scheduler.runUntil(ref, target);
    clocks.moveTo(ref, target);
    changed(ref);
  };

  const resetOne = (ref: WorkspaceRef): void => {
    store.resetWorkspace(ref);
    clocks.forget(ref);
    for (const hook of options.onReset ?? []) hook(ref);
    changed(ref);
  };

  const fixtureRow = (ref: WorkspaceRef, fixture: Fixture, now: number, id: number) => {
    const base = { name: fixture.name, type: fixture.type, status: fixture.status, createdAt: now };
    if (fixture.status === 'queued') return { ...base, startedAt: null, endsAt: null, completedAt: null };
    if (fixture.status === 'completed') return { ...base, startedAt: now, endsAt: now, completedAt: now };
    const runsFor =
      fixture.remainingMs ?? drawnDurationMs(fixture.type, random(`${workspaceKey(ref)}/${id}`), clocks.timeScale(ref));
    return { ...base, startedAt: now, endsAt: now + runsFor, completedAt: null };
  };

  return {
    /** Empties the workspace (or, with scope `key`, every workspace of the key): ids from 1, real time. */
    reset(ref: WorkspaceRef, scope: 'workspace' | 'key'): Promise<void> {
      const ids = scope === 'key' ? store.workspaceIdsOfKey(ref.keyHash) : [ref.workspaceId];
      for (const workspaceId of ids) resetOne({ keyHash: ref.keyHash, workspaceId });
      if (scope === 'key') for (const hook of options.onKeyReset ?? []) hook(ref.keyHash);
      return durable(() => undefined);
    },

    /** Adds tasks in any status, in order, with fresh ids; answers the created tasks. */
    fixtures(ref: WorkspaceRef, body: unknown): Promise<Task[]> {
      const fixtures = parseFixtures(body);
      if (fixtures.length > 0) workspaces.assertCanUse(ref);
      if (store.countTasks(ref) + fixtures.length > options.maxWorkspaceTasks) throw errors.tooManyTasks();
      const now = clocks.now(ref);
      const created = fixtures.map((fixture) => store.insertFixture(ref, (id) => fixtureRow(ref, fixture, now, id)));
      if (created.length > 0) changed(ref);
      return durable(() => created);
    },

    clock: (ref: WorkspaceRef): Promise<ClockView> => durable(() => clockView(ref)),

    pause(ref: WorkspaceRef): Promise<ClockView> {
      // What was due up to now happens first: a paused workspace holds nothing overdue.
      scheduler.runUntil(ref, clocks.now(ref));
      clocks.pause(ref);
      changed(ref);
      return durable(() => clockView(ref));
    },

    resume(ref: WorkspaceRef): Promise<ClockView> {
      clocks.resume(ref);
      changed(ref);
      return durable(() => clockView(ref));
    },

    advance(ref: WorkspaceRef, body: unknown) {
      const ms = (body as { ms?: unknown } | null)?.ms;
      if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_ADVANCE_MS) throw errors.invalidMs();
      moveTo(ref, clocks.now(ref) + ms);
      return durable(() => withTasks(ref));
    },

    next(ref: WorkspaceRef) {
      const due = scheduler.nextDue(ref);
      if (due === null) throw errors.nothingScheduled();
      moveTo(ref, Math.max(due, clocks.now(ref)));
      return durable(() => withTasks(ref));
    },

    setTimeScale(ref: WorkspaceRef, body: unknown): Promise<ClockView> {
      const scale = (body as { timeScale?: unknown } | null)?.timeScale;
      const valid = scale === null || (typeof scale === 'number' && Number.isFinite(scale) && scale > 0 && scale <= 1_000_000);
      if (!valid) throw errors.invalidTimeScale();
      clocks.setTimeScale(ref, scale as number | null);
      changed(ref);
      return durable(() => clockView(ref));
    },
  };
}
