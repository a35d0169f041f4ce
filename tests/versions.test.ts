// SPEC §12 over REST: the workspace's version in GET /tasks and its ETag, conditional reads (304)
// and blocking reads (`index`, `wait`). Lifecycle steps use the manual clock; only a blocking
// read's own `wait` runs on real time (the wait is the feature), kept to a few hundred ms.
import { afterEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { ManualClock } from '../src/scheduler/clock.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { BASE_DURATION_MS } from '../src/domain/model.ts';
import { eventually, json, silentLogger, tempDir, testConfig, testTaskmock, type TestTaskmock } from './helpers.ts';
import { seededRandom } from '../src/domain/random.ts';
import { parseWait } from '../src/http/versioned-reads.ts';
import { createClient } from '../src/testing/index.ts';

const KEY = 'api_key=demo';
let taskmock: TestTaskmock | undefined;
const servers: RunningTaskmock[] = [];
afterEach(async () => {
  taskmock?.close();
  taskmock = undefined;
  for (const server of servers.splice(0)) await server.shutdown();
});

const tiny = { name: 'job', type: 'gx.tiny' };
const create = (t: TestTaskmock, query = KEY) => json(t.request('POST', `/tasks?${query}`, { body: tiny }));
const read = async (t: TestTaskmock, query = KEY) =>
  json<{ tasks: unknown[]; version: number }>(t.request('GET', `/tasks?${query}`));
const version = async (t: TestTaskmock, query = KEY) => (await read(t, query)).version;

describe('the version', () => {
  test('grows with every committed change: create, start, end, delete, flush', async () => {
    taskmock = testTaskmock(['--max-running-workspace-tasks', '1']);
    expect(await version(taskmock)).toBe(0);
    await create(taskmock);
    expect(await version(taskmock)).toBe(1);
    await create(taskmock);
    expect(await version(taskmock)).toBe(2);
    expect((await taskmock.request('DELETE', `/tasks/2?${KEY}`)).status).toBe(204);
    expect(await version(taskmock)).toBe(3);
    taskmock.clock.advance(1000);
    expect(await version(taskmock)).toBe(4);
    taskmock.clock.advance(BASE_DURATION_MS['gx.tiny']);
    expect(await version(taskmock)).toBe(5);
    expect((await taskmock.request('POST', `/tasks/flush?${KEY}`)).status).toBe(204);
    expect(await read(taskmock)).toEqual({ tasks: [], version: 6 });
  });

  test('requests that change nothing leave it alone', async () => {
    taskmock = testTaskmock();
    await create(taskmock);
    expect((await taskmock.request('DELETE', `/tasks/9?${KEY}`)).status).toBe(404);
    expect((await taskmock.request('POST', `/tasks/flush?${KEY}`)).status).toBe(204);
    expect((await taskmock.request('POST', `/tasks?${KEY}`, { body: { name: '' } })).status).toBe(400);
    expect(await version(taskmock)).toBe(1);
  });

  test('is per workspace, and reading an unknown workspace gives 0 and creates nothing', async () => {
    taskmock = testTaskmock(['--max-workspaces', '1']);
    await create(taskmock);
    for (let i = 0; i < 3; i++) expect(await read(taskmock, `${KEY}&workspace_id=other${i}`)).toEqual({ tasks: [], version: 0 });
    // The key's one workspace is still the only one: the reads created none.
    expect((await taskmock.request('POST', `/tasks?${KEY}&workspace_id=second`, { body: tiny })).status).toBe(429);
  });

  test('survives a restart and never goes back, even once the workspace is empty', async () => {
    const dir = tempDir();
    try {
      const clock = new ManualClock();
      const file = ['--db', join(dir.path, 'v.sqlite')];
      const first = testTaskmock(file, clock);
      await create(first);
      await create(first);
      await first.request('DELETE', `/tasks/1?${KEY}`);
      await first.request('DELETE', `/tasks/2?${KEY}`);
      expect(await version(first)).toBe(4);
      first.close();
      taskmock = testTaskmock(file, clock);
      expect(await read(taskmock)).toEqual({ tasks: [], version: 4 });
      await create(taskmock);
      expect(await version(taskmock)).toBe(5);
    } finally {
      taskmock?.close();
      taskmock = undefined;
      dir.cleanup();
    }
  });
});

describe('conditional reads', () => {
  test('ETag is the quoted version; If-None-Match with it answers 304 with no body, CORS kept', async () => {
    taskmock = testTaskmock();
    await create(taskmock);
    const first = await taskmock.request('GET', `/tasks?${KEY}`);
    expect(first.headers.get('etag')).toBe('"1"');
    expect(first.headers.get('access-control-expose-headers')).toContain('ETag');
    for (const tag of ['"1"', 'W/"1"', '"0", "1"', '*']) {
      const again = await taskmock.request('GET', `/tasks?${KEY}`, { headers: { 'if-none-match': tag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe('"1"');
      expect(again.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  test('a stale tag gets the full answer with the new tag', async () => {
    taskmock = testTaskmock();
    await create(taskmock);
    await create(taskmock);
    const response = await taskmock.request('GET', `/tasks?${KEY}`, { headers: { 'if-none-match': '"1"' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(((await response.json()) as { tasks: unknown[] }).tasks).toHaveLength(2);
  });
});

describe('the wait parameter', () => {
  test('takes ms, s and m; a bare number is seconds; longer than 5 minutes is cut to 5', () => {
    expect(parseWait(undefined)).toBe(30_000);
    expect(parseWait('200ms')).toBe(200);
    expect(parseWait('1.5s')).toBe(1500);
    expect(parseWait('2')).toBe(2000);
    expect(parseWait('2m')).toBe(120_000);
    expect(parseWait('10m')).toBe(300_000);
  });

  test.each([
    ['index=abc', 'invalid index', 'invalid_index'],
    ['index=-1', 'invalid index', 'invalid_index'],
    ['index=1&wait=soon', 'invalid wait', 'invalid_wait'],
    ['index=1&wait=5h', 'invalid wait', 'invalid_wait'],
    ['index=1&wait=-1s', 'invalid wait', 'invalid_wait'],
  ])('%s is refused with 400 %s', async (query, message, code) => {
    taskmock = testTaskmock();
    const response = await taskmock.request('GET', `/tasks?${KEY}&${query}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message, code });
  });

  test('without a key the answer is still 403, whatever index says', async () => {
    taskmock = testTaskmock();
    expect((await taskmock.request('GET', '/tasks?index=abc')).status).toBe(403);
  });
});

/** A real listening server on a manual clock: blocking reads hold real HTTP connections. */
function listening(): RunningTaskmock & { clock: ManualClock } {
  const clock = new ManualClock();
  const config = testConfig(['--port', '0', '--host', '127.0.0.1']);
  const server = startTaskmock(config, { clock, random: seededRandom('versions'), logger: silentLogger });
  servers.push(server);
  return Object.assign(server, { clock });
}

const getList = async (server: RunningTaskmock, query = '') => {
  const response = await fetch(`${server.url}/tasks?${KEY}${query}`);
  return { status: response.status, ...((await response.json()) as { tasks: { name: string }[]; version: number }) };
};

const post = (server: RunningTaskmock, name = 'job') =>
  fetch(`${server.url}/tasks?${KEY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type: 'gx.tiny' }),
  });

/**
 * A GET over its own TCP connection (`Connection: close`): fetch pools a few hundred connections
 * per host, so a thousand parked reads through it would never all be in flight at once.
 */
async function rawGet(server: RunningTaskmock, path: string): Promise<{ status: number; version: number }> {
  const { port } = new URL(server.url);
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  let text = '';
  await Bun.connect({
    hostname: '127.0.0.1',
    port: Number(port),
    socket: {
      open: (socket) => void socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
      data: (_socket, data) => void (text += data.toString()),
      close: () => resolve(text),
      error: (_socket, error) => reject(error),
    },
  });
  const answer = await promise;
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return { status: Number(answer.split(' ')[1]), version: (JSON.parse(body) as { version: number }).version };
}

describe('blocking reads', () => {
  test('a stale index is answered at once', async () => {
    const server = listening();
    await post(server);
    await post(server);
    const began = performance.now();
    const answer = await getList(server, '&index=1&wait=5m');
    expect(answer.version).toBe(2);
    expect(performance.now() - began).toBeLessThan(2_000);
  });

  test('a current index is answered by the next change, with the list after it', async () => {
    const server = listening();
    await post(server, 'first');
    const waiting = getList(server, '&index=1&wait=5m');
    await waitForParked(server, 1);
    await post(server, 'second');
    const answer = await waiting;
    expect(answer.version).toBe(2);
    expect(answer.tasks.map((task) => task.name)).toEqual(['first', 'second']);
  });

  test('a timer transition wakes it too (start, then end)', async () => {
    const server = listening();
    await post(server);
    const started = getList(server, '&index=1');
    await waitForParked(server, 1);
    server.clock.advance(1000);
    expect((await started).version).toBe(2);
  });

  test('with nothing happening it answers after wait, with the same version', async () => {
    const server = listening();
    await post(server);
    const answer = await getList(server, '&index=1&wait=200ms');
    expect(answer).toMatchObject({ status: 200, version: 1 });
    expect(server.blockingReads.parkedCount()).toBe(0);
  });

  test('1,000 parked readers are all answered by one change', async () => {
    const server = listening();
    await post(server);
    const readers = Array.from({ length: 1000 }, () => rawGet(server, `/tasks?${KEY}&index=1&wait=5m`));
    await waitForParked(server, 1000);
    await post(server);
    const answers = await Promise.all(readers);
    expect(new Set(answers.map((answer) => answer.version))).toEqual(new Set([2]));
    expect(server.blockingReads.parkedCount()).toBe(0);
  }, 30_000);

  test('shutdown answers parked readers with the current list before the server stops', async () => {
    const server = listening();
    await post(server);
    const readers = Array.from({ length: 20 }, () => getList(server, '&index=1&wait=5m'));
    await waitForParked(server, 20);
    await server.shutdown();
    servers.splice(servers.indexOf(server), 1);
    const answers = await Promise.all(readers);
    expect(answers.every((answer) => answer.status === 200 && answer.version === 1 && answer.tasks.length === 1)).toBe(true);
  });
});

describe('waiting for a state, as a CI test does', () => {
  // taskmock/testing's waitFor: a loop of blocking reads. The test drives time only while the
  // waiter is parked on the server, so every step it sees was answered by a change, not a poll.
  test('waitFor("all completed") parks between changes and returns the finished list', async () => {
    const server = listening();
    for (const name of ['a', 'b', 'c']) await post(server, name);
    const client = createClient(server.url, 'demo');
    let done = false;
    const allCompleted = client
      .waitFor((tasks) => tasks.every((task) => task.status === 'completed'), { timeoutMs: 20_000 })
      .finally(() => (done = true));
    let parkedSteps = 0;
    while (!done) {
      await eventually(() => done || server.blockingReads.parkedCount() === 1, 'waitFor parked on the server');
      if (done) break;
      parkedSteps++;
      server.clock.advance(500);
      await server.batch.committed();
    }
    const tasks = await allCompleted;
    expect(tasks.map((task) => [task.name, task.status])).toEqual([
      ['a', 'completed'],
      ['b', 'completed'],
      ['c', 'completed'],
    ]);
    // Three tasks at most 3 s each behind a 1 s queue time: several half-second steps, each parked.
    expect(parkedSteps).toBeGreaterThan(2);
    expect(server.blockingReads.parkedCount()).toBe(0);
  });

  test('waitFor rejects after its timeout when the state never comes', async () => {
    const server = listening();
    await post(server);
    const client = createClient(server.url, 'demo');
    const began = performance.now();
    await expect(client.waitFor((tasks) => tasks.length === 2, { timeoutMs: 200 })).rejects.toThrow('within 200 ms');
    expect(performance.now() - began).toBeGreaterThanOrEqual(190);
  });
});

/** Parking happens a moment after the request is sent; this waits on the server's own count. */
async function waitForParked(server: RunningTaskmock, count: number): Promise<void> {
  await eventually(() => server.blockingReads.parkedCount() === count, `${count} parked readers`, 20_000);
}
