// A property test of the scheduler and store (docs/reliability.md, "Durability") through the in-process taskmock on the
// manual clock: random sequences of creates, deletes, flushes, time advances and restarts (close
// and rebuild on the same file with the same clock). After every step, against a small model of
// what was acknowledged: FIFO, the running cap, queue time, pacing, ids that only grow, progress
// (nothing runs past its longest duration, nothing due waits), and the list the stream would send
// equal to GET /tasks. Written against public behaviour only.
import { afterAll, expect, test } from 'bun:test';
import fc from 'fast-check';
import { join } from 'node:path';
import type { Task } from '../src/domain/model.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { json, tempDir, testTaskmock, type TestTaskmock } from './helpers.ts';

const dir = tempDir();
afterAll(() => dir.cleanup());

const CAP = 2;
const QUEUE_MS = 1_000;
const PACING_MS = 100;
const KEY = 'api_key=demo';

type Step =
  | { kind: 'create'; type: 'gx.tiny' | 'gx.small' }
  | { kind: 'delete'; pick: number }
  | { kind: 'flush' }
  | { kind: 'advance'; ms: number }
  | { kind: 'restart' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), type: fc.constantFrom('gx.tiny' as const, 'gx.small' as const) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('flush' as const) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 3_000 }) }),
  fc.record({ kind: fc.constant('restart' as const) }),
);

interface Model {
  /** Every id acknowledged, with its creation time: ids only grow. */
  created: Map<number, number>;
  /** Ids removed by an acknowledged delete or flush. */
  removed: Set<number>;
  lastId: number;
  /** The latest start seen in any list (starts happen only in advances, each followed by a list). */
  lastStart: number;
  /** The latest moment a running slot was freed: a completion seen, or a flush of a running task. */
  lastFreed: number;
}

/** Upper bound of each type's duration (SPEC §2: uniform in [0, base)). */
const BASE_MS = { 'gx.tiny': 3_000, 'gx.small': 10_000 } as Record<string, number>;

async function apply(t: TestTaskmock, s: Step, model: Model): Promise<TestTaskmock> {
  if (s.kind === 'create') {
    const { task } = await json<{ task: Task }>(t.request('POST', `/tasks?${KEY}`, { body: { name: 'p', type: s.type } }));
    expect(task.id).toBeGreaterThan(model.lastId);
    model.lastId = task.id;
    model.created.set(task.id, t.clock.now());
  } else if (s.kind === 'delete') {
    const ids = [...model.created.keys()].filter((id) => !model.removed.has(id));
    const id = ids[s.pick % Math.max(1, ids.length)] ?? 1;
    if ((await t.request('DELETE', `/tasks/${id}?${KEY}`)).status === 204) model.removed.add(id);
  } else if (s.kind === 'flush') {
    const before = await list(t);
    expect((await t.request('POST', `/tasks/flush?${KEY}`)).status).toBe(204);
    for (const task of before) if (task.status !== 'queued') model.removed.add(task.id);
    if (before.some((task) => task.status === 'running')) model.lastFreed = t.clock.now();
  } else if (s.kind === 'advance') {
    t.clock.advance(s.ms);
    await t.batch.committed();
  } else {
    t.close();
    return open(t.clock);
  }
  return t;
}

const list = async (t: TestTaskmock): Promise<Task[]> => (await json<{ tasks: Task[] }>(t.request('GET', `/tasks?${KEY}`))).tasks;

function open(clock: ManualClock): TestTaskmock {
  const flags = ['--db', join(dir.path, 'property.sqlite'), '--max-running-workspace-tasks', String(CAP), '--seed', 'property'];
  return testTaskmock(flags, clock);
}

async function checkInvariants(t: TestTaskmock, model: Model): Promise<void> {
  const tasks = await list(t);
  const ids = tasks.map((task) => task.id);
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  // Exactly what was acknowledged and not removed is there.
  const expected = [...model.created.keys()].filter((id) => !model.removed.has(id));
  expect(ids).toEqual(expected);
  expect(tasks.filter((task) => task.status === 'running').length).toBeLessThanOrEqual(CAP);
  // FIFO: no queued task is older than a started one.
  const firstQueued = tasks.find((task) => task.status === 'queued')?.id ?? Number.POSITIVE_INFINITY;
  for (const task of tasks) if (task.status !== 'queued') expect(task.id).toBeLessThan(firstQueued);
  const starts = tasks
    .filter((task) => task.startedAt !== null)
    .map((task) => ({ id: task.id, at: Date.parse(task.startedAt!) }))
    .sort((a, b) => a.at - b.at || a.id - b.id);
  for (const start of starts) expect(start.at - model.created.get(start.id)!).toBeGreaterThanOrEqual(QUEUE_MS);
  for (let i = 1; i < starts.length; i++) expect(starts[i]!.at - starts[i - 1]!.at).toBeGreaterThanOrEqual(PACING_MS);
  checkProgress(tasks, model, t.clock.now());
  // What the stream would send now is GET /tasks.
  const ref = { keyHash: t.keyRing.identify('demo')!, workspaceId: 'default' };
  expect(JSON.parse(t.snapshots.tasksJson(ref))).toEqual(tasks);
}

/**
 * Liveness, which the safety rules above cannot see (a scheduler that never starts anything obeys
 * them all): a task past its longest duration has ended, and the oldest queued task is running
 * once its queue time, the pacing and a free slot have all been due for a while.
 */
function checkProgress(tasks: Task[], model: Model, now: number): void {
  for (const task of tasks) {
    if (task.startedAt !== null) model.lastStart = Math.max(model.lastStart, Date.parse(task.startedAt));
    if (task.completedAt !== null) model.lastFreed = Math.max(model.lastFreed, Date.parse(task.completedAt));
    if (task.status === 'running') expect(Date.parse(task.startedAt!) + BASE_MS[task.type]!).toBeGreaterThan(now);
  }
  const oldest = tasks.find((task) => task.status === 'queued');
  const running = tasks.filter((task) => task.status === 'running').length;
  if (!oldest || running >= CAP) return;
  const dueAt = Math.max(model.created.get(oldest.id)! + QUEUE_MS, model.lastStart + PACING_MS, model.lastFreed);
  expect(dueAt).toBeGreaterThanOrEqual(now);
}

async function run(steps: Step[]): Promise<void> {
  const clock = new ManualClock();
  let t = open(clock);
  const model: Model = { created: new Map(), removed: new Set(), lastId: 0, lastStart: 0, lastFreed: 0 };
  try {
    for (const s of steps) {
      t = await apply(t, s, model);
      await checkInvariants(t, model);
    }
  } finally {
    t.close();
    for (const suffix of ['', '-wal', '-shm'])
      await Bun.file(join(dir.path, `property.sqlite${suffix}`))
        .delete()
        .catch(() => {});
  }
}

test('scheduler and store against the model: FIFO, cap, queue time, pacing, ids, stream = GET', async () => {
  await fc.assert(fc.asyncProperty(fc.array(step, { maxLength: 25 }), run), { numRuns: 50, seed: 16 });
}, 60_000);

// Shrunk counterexamples go here as explicit cases, so they run every time. None has been found yet;
// this one pins the restart path (plan rebuilt from the file on the same clock, pacing kept).
test('regression shape: creates, restart, advance past queue time, restart, advance', async () => {
  await run([
    { kind: 'create', type: 'gx.small' },
    { kind: 'create', type: 'gx.small' },
    { kind: 'create', type: 'gx.tiny' },
    { kind: 'restart' },
    { kind: 'advance', ms: 1_050 },
    { kind: 'restart' },
    { kind: 'advance', ms: 60 },
    { kind: 'delete', pick: 2 },
    { kind: 'advance', ms: 3_000 },
  ]);
});

// Shrunk from a scheduler made to start every task 5 s late (found by the progress checks; the
// safety rules alone let it pass): a task is running right after its queue time.
test('regression shape: one create, advance just past queue time', async () => {
  await run([
    { kind: 'create', type: 'gx.tiny' },
    { kind: 'advance', ms: 1_001 },
  ]);
});
