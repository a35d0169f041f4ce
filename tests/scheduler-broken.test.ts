// A workspace whose rows throw or contradict each other (a damaged database file) must not stop the
// scheduler: it is taken out of the plan, named, and every other workspace keeps moving.
// See docs/reliability.md ("A damaged database file").
import { afterEach, expect, test } from 'bun:test';
import type { WorkspaceRef } from '../src/domain/model.ts';
import { seededRandom } from '../src/domain/random.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { createScheduler } from '../src/scheduler/scheduler.ts';
import { createWorkspaceClocks } from '../src/scheduler/workspace-clocks.ts';
import { createCommitBatch } from '../src/storage/commit-batch.ts';
import { openDatabase } from '../src/storage/database.ts';
import { createStore, type Store } from '../src/storage/store.ts';

const good: WorkspaceRef = { keyHash: 'k', workspaceId: 'good' };
const bad: WorkspaceRef = { keyHash: 'k', workspaceId: 'bad' };
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A real store whose `advanceWorkspace` misbehaves for the `bad` workspace only. */
function setup(misbehave: (real: Store) => Store['advanceWorkspace']) {
  const db = openDatabase(':memory:');
  const batch = createCommitBatch(db, () => {});
  const real = createStore(db, batch);
  const wrong = misbehave(real);
  const store: Store = {
    ...real,
    advanceWorkspace: (ref, now, planStart) =>
      ref.workspaceId === 'bad' ? wrong(ref, now, planStart) : real.advanceWorkspace(ref, now, planStart),
  };
  const clock = new ManualClock();
  const broken: { ref: WorkspaceRef; reason: string }[] = [];
  const scheduler = createScheduler({
    store,
    clock,
    random: seededRandom('broken'),
    clocks: createWorkspaceClocks({ store, clock, timeScale: 1 }),
    maxRunningPerWorkspace: 6,
    onBroken: (ref, reason) => broken.push({ ref, reason }),
  });
  closers.push(() => {
    scheduler.stop();
    db.close();
  });
  const create = (ref: WorkspaceRef) => {
    real.createTask(ref, 't', 'gx.tiny', clock.now());
    scheduler.taskQueued(ref);
  };
  const statuses = (ref: WorkspaceRef) => real.listTasks(ref).map((task) => task.status);
  return { scheduler, clock, broken, create, statuses };
}

test('an SQLite error in one workspace is caught: it is named and dropped, the others go on', () => {
  const { scheduler, clock, broken, create, statuses } = setup(() => () => {
    throw new Error('database disk image is malformed');
  });
  create(bad);
  create(good);
  clock.advance(1000);
  expect(broken).toEqual([{ ref: bad, reason: 'database disk image is malformed' }]);
  expect(statuses(good)).toEqual(['running']);
  clock.advance(3000);
  expect(statuses(good)).toEqual(['completed']);
  // Given up for good: a new create there does not plan it again, and nothing else is scheduled.
  create(bad);
  expect(scheduler.activeWorkspaces()).toBe(0);
  expect(clock.pendingTimers()).toBe(0);
});

test('a workspace due but making no progress (index and table disagree) never spins the timer loop', () => {
  // The store says the workspace is due now, and changes nothing when asked to advance: the loop
  // used to pop it again at the same instant for ever (100 % CPU, signals never handled).
  const { clock, broken, create, statuses } = setup((real) => (ref) => ({ changed: false, progress: real.progress(ref) }));
  create(bad);
  create(good);
  clock.advance(1000);
  expect(broken.map((entry) => [entry.ref.workspaceId, entry.reason])).toEqual([['bad', 'due but makes no progress']]);
  expect(statuses(good)).toEqual(['running']);
  expect(statuses(bad)).toEqual(['queued']);
});
