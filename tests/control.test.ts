// Test control (SPEC §10) in-process on a manual clock: reset, fixtures, each workspace's clock,
// isolation between workspaces and keys, and the CONTROL settings. Nothing here sleeps.
import { afterEach, describe, expect, test } from 'bun:test';
import { parseCommandLine } from '../src/config/config.ts';
import type { Task } from '../src/domain/model.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { json, testTaskmock, type TestTaskmock } from './helpers.ts';

const open: TestTaskmock[] = [];
afterEach(() => {
  for (const taskmock of open.splice(0)) taskmock.close();
});

function boot(flags: string[] = [], clock = new ManualClock()) {
  const taskmock = testTaskmock(['--api-keys', 'k1,k2', ...flags], clock);
  open.push(taskmock);
  const at = (key: string, workspace: string) => `api_key=${key}&workspace_id=${workspace}`;
  const call = (method: string, path: string, scope = at('k1', 'w'), body?: unknown, headers?: Record<string, string>) =>
    taskmock.request(method, `${path}${path.includes('?') ? '&' : '?'}${scope}`, { body, headers });
  const list = async (scope = at('k1', 'w')): Promise<Task[]> => (await json(call('GET', '/tasks', scope))).tasks;
  const create = (type = 'gx.heavy', scope = at('k1', 'w')) => call('POST', '/tasks', scope, { name: type, type });
  const statuses = async (scope = at('k1', 'w')) => (await list(scope)).map((task) => task.status[0]).join('');
  return { taskmock, call, list, create, statuses, at };
}

describe('advance', () => {
  test('advancing a paused workspace ends in the same state as letting the span pass on the manual clock', async () => {
    const span = 120_000;
    const waited = boot();
    for (let i = 0; i < 10; i++) await waited.create(i % 2 ? 'gx.heavy' : 'gx.medium');
    waited.taskmock.clock.advance(span);
    const expected = await waited.list();

    const driven = boot();
    await driven.call('POST', '/control/clock/pause');
    for (let i = 0; i < 10; i++) await driven.create(i % 2 ? 'gx.heavy' : 'gx.medium');
    const answer = await json(driven.call('POST', '/control/clock/advance', undefined, { ms: span }));
    // Same tasks, same statuses, same timestamps to the millisecond: the same transitions were applied.
    expect(answer.tasks).toEqual(expected);
    expect(await driven.list()).toEqual(expected);
    expect(answer.now).toBe(new Date(driven.taskmock.clock.now() + span).toISOString());
    expect(new Set(expected.map((task) => task.status))).toEqual(new Set(['completed', 'running']));
  });

  test('advance moves a running clock forward too, and time then runs on from there', async () => {
    const { taskmock, call, create, statuses } = boot();
    await create('gx.heavy');
    const moved = await json(call('POST', '/control/clock/advance', undefined, { ms: 1000 }));
    expect(moved.paused).toBe(false);
    expect(await statuses()).toBe('r');
    taskmock.clock.advance(500);
    expect((await json(call('GET', '/control/clock'))).now).toBe(new Date(taskmock.clock.now() + 1000).toISOString());
  });

  test('a paused workspace does not move with real time; resume runs on from where it stopped', async () => {
    const { taskmock, call, create, statuses } = boot();
    const paused = await json(call('POST', '/control/clock/pause'));
    await create('gx.tiny');
    taskmock.clock.advance(60_000);
    expect(await statuses()).toBe('q');
    expect(taskmock.clock.pendingTimers()).toBe(0);
    expect((await json(call('GET', '/control/clock'))).now).toBe(paused.now);
    const resumed = await json(call('POST', '/control/clock/resume'));
    expect([resumed.now, resumed.paused]).toEqual([paused.now, false]);
    taskmock.clock.advance(1000);
    expect(await statuses()).toBe('r');
  });

  test('next with nothing queued or running answers 409; bad bodies answer 400', async () => {
    const { call } = boot();
    const next = await call('POST', '/control/clock/next');
    expect(next.status).toBe(409);
    expect(await next.json()).toEqual({ message: 'nothing is scheduled', code: 'nothing_scheduled' });
    for (const body of [{ ms: -1 }, { ms: 1.5 }, { ms: '10' }, {}]) {
      const answer = await call('POST', '/control/clock/advance', undefined, body);
      expect([answer.status, (await answer.json()).code]).toEqual([400, 'invalid_ms']);
    }
    const scale = await call('PUT', '/control/clock', undefined, { timeScale: 0 });
    expect([scale.status, (await scale.json()).code]).toEqual([400, 'invalid_time_scale']);
    const notJson = await call('POST', '/control/clock/advance', undefined, 'ms=1', { 'content-type': 'text/plain' });
    expect([notJson.status, (await notJson.json()).message]).toEqual([400, 'invalid request body']);
  });

  test("a workspace's own time scale divides its queue time, pacing and durations", async () => {
    const { call, create, statuses } = boot();
    expect((await json(call('PUT', '/control/clock', undefined, { timeScale: 10 }))).timeScale).toBe(10);
    await call('POST', '/control/clock/pause');
    await create('gx.heavy');
    await create('gx.heavy');
    const first = await json(call('POST', '/control/clock/next'));
    const second = await json(call('POST', '/control/clock/next'));
    expect(Date.parse(second.now) - Date.parse(first.now)).toBe(10);
    expect(await statuses()).toBe('rr');
    await call('POST', '/control/clock/advance', undefined, { ms: 30_000 });
    expect(await statuses()).toBe('cc');
    expect((await json(call('PUT', '/control/clock', undefined, { timeScale: null }))).timeScale).toBe(1);
  });
});

describe('determinism', () => {
  /** The same requests and control calls on a paused workspace; `realMsBetween` of real time between calls. */
  async function script(realMsBetween: number) {
    const { taskmock, call, create } = boot();
    const answers: unknown[] = [];
    const step = async (response: Promise<Response>) => {
      const answer = await response;
      answers.push([answer.status, answer.status === 204 ? null : await answer.json()]);
      taskmock.clock.advance(realMsBetween);
    };
    await step(call('POST', '/control/clock/pause'));
    for (const type of ['gx.small', 'gx.medium', 'gx.tiny', 'gx.large', 'gx.micro', 'gx.heavy', 'gx.tiny', 'gx.small']) {
      await step(create(type));
    }
    await step(call('POST', '/control/clock/next'));
    await step(call('POST', '/control/clock/next'));
    await step(call('DELETE', '/tasks/8'));
    await step(call('PUT', '/control/clock', undefined, { timeScale: 2 }));
    await step(call('POST', '/control/tasks', undefined, { tasks: [{ name: 'fixture', type: 'gx.large', status: 'running' }] }));
    await step(call('POST', '/control/clock/advance', undefined, { ms: 4_000 }));
    await step(call('POST', '/control/clock/next'));
    await step(call('GET', '/tasks'));
    return answers;
  }

  test('same seed, requests and control calls: the same answers, timestamps included, however slow the machine', async () => {
    const fast = await script(0);
    // A machine so slow that seconds of real time pass between calls: the paused workspace's
    // time does not move with them, so nothing in any answer may differ.
    const slow = await script(7_500);
    expect(slow).toEqual(fast);
    const list = (fast.at(-1) as [number, { tasks: Task[] }])[1].tasks;
    // The script did move things: some tasks ended, some still run, each with its own timestamps.
    expect(new Set(list.map((task) => task.status))).toEqual(new Set(['completed', 'running']));
  });
});

describe('reset and fixtures', () => {
  test('reset empties the workspace, restarts ids at 1, puts the clock back on real time', async () => {
    const { taskmock, call, create, list } = boot();
    await call('POST', '/control/clock/pause');
    await call('PUT', '/control/clock', undefined, { timeScale: 5 });
    await create();
    await create();
    await call('POST', '/control/clock/advance', undefined, { ms: 5000 });
    const reset = await call('POST', '/control/reset');
    expect(reset.status).toBe(204);
    expect(await list()).toEqual([]);
    expect(await json(call('GET', '/control/clock'))).toEqual({
      now: new Date(taskmock.clock.now()).toISOString(),
      paused: false,
      timeScale: 1,
      nextTransitionAt: null,
    });
    expect((await json(create())).task.id).toBe(1);
  });

  test('every control change bumps the version, and a reset never lowers it', async () => {
    const { call, create } = boot();
    const version = async () => (await json(call('GET', '/tasks'))).version as number;
    await create();
    await create();
    const before = await version();
    await call('POST', '/control/clock/pause');
    const paused = await version();
    expect(paused).toBeGreaterThan(before);
    await call('POST', '/control/reset');
    const reset = await version();
    expect(reset).toBeGreaterThan(paused);
    await call('POST', '/control/tasks', undefined, { tasks: [{ name: 'x', type: 'gx.tiny', status: 'queued' }] });
    expect(await version()).toBeGreaterThan(reset);
  });

  test("reset frees the workspace for the key's limit; scope=key resets every workspace of the key", async () => {
    const { call, create, list, at } = boot(['--max-workspaces', '2']);
    await create('gx.tiny', at('k1', 'a'));
    await create('gx.tiny', at('k1', 'b'));
    await create('gx.tiny', at('k2', 'a'));
    expect((await create('gx.tiny', at('k1', 'c'))).status).toBe(429);
    await call('POST', '/control/reset', at('k1', 'a'));
    expect((await create('gx.tiny', at('k1', 'c'))).status).toBe(200);
    expect((await call('POST', '/control/reset?scope=key', at('k1', 'c'))).status).toBe(204);
    for (const workspace of ['a', 'b', 'c']) expect(await list(at('k1', workspace))).toEqual([]);
    expect((await list(at('k2', 'a'))).length).toBe(1);
    expect((await call('POST', '/control/reset?scope=all', at('k1', 'a'))).status).toBe(400);
  });

  test('fixtures are added in order with fresh ids; running ones end after remainingMs', async () => {
    const { taskmock, call, create, list } = boot();
    await create('gx.tiny');
    const answer = await call('POST', '/control/tasks', undefined, {
      tasks: [
        { name: 'done', type: 'gx.small', status: 'completed' },
        { name: 'busy', type: 'gx.large', status: 'running', remainingMs: 2500 },
        { name: 'drawn', type: 'gx.tiny', status: 'running' },
        { name: ' waits ', type: 'gx.tiny', status: 'queued' },
      ],
    });
    expect(answer.status).toBe(200);
    const { tasks } = await answer.json();
    expect(tasks.map((task: Task) => [task.id, task.name, task.status])).toEqual([
      [2, 'done', 'completed'],
      [3, 'busy', 'running'],
      [4, 'drawn', 'running'],
      [5, 'waits', 'queued'],
    ]);
    const now = new Date(taskmock.clock.now()).toISOString();
    expect([tasks[0].createdAt, tasks[0].startedAt, tasks[0].completedAt]).toEqual([now, now, now]);
    expect(await list()).toEqual([(await list())[0]!, ...tasks]);
    taskmock.clock.advance(2500);
    const busy = (await list()).find((task) => task.id === 3)!;
    expect([busy.status, busy.completedAt]).toEqual(['completed', new Date(taskmock.clock.now()).toISOString()]);
  });

  test.each([
    [{}, 'tasks must be an array of tasks'],
    [{ tasks: [{ name: 'a', type: 'gx.tiny', status: 'queued' }, 'x'] }, 'tasks[1] must be an object'],
    [{ tasks: [{ name: ' ', type: 'gx.tiny', status: 'queued' }] }, 'tasks[0].name is required'],
    [
      { tasks: [{ name: 'a', type: 'gx.huge', status: 'queued' }] },
      'tasks[0].type must be one of gx.tiny, gx.micro, gx.small, gx.medium, gx.large, gx.heavy',
    ],
    [
      { tasks: [{}, {}, { name: 'a', type: 'gx.tiny', status: 'done' }].slice(2) },
      'tasks[0].status must be one of queued, running, completed',
    ],
    [
      { tasks: [{ name: 'a', type: 'gx.tiny', status: 'queued', remainingMs: 5 }] },
      'tasks[0].remainingMs is only for a running task',
    ],
    [
      { tasks: [{ name: 'a', type: 'gx.tiny', status: 'running', remainingMs: -5 }] },
      'tasks[0].remainingMs must be a whole number from 0 to 31536000000',
    ],
  ])('fixtures %j are refused with "%s" and nothing is written', async (body, message) => {
    const { call, list } = boot();
    const answer = await call('POST', '/control/tasks', undefined, body);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ message, code: 'invalid_fixture' });
    expect(await list()).toEqual([]);
  });

  test('fixtures respect MAX_WORKSPACE_TASKS and MAX_WORKSPACES', async () => {
    const { call, at } = boot(['--max-workspace-tasks', '2', '--max-workspaces', '1']);
    const three = { tasks: ['a', 'b', 'c'].map((name) => ({ name, type: 'gx.tiny', status: 'queued' })) };
    const tooMany = await call('POST', '/control/tasks', undefined, three);
    expect([tooMany.status, (await tooMany.json()).message]).toEqual([429, 'too many tasks in workspace']);
    expect((await call('POST', '/control/tasks', undefined, { tasks: three.tasks.slice(1) })).status).toBe(200);
    const other = await call('POST', '/control/tasks', at('k1', 'other'), { tasks: three.tasks.slice(2) });
    expect([other.status, (await other.json()).message]).toEqual([429, 'too many workspaces']);
  });
});

test('isolation: control calls on one workspace never change another list or clock (two keys, two workspaces each)', async () => {
  const { call, create, list, at } = boot();
  const scopes = [at('k1', 'a'), at('k1', 'b'), at('k2', 'a'), at('k2', 'b')];
  for (const scope of scopes) await create('gx.heavy', scope);
  const snapshot = async () =>
    Promise.all(scopes.slice(1).map(async (scope) => [await list(scope), await json(call('GET', '/control/clock', scope))]));
  const before = await snapshot();
  const target = scopes[0];
  await call('POST', '/control/clock/pause', target);
  await call('PUT', '/control/clock', target, { timeScale: 100 });
  await call('POST', '/control/clock/advance', target, { ms: 10_000 });
  await call('POST', '/control/clock/next', target);
  await call('POST', '/control/tasks', target, { tasks: [{ name: 'x', type: 'gx.tiny', status: 'completed' }] });
  expect((await list(target)).map((task) => task.status)).toEqual(['completed', 'completed']);
  await call('POST', '/control/reset', target);
  expect(await snapshot()).toEqual(before);
});

describe('CONTROL setting', () => {
  test('CONTROL=admin needs X-Admin-Key as well as the key', async () => {
    const { call } = boot(['--control', 'admin', '--admin-key', 'sesame']);
    expect((await call('GET', '/control/clock')).status).toBe(403);
    expect((await call('GET', '/control/clock', undefined, undefined, { 'x-admin-key': 'wrong' })).status).toBe(403);
    expect((await call('GET', '/control/clock', undefined, undefined, { 'x-admin-key': 'sesame' })).status).toBe(200);
    expect((await call('GET', '/control/clock', 'api_key=nope', undefined, { 'x-admin-key': 'sesame' })).status).toBe(403);
    expect(() => parseCommandLine(['--control', 'admin'], {})).toThrow('CONTROL=admin needs ADMIN_KEY');
  });

  test('CONTROL=off: every /control route answers 404 Not Found and is left out of the docs; /tasks works', async () => {
    const { call, create } = boot(['--control', 'off']);
    for (const [method, path] of [
      ['GET', '/control/clock'],
      ['POST', '/control/reset'],
      ['POST', '/control/clock/next'],
      ['PUT', '/control/clock'],
    ] as const) {
      const answer = await call(method, path);
      expect([answer.status, (await answer.json()).message]).toEqual([404, 'Not Found']);
    }
    expect((await create()).status).toBe(200);
    const document = await json(call('GET', '/swagger/json'));
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/control'))).toEqual([]);
  });
});
