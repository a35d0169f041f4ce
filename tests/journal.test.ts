// The journal of hosted mode (SPEC §13): every request of a key to /tasks, every task transition,
// every socket, in order, bounded per key, written with the group commit.
import { Database } from 'bun:sqlite';
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalEvent, NewEvent } from '../src/journal/events.ts';
import { createJournalStore } from '../src/journal/store.ts';
import { createJournal } from '../src/journal/writer.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { createCommitBatch } from '../src/storage/commit-batch.ts';
import { openDatabase } from '../src/storage/database.ts';
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
    const events = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    // Never more than the cap; once past it, the oldest tenth went at once (90 to 100 are kept).
    expect(events.length).toBeLessThanOrEqual(100);
    expect(events.length).toBeGreaterThanOrEqual(90);
    expect(Number(response.headers.get('x-journal-dropped'))).toBe(130 - events.length);
    // The newest ones are kept, in order, none missing.
    expect(events.at(-1).id - events[0].id).toBe(events.length - 1);
    expect(events.at(-1).path).toBe('/tasks');
    expect(taskmock!.journal!.size()).toBe(events.length);
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

describe('the journal store: a row per key per commit', () => {
  const request = (n: number): NewEvent => ({
    kind: 'request',
    workspace: 'w',
    method: 'GET',
    path: `/tasks/${n}`,
    status: 200,
    ms: 1,
  });

  function journalOn(db: Database, maxEvents: number) {
    const batch = createCommitBatch(db, () => {});
    const journal = createJournal({
      store: createJournalStore(db),
      batch,
      clock: new ManualClock(),
      maxEvents,
      nameOf: () => 'ada',
    });
    return { batch, journal };
  }

  test('past its cap a key keeps its newest 90 %, whole chunks dropped and the oldest left trimmed', () => {
    const db = openDatabase(':memory:');
    try {
      const { batch, journal } = journalOn(db, 10);
      // Commits of 4, 4 and 4 events: 12 > 10, so 3 go and the newest 9 stay, across two chunks.
      for (let n = 0; n < 12; n++) {
        journal.record('identity', request(n));
        if (n % 4 === 3) batch.commitNow();
      }
      const paths = journal.read('ada').map((event) => (event as { path: string }).path);
      expect(paths).toEqual(Array.from({ length: 9 }, (_, i) => `/tasks/${i + 3}`));
      expect(journal.droppedCount('ada')).toBe(3);
      expect(journal.size()).toBe(9);
      const chunks = db.query('SELECT events FROM journal_chunks ORDER BY id').all();
      expect(chunks).toEqual([{ events: 1 }, { events: 4 }, { events: 4 }]);
    } finally {
      db.close();
    }
  });

  test('events, their ids and the dropped count survive a restart; ids go on from the last', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    try {
      const path = join(dir, 'journal.sqlite');
      let db = openDatabase(path);
      const first = journalOn(db, 100);
      const ids = [0, 1, 2].map((n) => first.journal.record('identity', request(n)));
      first.batch.commitNow();
      db.close();
      db = openDatabase(path);
      const again = journalOn(db, 100);
      expect(again.journal.read('ada').map((event) => event.id)).toEqual(ids);
      expect(again.journal.record('identity', request(3))).toBe(ids[2]! + 1);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a journal of schema version 9 (a row per event) reads the same once turned into chunks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    try {
      const path = join(dir, 'old.sqlite');
      openDatabase(path).close();
      const old = new Database(path);
      old.run('DROP TABLE journal_chunks');
      old.run(`CREATE TABLE journal (id INTEGER PRIMARY KEY, key_name TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL,
        workspace_id TEXT, data TEXT NOT NULL)`);
      old.run('CREATE INDEX journal_by_key ON journal (key_name, id)');
      old.run(`INSERT INTO journal VALUES (1, 'ada', 1000, 'request', 'w', '{"method":"GET","path":"/tasks","status":200,"ms":1}'),
        (2, 'bob', 1001, 'socket.open', 'w', '{"origin":"http://app.test"}'),
        (3, 'ada', 1002, 'task', NULL, '{"transition":"created","task":1,"name":"a","type":"gx.tiny"}')`);
      old.run('PRAGMA user_version = 9');
      old.close();
      const db = openDatabase(path);
      const { journal } = journalOn(db, 100);
      expect(journal.read('ada')).toEqual([
        { id: 1, at: 1000, kind: 'request', workspace: 'w', method: 'GET', path: '/tasks', status: 200, ms: 1 },
        { id: 3, at: 1002, kind: 'task', workspace: null, transition: 'created', task: 1, name: 'a', type: 'gx.tiny' },
      ] as JournalEvent[]);
      expect(journal.read('bob')).toEqual([{ id: 2, at: 1001, kind: 'socket.open', workspace: 'w', origin: 'http://app.test' }]);
      expect(journal.size()).toBe(3);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
