// The journal of hosted mode (SPEC §13): every request of a key to /tasks, every task transition,
// every socket, in order, bounded per key, written with the group commit.
import { afterEach, describe, expect, test } from 'bun:test';
import type { JournalEvent } from '../src/journal/events.ts';
import { parseCommandLine } from '../src/config/config.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { eventually, testTaskmock, type TestTaskmock } from './helpers.ts';

const ADMIN_KEY = 'admin-secret-for-tests';
const admin = { 'x-admin-key': ADMIN_KEY };
let taskmock: TestTaskmock | undefined;
let server: RunningTaskmock | undefined;
afterEach(async () => {
  taskmock?.close();
  taskmock = undefined;
  await server?.shutdown();
  server = undefined;
});

function hosted(flags: string[] = []): TestTaskmock {
  taskmock = testTaskmock(['--admin-key', ADMIN_KEY, '--api-keys', 'configured-key-0001', ...flags]);
  return taskmock;
}

async function issue(name: string): Promise<string> {
  const response = await taskmock!.request('PUT', `/admin/keys/${name}`, { headers: admin });
  return ((await response.json()) as { key: string }).key;
}

async function journalOf(name: string, via: (path: string) => Promise<Response>): Promise<JournalEvent[]> {
  const response = await via(`/admin/keys/${name}/journal`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toStartWith('application/x-ndjson');
  const text = await response.text();
  return text === ''
    ? []
    : text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
}

const inProcess = (path: string) => taskmock!.request('GET', path, { headers: admin });

/**
 * Elysia runs after-response hooks once the answer is out, a moment after `handle` resolves:
 * wait until the journal of `name` holds `count` requests.
 */
const answered = (count: number, name = 'ada') =>
  eventually(
    () => taskmock!.journal!.read(name).filter((e) => e.kind === 'request').length >= count,
    `${count} requests journaled`,
  );

describe('the journal', () => {
  test('records each request of the key (path without the query) and each task transition, in order', async () => {
    hosted();
    const key = await issue('ada');
    const headers = { 'x-api-key': key, origin: 'http://candidate.test', 'user-agent': 'candidate-ui/1' };
    await taskmock!.request('GET', '/tasks?workspace_id=w', { headers });
    await answered(1);
    await taskmock!.request('POST', `/tasks?workspace_id=w&api_key=${key}`, { body: { name: 'n', type: 'gx.tiny' } });
    await answered(2);
    await taskmock!.request('DELETE', '/tasks/9?workspace_id=w', { headers });
    await answered(3);
    await taskmock!.request('GET', '/tasks?workspace_id=bad!id', { headers });
    await answered(4);
    taskmock!.clock.advance(5_000);
    await taskmock!.request('POST', '/tasks/flush?workspace_id=w', { headers });
    await answered(5);
    await taskmock!.request('GET', '/tasks', { headers: { 'x-api-key': 'configured-key-0001' } });

    const events = await journalOf('ada', inProcess);
    expect(JSON.stringify(events)).not.toContain(key);
    expect(
      events.map((e) =>
        e.kind === 'request'
          ? `${e.method} ${e.path} ${e.status}`
          : e.kind === 'task'
            ? `task ${e.transition} ${e.task}`
            : e.kind,
      ),
    ).toEqual([
      'GET /tasks 200',
      'task created 1',
      'POST /tasks 200',
      'DELETE /tasks/9 404',
      'GET /tasks 400',
      'task started 1',
      'task completed 1',
      'task flushed 1',
      'POST /tasks/flush 204',
    ]);
    expect(events[0]).toMatchObject({
      workspace: 'w',
      origin: 'http://candidate.test',
      userAgent: 'candidate-ui/1',
      ms: expect.any(Number),
    });
    expect(events[1]).toMatchObject({ name: 'n', type: 'gx.tiny' });
    expect(events[3]).toMatchObject({ message: expect.stringContaining('could not be found') });
    expect(events[4]).toMatchObject({ workspace: 'bad!id', message: 'invalid workspace id' });
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    // The configured key has a journal of its own.
    const configured = (await (await inProcess('/admin/keys')).json()).keys[0].name;
    await answered(1, configured);
    expect((await journalOf(configured, inProcess)).map((e) => e.kind)).toEqual(['request']);
  });

  test('keeps at most JOURNAL_MAX_EVENTS per key, dropping the oldest and counting them', async () => {
    hosted(['--journal-max-events', '100']);
    const key = await issue('ada');
    for (let i = 0; i < 130; i++)
      await taskmock!.request('GET', `/tasks?workspace_id=w${i % 3}`, { headers: { 'x-api-key': key } });
    await eventually(() => {
      taskmock!.batch.commitNow();
      return taskmock!.journal!.size() + taskmock!.journal!.droppedCount('ada') >= 130;
    }, 'every request journaled');
    const response = await inProcess('/admin/keys/ada/journal');
    expect(response.headers.get('x-journal-dropped')).toBe('30');
    const events = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(100);
    expect(events[99].id - events[0].id).toBe(99);
    expect(taskmock!.journal!.size()).toBe(100);
  });

  test('reads alone still reach the file, in one transaction per turn, not one per request', async () => {
    hosted();
    const key = await issue('ada');
    await taskmock!.batch.committed();
    const commits: string[] = [];
    const run = taskmock!.batch;
    const original = run.beforeEveryCommit;
    original.call(run, () => commits.push('commit'));
    await Promise.all(Array.from({ length: 20 }, () => taskmock!.request('GET', '/tasks', { headers: { 'x-api-key': key } })));
    await answered(20);
    await eventually(() => commits.length > 0, 'the journal commit');
    await new Promise((resolve) => setImmediate(resolve));
    expect(commits.length).toBeLessThan(20);
    expect((await journalOf('ada', inProcess)).filter((e) => e.kind === 'request')).toHaveLength(20);
  });

  test('without ADMIN_KEY nothing is journaled', () => {
    taskmock = testTaskmock();
    expect(taskmock.journal).toBeUndefined();
  });
});

describe('the journal of sockets', () => {
  test('a socket is journaled opened and closed with its code, lifetime and messages; a refusal too', async () => {
    const { config } = parseCommandLine(
      [
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--db',
        ':memory:',
        '--log-level',
        'silent',
        '--admin-key',
        ADMIN_KEY,
        '--max-workspace-connections',
        '1',
      ],
      {},
    );
    server = startTaskmock(config);
    const url = server.url;
    const put = await fetch(`${url}/admin/keys/ada`, { method: 'PUT', headers: admin });
    const key = ((await put.json()) as { key: string }).key;
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/tasks?api_key=${key}&workspace_id=w`);
    let frames = 0;
    socket.onmessage = () => frames++;
    await eventually(() => frames === 1, 'the list on open');
    await fetch(`${url}/tasks?api_key=${key}&workspace_id=w`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"n","type":"gx.heavy"}',
    });
    await eventually(() => frames === 2, 'the change');
    const refused = await fetch(`${url}/ws/tasks?api_key=${key}&workspace_id=w`, {
      headers: {
        upgrade: 'websocket',
        connection: 'upgrade',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
      },
    });
    expect(refused.status).toBe(429);
    // A plain read is answered by Bun's router in front of Elysia (fast-list.ts): journaled too.
    expect((await fetch(`${url}/tasks?api_key=${key}&workspace_id=w`)).status).toBe(200);
    socket.close(4000, 'bye');
    const via = (path: string) => fetch(`${url}${path}`, { headers: admin });
    await eventually(async () => (await journalOf('ada', via)).some((e) => e.kind === 'socket.close'), 'the close');
    const events = await journalOf('ada', via);
    const open = events.find((e) => e.kind === 'socket.open')!;
    expect(events.some((e) => e.kind === 'request' && e.method === 'GET' && e.status === 200)).toBe(true);
    expect(events.find((e) => e.kind === 'socket.refused')).toMatchObject({
      status: 429,
      message: 'too many connections in workspace',
    });
    expect(events.find((e) => e.kind === 'socket.close')).toMatchObject({
      opened: open.id,
      code: 4000,
      messages: 2,
      lifetimeMs: expect.any(Number),
    });
  });
});
