// The task lifecycle on a manual clock with seeded randomness: nothing here sleeps.
import { afterEach, describe, expect, test } from 'bun:test';
import { BASE_DURATION_MS, type Task, type TaskType, type WorkspaceRef } from '../src/domain/model.ts';
import { testTaskmock, type TestTaskmock } from './helpers.ts';

const ws: WorkspaceRef = { keyHash: 'k', workspaceId: 'w' };
let taskmock: TestTaskmock;
afterEach(() => taskmock?.close());

const create = (type: TaskType = 'gx.heavy', ref = ws) => taskmock.service.create(ref, { name: 't', type });
const statuses = (ref = ws) =>
  taskmock.store
    .listTasks(ref)
    .map((task) => task.status[0])
    .join('');
const byId = (id: number, ref = ws): Task => taskmock.store.listTasks(ref).find((task) => task.id === id)!;

describe('lifecycle', () => {
  test('a task stays queued for at least 1 s, then runs, then completes', () => {
    taskmock = testTaskmock();
    create('gx.tiny');
    taskmock.clock.advance(999);
    expect(statuses()).toBe('q');
    taskmock.clock.advance(1);
    expect(statuses()).toBe('r');
    taskmock.clock.advance(BASE_DURATION_MS['gx.tiny']);
    expect(statuses()).toBe('c');
    const task = byId(1);
    expect(Date.parse(task.completedAt!)).toBeGreaterThanOrEqual(Date.parse(task.startedAt!));
  });

  test('tasks start in id order, at most one per 100 ms, never more than 6 running', () => {
    taskmock = testTaskmock();
    for (let i = 0; i < 8; i++) create('gx.heavy');
    taskmock.clock.advance(1000);
    expect(statuses()).toBe('rqqqqqqq');
    taskmock.clock.advance(99);
    expect(statuses()).toBe('rqqqqqqq');
    taskmock.clock.advance(1);
    expect(statuses()).toBe('rrqqqqqq');
    taskmock.clock.advance(1000);
    expect(statuses()).toBe('rrrrrrqq');
    const starts = taskmock.store
      .listTasks(ws)
      .slice(0, 6)
      .map((task) => Date.parse(task.startedAt!));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  test('a freed slot is taken by the next queued task', () => {
    taskmock = testTaskmock(['--max-running-workspace-tasks', '1']);
    create('gx.tiny');
    create('gx.tiny');
    taskmock.clock.advance(1000);
    expect(statuses()).toBe('rq');
    taskmock.clock.advance(BASE_DURATION_MS['gx.tiny'] + 100);
    expect(statuses()[0]).toBe('c');
    expect(statuses()[1]).not.toBe('q');
  });

  test('workspaces never wait on each other', () => {
    taskmock = testTaskmock(['--max-running-workspace-tasks', '1']);
    const other = { keyHash: 'k', workspaceId: 'other' };
    create('gx.heavy');
    create('gx.heavy');
    create('gx.heavy', other);
    taskmock.clock.advance(1000);
    expect(statuses()).toBe('rq');
    expect(statuses(other)).toBe('r');
  });

  test.each(Object.entries(BASE_DURATION_MS) as [TaskType, number][])('%s runs for a duration in [0, %d ms)', (type, base) => {
    taskmock = testTaskmock(['--max-running-workspace-tasks', '50']);
    for (let i = 0; i < 40; i++) create(type);
    taskmock.clock.advance(1000 + 40 * 100 + base);
    const durations = taskmock.store.listTasks(ws).map((t) => Date.parse(t.completedAt!) - Date.parse(t.startedAt!));
    expect(durations.every((d) => d >= 0 && d < base)).toBe(true);
    // Uniform, not constant: the spread covers a good part of the range.
    expect(Math.max(...durations) - Math.min(...durations)).toBeGreaterThan(base / 2);
  });

  test('TIME_SCALE divides the queue time, the pacing and the durations', () => {
    taskmock = testTaskmock(['--time-scale', '10']);
    create('gx.heavy');
    create('gx.heavy');
    taskmock.clock.advance(99);
    expect(statuses()).toBe('qq');
    taskmock.clock.advance(1);
    expect(statuses()).toBe('rq');
    taskmock.clock.advance(10);
    expect(statuses()).toBe('rr');
    taskmock.clock.advance(BASE_DURATION_MS['gx.heavy'] / 10);
    expect(statuses()).toBe('cc');
  });

  test('SEED makes durations reproducible run after run', () => {
    const durationsOf = () => {
      taskmock = testTaskmock(['--max-running-workspace-tasks', '10']);
      for (let i = 0; i < 5; i++) create('gx.medium');
      taskmock.clock.advance(60_000);
      const result = taskmock.store.listTasks(ws).map((t) => Date.parse(t.completedAt!) - Date.parse(t.startedAt!));
      taskmock.close();
      return result;
    };
    const first = durationsOf();
    expect(durationsOf()).toEqual(first);
    expect(new Set(first).size).toBe(5);
  });

  test('flush cancels running tasks and frees their slots at once', () => {
    taskmock = testTaskmock(['--max-running-workspace-tasks', '1']);
    create('gx.heavy');
    create('gx.heavy');
    taskmock.clock.advance(1000);
    expect(statuses()).toBe('rq');
    taskmock.service.flush(ws);
    expect(taskmock.store.listTasks(ws).map((t) => [t.id, t.status])).toEqual([[2, 'queued']]);
    taskmock.clock.advance(100);
    expect(statuses()).toBe('r');
  });

  test('a deleted queued task never starts and its id is not reused', async () => {
    taskmock = testTaskmock();
    create();
    create();
    taskmock.service.delete(ws, 2);
    expect((await create()).id).toBe(3);
    taskmock.clock.advance(2000);
    expect(taskmock.store.listTasks(ws).map((t) => t.id)).toEqual([1, 3]);
  });

  test('ids are not reused after a flush empties the workspace', async () => {
    taskmock = testTaskmock();
    create('gx.tiny');
    taskmock.clock.advance(5000);
    taskmock.service.flush(ws);
    expect(taskmock.store.listTasks(ws)).toEqual([]);
    expect((await create()).id).toBe(2);
  });

  test('an idle server holds no timers, a busy one holds exactly one', () => {
    taskmock = testTaskmock(['--max-workspaces', '20']);
    expect(taskmock.clock.pendingTimers()).toBe(0);
    for (let i = 0; i < 20; i++) create('gx.tiny', { keyHash: 'k', workspaceId: `w${i}` });
    expect(taskmock.clock.pendingTimers()).toBe(1);
    taskmock.clock.advance(60_000);
    expect(taskmock.clock.pendingTimers()).toBe(0);
  });

  test('every transition is announced on the change feed, once committed', async () => {
    taskmock = testTaskmock();
    const seen: string[] = [];
    taskmock.changes.listen(({ ref }) => seen.push(statuses(ref)));
    create('gx.tiny');
    // Not before the commit at the end of this turn: listeners never see what a crash could undo.
    expect(seen).toEqual([]);
    await taskmock.batch.committed();
    taskmock.clock.advance(1000);
    await taskmock.batch.committed();
    taskmock.clock.advance(BASE_DURATION_MS['gx.tiny']);
    await taskmock.batch.committed();
    expect(seen).toEqual(['q', 'r', 'c']);
  });
});

describe('re-planning after a create', () => {
  test('a create behind other queued tasks keeps the plan; the queue still drains in id order', () => {
    taskmock = testTaskmock(['--max-running-workspace-tasks', '1']);
    create('gx.tiny');
    taskmock.clock.advance(500);
    create('gx.tiny');
    create('gx.tiny');
    // Task 1 still starts exactly 1 s after its own creation, not the later tasks'.
    taskmock.clock.advance(500);
    expect(statuses()).toBe('rqq');
    taskmock.clock.advance(3 * BASE_DURATION_MS['gx.tiny'] + 300);
    expect(statuses()).toBe('ccc');
  });

  test('a create into a workspace whose queue had emptied is planned again', () => {
    taskmock = testTaskmock(['--max-running-workspace-tasks', '2']);
    create('gx.heavy');
    taskmock.clock.advance(1000);
    expect(statuses()).toBe('r');
    create('gx.heavy');
    taskmock.clock.advance(999);
    expect(statuses()).toBe('rq');
    taskmock.clock.advance(1);
    expect(statuses()).toBe('rr');
  });
});
