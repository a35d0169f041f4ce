// State survives a clean restart on the same database file: statuses, end times and id sequences.
import { afterAll, afterEach, expect, test } from 'bun:test';
import { join } from 'node:path';
import { ManualClock } from '../src/scheduler/clock.ts';
import { DatabaseInUseError } from '../src/storage/database.ts';
import type { WorkspaceRef } from '../src/domain/model.ts';
import { tempDir, testTaskmock, type TestTaskmock } from './helpers.ts';

const ws: WorkspaceRef = { keyHash: 'k', workspaceId: 'w' };
const dir = tempDir();
const open: TestTaskmock[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});
afterAll(() => dir.cleanup());

function boot(file: string, clock: ManualClock, flags: string[] = []): TestTaskmock {
  const taskmock = testTaskmock(['--db', join(dir.path, file), ...flags], clock);
  open.push(taskmock);
  return taskmock;
}

test('queued stay queued, running keep their end time, completed stay completed, ids continue', async () => {
  const clock = new ManualClock();
  const first = boot('a.sqlite', clock, ['--max-running-workspace-tasks', '2']);
  for (const type of ['gx.tiny', 'gx.heavy', 'gx.heavy'] as const) first.service.create(ws, { name: type, type });
  clock.advance(1100 + 3000);
  const before = first.store.listTasks(ws);
  expect(before.map((t) => t.status)).toEqual(['completed', 'running', 'running']);
  first.close();
  open.pop();

  const second = boot('a.sqlite', clock, ['--max-running-workspace-tasks', '2']);
  expect(second.store.listTasks(ws)).toEqual(before);
  expect((await second.service.create(ws, { name: 'next', type: 'gx.tiny' })).id).toBe(4);
  clock.advance(300_000);
  const after = second.store.listTasks(ws);
  expect(after.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
  // The running task ended exactly when it was always going to.
  expect(after[1]!.startedAt).toBe(before[1]!.startedAt);
});

test('a running task whose end passed while the server was down completes at once on start', () => {
  const clock = new ManualClock();
  const first = boot('b.sqlite', clock);
  first.service.create(ws, { name: 'x', type: 'gx.tiny' });
  clock.advance(1000);
  expect(first.store.listTasks(ws)[0]!.status).toBe('running');
  first.close();
  open.pop();
  const downFor = 10_000;
  const restartClock = new ManualClock(clock.now() + downFor);
  const second = boot('b.sqlite', restartClock);
  restartClock.advance(0);
  const [task] = second.store.listTasks(ws);
  expect(task!.status).toBe('completed');
  expect(Date.parse(task!.completedAt!)).toBeLessThan(restartClock.now());
});

test('a second taskmock on the same database file is refused', () => {
  const clock = new ManualClock();
  boot('c.sqlite', clock);
  expect(() => boot('c.sqlite', clock)).toThrow(DatabaseInUseError);
});
