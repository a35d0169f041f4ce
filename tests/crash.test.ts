// Crash safety: the real server is killed with SIGKILL mid-run and restarted on the same file.
// Every task whose creation was acknowledged must be there, in a state consistent with time.
import { afterAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { eventually, tempDir } from './helpers.ts';
import { spawnServer } from './process.ts';

const dir = tempDir();
afterAll(() => dir.cleanup());

interface Task {
  id: number;
  type: string;
  status: string;
  startedAt: string | null;
  completedAt: string | null;
}

const listTasks = async (url: string): Promise<Task[]> =>
  ((await (await fetch(`${url}/tasks?api_key=demo`)).json()) as { tasks: Task[] }).tasks;

const waitFor = (predicate: () => Promise<boolean>) => eventually(predicate, 'the workspace to reach the state', 10_000);

test('kill -9 mid-run loses no acknowledged task; running tasks keep their end time', async () => {
  const db = join(dir.path, 'crash.sqlite');
  const flags = [
    '--db',
    db,
    '--time-scale',
    '20',
    '--max-running-workspace-tasks',
    '3',
    '--log-level',
    'warn',
    '--seed',
    'crash',
  ];
  const first = await spawnServer(flags);
  const acknowledged: number[] = [];
  const create = async (type: string) => {
    const response = await fetch(`${first.url}/tasks?api_key=demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: type, type }),
    });
    if (response.status === 200) acknowledged.push(((await response.json()) as { task: Task }).task.id);
  };
  await Promise.all(['gx.tiny', 'gx.heavy', 'gx.heavy', 'gx.heavy', 'gx.heavy'].map(create));
  // Wait until the tiny task has completed and three heavy ones run (a fourth stays queued).
  await waitFor(async () => (await listTasks(first.url)).filter((t) => t.status === 'running').length === 3);
  await waitFor(async () => (await listTasks(first.url)).some((t) => t.status === 'completed'));
  // A burst of creates still in flight when the process dies: only the acknowledged ones count.
  const inFlight = Array.from({ length: 30 }, () => create('gx.small').catch(() => {}));
  await Bun.sleep(5);
  const before = await listTasks(first.url).catch(() => null);
  first.process.kill('SIGKILL');
  await first.process.exited;
  await Promise.all(inFlight);

  const second = await spawnServer(flags);
  try {
    const after = await listTasks(second.url);
    const ids = after.map((t) => t.id);
    for (const id of acknowledged) expect(ids).toContain(id);
    if (before) {
      for (const old of before) {
        const now = after.find((t) => t.id === old.id)!;
        expect(now).toBeDefined();
        if (old.status === 'completed') expect(now).toEqual(old);
        if (old.status === 'running') expect(now.startedAt).toBe(old.startedAt);
      }
    }
    // Ids continue after the highest ever acknowledged.
    const next = await fetch(`${second.url}/tasks?api_key=demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'after restart', type: 'gx.tiny' }),
    });
    expect(((await next.json()) as { task: Task }).task.id).toBe(Math.max(...ids) + 1);
  } finally {
    second.process.kill('SIGTERM');
    expect(await second.process.exited).toBe(0);
  }
});

test('kill -9 after the highest task was deleted: the next id is past it, and the version never goes back', async () => {
  const db = join(dir.path, 'counters.sqlite');
  const flags = ['--db', db, '--time-scale', '0.001', '--log-level', 'warn'];
  const tasksUrl = (url: string) => `${url}/tasks?api_key=demo&workspace_id=counted`;
  const create = async (url: string, name: string): Promise<Task> => {
    const response = await fetch(tasksUrl(url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, type: 'gx.tiny' }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { task: Task }).task;
  };
  const version = async (url: string) => ((await (await fetch(tasksUrl(url))).json()) as { version: number }).version;
  const first = await spawnServer(flags);
  let top = 0;
  for (let i = 0; i < 5; i++) top = (await create(first.url, `t${i}`)).id;
  // Queued (time runs a thousand times slower), so the highest task can be deleted.
  expect((await fetch(`${first.url}/tasks/${top}?api_key=demo&workspace_id=counted`, { method: 'DELETE' })).status).toBe(204);
  const before = await version(first.url);
  first.process.kill('SIGKILL');
  await first.process.exited;

  const second = await spawnServer(flags);
  let beforeCleanStop: number;
  try {
    const after = await version(second.url);
    expect(after).toBeGreaterThanOrEqual(before);
    const next = await create(second.url, 'after the crash');
    expect(next.id).toBe(top + 1);
    beforeCleanStop = await version(second.url);
    expect(beforeCleanStop).toBeGreaterThan(after);
  } finally {
    second.process.kill('SIGTERM');
    expect(await second.process.exited).toBe(0);
  }
  // A clean stop stores the exact version: the next start goes on from it, with no jump.
  const third = await spawnServer(flags);
  try {
    expect(await version(third.url)).toBe(beforeCleanStop);
  } finally {
    third.process.kill('SIGTERM');
    expect(await third.process.exited).toBe(0);
  }
});
