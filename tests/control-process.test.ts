// Test control (SPEC §10) on a real server process: one transition at a time with `next`, a paused
// clock that survives SIGKILL, and the stream seeing a reset.
import { afterAll, afterEach, expect, test } from 'bun:test';
import { join } from 'node:path';
import { tempDir } from './helpers.ts';
import { type ServerProcess, spawnServer } from './process.ts';

interface Task {
  id: number;
  status: string;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

const dir = tempDir();
const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.process.kill('SIGTERM');
    await server.process.exited;
  }
});
afterAll(() => dir.cleanup());

async function boot(flags: string[] = []) {
  const server = await spawnServer(['--db', ':memory:', '--log-level', 'warn', '--seed', 'control', ...flags]);
  servers.push(server);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}api_key=demo`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  };
  return { server, call };
}

const ms = (iso: string) => Date.parse(iso);

test('pause, create 8, then next one step at a time: FIFO, at most 6 running, 1 s queue time, 100 ms pacing', async () => {
  const { call } = await boot();
  const paused = (await call('POST', '/control/clock/pause')).body;
  for (let i = 0; i < 8; i++) await call('POST', '/tasks', { name: `t${i + 1}`, type: 'gx.heavy' });
  const t0 = ms(paused.now);
  let previous = t0;
  for (let step = 1; step <= 6; step++) {
    const { status, body } = await call('POST', '/control/clock/next');
    expect(status).toBe(200);
    // Start k happens 1 s after creation, then one per 100 ms: exactly, not "about".
    expect(ms(body.now)).toBe(t0 + 1000 + 100 * (step - 1));
    expect(body.tasks.map((task: Task) => task.status[0]).join('')).toBe('r'.repeat(step) + 'q'.repeat(8 - step));
    expect(body.tasks[step - 1].startedAt).toBe(body.now);
    previous = ms(body.now);
  }
  // Six running: the next transition is the first end, and the freed slot goes to task 7 at that instant.
  const { body } = await call('POST', '/control/clock/next');
  const tasks: Task[] = body.tasks;
  const ended = tasks.filter((task) => task.status === 'completed');
  expect(ended.length).toBe(1);
  expect(ended[0]!.completedAt).toBe(body.now);
  expect(ms(body.now)).toBeGreaterThan(previous);
  expect(tasks.filter((task) => task.status === 'running').length).toBe(6);
  expect(tasks[6]!.startedAt).toBe(body.now);
  expect(tasks[7]!.status).toBe('queued');
  // Stepping on never breaks FIFO or the cap, and ends with nothing scheduled.
  for (let step = 0; step < 20; step++) {
    const next = await call('POST', '/control/clock/next');
    if (next.status === 409) break;
    const list: Task[] = next.body.tasks;
    expect(list.filter((task) => task.status === 'running').length).toBeLessThanOrEqual(6);
    const started = list.map((task) => task.status !== 'queued');
    expect(started).toEqual([...started].sort((a, b) => Number(b) - Number(a)));
  }
  expect((await call('POST', '/control/clock/next')).body).toEqual({
    message: 'nothing is scheduled',
    code: 'nothing_scheduled',
  });
});

test('a paused clock survives SIGKILL and restart at the same workspace time, with its offset and scale', async () => {
  const db = join(dir.path, 'paused.sqlite');
  const first = await boot(['--db', db]);
  await first.call('POST', '/control/clock/pause');
  await first.call('PUT', '/control/clock', { timeScale: 4 });
  await first.call('POST', '/tasks', { name: 'x', type: 'gx.heavy' });
  const before = (await first.call('POST', '/control/clock/advance', { ms: 90_000 })).body;
  first.server.process.kill('SIGKILL');
  await first.server.process.exited;
  servers.pop();

  const second = await boot(['--db', db]);
  const clock = (await second.call('GET', '/control/clock')).body;
  const { tasks, ...rest } = before;
  expect(clock).toEqual(rest);
  expect((await second.call('GET', '/tasks')).body.tasks).toEqual(tasks);
});

test('the stream shows [] after a reset', async () => {
  const { server, call } = await boot();
  await call('POST', '/tasks', { name: 'x', type: 'gx.tiny' });
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/tasks?api_key=demo`);
  const frames: string[] = [];
  const first = Promise.withResolvers<void>();
  const sawEmpty = Promise.withResolvers<void>();
  socket.onmessage = (event) => {
    frames.push(String(event.data));
    first.resolve();
    if (frames.length > 1 && event.data === '[]') sawEmpty.resolve();
  };
  await first.promise;
  expect(JSON.parse(frames[0]!).length).toBe(1);
  expect((await call('POST', '/control/reset')).status).toBe(204);
  await sawEmpty.promise;
  socket.close();
});
