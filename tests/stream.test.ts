// The live stream of SPEC §3 over real sockets against a real listening server. Every test owns its
// server; events are awaited with promises, never with sleeps for task durations.
import { afterEach, describe, expect, test } from 'bun:test';
import { connect, type Socket } from 'node:net';
import { parseCommandLine } from '../src/config/config.ts';
import type { Task, WorkspaceRef } from '../src/domain/model.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { eventually } from './helpers.ts';

const running: RunningTaskmock[] = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.close();
  for (const taskmock of running.splice(0)) await taskmock.shutdown();
});

/** A real server; the one-second tick is off, so every frame a test counts comes from a change. */
function start(flags: string[] = []): RunningTaskmock {
  const { config } = parseCommandLine(
    [
      ...['--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--log-level', 'silent', '--api-keys', 'k1,k2'],
      ...['--stream-resend-ms', '0', ...flags],
    ],
    {},
  );
  const taskmock = startTaskmock(config);
  running.push(taskmock);
  return taskmock;
}

const refOf = (taskmock: RunningTaskmock, key: string, workspaceId = 'default'): WorkspaceRef => ({
  keyHash: taskmock.keyRing.identify(key)!,
  workspaceId,
});

/** A browser-like client that queues every frame so a test can take them one by one, in order. */
class Client {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; wasOpen: boolean }>;
  private wasOpen = false;
  private readonly frames: string[] = [];
  private readonly waiters: ((frame: string) => void)[] = [];

  constructor(url: string) {
    this.socket = new WebSocket(url);
    const opened = Promise.withResolvers<void>();
    const closed = Promise.withResolvers<{ code: number; wasOpen: boolean }>();
    this.opened = opened.promise;
    this.closed = closed.promise;
    this.socket.onopen = () => {
      this.wasOpen = true;
      opened.resolve();
    };
    this.socket.onmessage = (event) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(String(event.data));
      else this.frames.push(String(event.data));
    };
    this.socket.onclose = (event) => {
      opened.reject(new Error(`closed before opening (${event.code})`));
      closed.resolve({ code: event.code, wasOpen: this.wasOpen });
    };
    this.opened.catch(() => undefined);
    clients.push(this);
  }

  /** The next frame, parsed; frames that arrived earlier are returned first. */
  next(): Promise<Task[]> {
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(JSON.parse(frame));
    const { promise, resolve } = Promise.withResolvers<string>();
    this.waiters.push(resolve);
    return promise.then((text) => JSON.parse(text));
  }

  /** Takes frames until one satisfies `done`; returns all of them, the last included. */
  async until(done: (tasks: Task[]) => boolean): Promise<Task[][]> {
    const seen: Task[][] = [];
    for (;;) {
      const tasks = await this.next();
      seen.push(tasks);
      if (done(tasks)) return seen;
    }
  }
}

const wsUrl = (taskmock: RunningTaskmock, query: string) => `${taskmock.url.replace(/^http/, 'ws')}/ws/tasks?${query}`;

/** Connects and consumes the snapshot sent on open. */
async function subscribe(taskmock: RunningTaskmock, query: string): Promise<{ client: Client; snapshot: Task[] }> {
  const client = new Client(wsUrl(taskmock, query));
  await client.opened;
  return { client, snapshot: await client.next() };
}

async function listTasks(taskmock: RunningTaskmock, query: string): Promise<Task[]> {
  const response = await fetch(`${taskmock.url}/tasks?${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { tasks: Task[] }).tasks;
}

async function createTask(taskmock: RunningTaskmock, query: string, name: string, type = 'gx.medium'): Promise<Response> {
  return fetch(`${taskmock.url}/tasks?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type }),
  });
}

/** The upgrade request a browser sends, as plain HTTP: shows the status and body of a refusal. */
async function handshake(taskmock: RunningTaskmock, query: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${taskmock.url}/ws/tasks?${query}`, {
    headers: {
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
    },
  });
  const body = response.status === 101 ? null : await response.json();
  return { status: response.status, body };
}

const names = (tasks: Task[]) => tasks.map((task) => task.name);

describe('what a subscriber receives', () => {
  test('the current list at once on open, equal to GET /tasks', async () => {
    const taskmock = start();
    await createTask(taskmock, 'api_key=k1', 'first');
    await createTask(taskmock, 'api_key=k1', 'second');
    const { snapshot } = await subscribe(taskmock, 'api_key=k1');
    expect(names(snapshot)).toEqual(['first', 'second']);
    expect(snapshot).toEqual(await listTasks(taskmock, 'api_key=k1'));
  });

  test('GET /stats counts the open sockets', async () => {
    const taskmock = start();
    const openSockets = async () =>
      ((await (await fetch(`${taskmock.url}/stats`)).json()) as { openSockets: number }).openSockets;
    expect(await openSockets()).toBe(0);
    const a = await subscribe(taskmock, 'api_key=k1');
    await subscribe(taskmock, 'api_key=k2&workspace_id=w');
    expect(await openSockets()).toBe(2);
    a.client.socket.close();
    await a.client.closed;
    // The server sees the close a moment after the client does.
    await eventually(async () => (await openSockets()) === 1, 'the server to see the close');
  });

  test('an empty workspace sends an empty list', async () => {
    const taskmock = start();
    const { snapshot } = await subscribe(taskmock, 'api_key=k1&workspace_id=empty');
    expect(snapshot).toEqual([]);
  });

  test('one message per separated change, each equal to GET /tasks at that moment', async () => {
    const taskmock = start();
    const { client } = await subscribe(taskmock, 'api_key=k1');

    expect((await createTask(taskmock, 'api_key=k1', 'a')).status).toBe(200);
    expect(names(await client.next())).toEqual(['a']);
    expect((await createTask(taskmock, 'api_key=k1', 'b')).status).toBe(200);
    const afterB = await client.next();
    expect(names(afterB)).toEqual(['a', 'b']);
    expect(afterB).toEqual(await listTasks(taskmock, 'api_key=k1'));

    expect((await fetch(`${taskmock.url}/tasks/1?api_key=k1`, { method: 'DELETE' })).status).toBe(204);
    expect(names(await client.next())).toEqual(['b']);
    // A duplicate or stale frame anywhere above would surface here instead of the new list.
    expect((await createTask(taskmock, 'api_key=k1', 'c')).status).toBe(200);
    expect((await client.next()).map((task) => task.id)).toEqual([2, 3]);
  });

  test('a burst of 50 creates in one turn arrives as one message holding all of them', async () => {
    const taskmock = start(['--max-workspace-tasks', '100']);
    const { client } = await subscribe(taskmock, 'api_key=k1');
    const ref = refOf(taskmock, 'k1');
    for (let i = 1; i <= 50; i++) taskmock.service.create(ref, { name: `burst ${i}`, type: 'gx.heavy' });
    taskmock.service.delete(ref, 50);

    const burst = await client.next();
    expect(burst).toHaveLength(49);
    expect(burst).toEqual(await listTasks(taskmock, 'api_key=k1'));
    // The next frame is the next change, not a leftover of the burst.
    await createTask(taskmock, 'api_key=k1', 'after');
    expect((await client.next()).at(-1)?.name).toBe('after');
  });

  test('a burst of 50 concurrent HTTP creates: never one frame per subscriber per change more, the last equals GET /tasks', async () => {
    const taskmock = start();
    const { client } = await subscribe(taskmock, 'api_key=k1');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createTask(taskmock, 'api_key=k1', `req ${i}`, 'gx.heavy')),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const frames = await client.until((tasks) => tasks.length === 50);
    // Coalesced, never repeated: every frame holds at least one change the one before did not.
    const lengths = frames.map((tasks) => tasks.length);
    for (let i = 1; i < lengths.length; i++) expect(lengths[i]!).toBeGreaterThan(lengths[i - 1]!);
    expect(frames.at(-1)).toEqual(await listTasks(taskmock, 'api_key=k1'));
  });

  test('a flush is one message, with only the queued tasks left', async () => {
    const taskmock = start(['--time-scale', '50']);
    const { client } = await subscribe(taskmock, 'api_key=k1');
    await createTask(taskmock, 'api_key=k1', 'runs', 'gx.heavy');
    await client.until((tasks) => tasks[0]?.status === 'running');
    // Time stands still from here: 'waits' stays queued, so the flush must leave it, and only it.
    expect((await fetch(`${taskmock.url}/control/clock/pause?api_key=k1`, { method: 'POST' })).status).toBe(200);
    await createTask(taskmock, 'api_key=k1', 'waits', 'gx.heavy');
    await client.until((tasks) => tasks.length === 2);

    expect((await fetch(`${taskmock.url}/tasks/flush?api_key=k1`, { method: 'POST' })).status).toBe(204);
    const afterFlush = await client.until((tasks) => !tasks.some((task) => task.name === 'runs'));
    expect(afterFlush.at(-1)!.map((task) => task.id)).toEqual([2]);
    expect(afterFlush.at(-1)).toEqual(await listTasks(taskmock, 'api_key=k1'));
  });

  test('a lifecycle at --time-scale 5: queued, running, completed, in that order', async () => {
    // Seeded so the run lasts ≈170 ms: an unseeded one under 1 ms starts and ends in the same
    // scheduler pass, and the coalesced stream rightly never shows it `running`. Scale 5 leaves
    // 200 ms of queue time, room for a loaded CI machine to deliver the `queued` frame first.
    const taskmock = start(['--time-scale', '5', '--seed', 'lifecycle']);
    const { client, snapshot } = await subscribe(taskmock, 'api_key=k1');
    expect(snapshot).toEqual([]);
    await createTask(taskmock, 'api_key=k1', 'life', 'gx.tiny');
    const frames = await client.until((tasks) => tasks[0]?.status === 'completed');
    const statuses = frames.map((tasks) => tasks[0]!.status).filter((status, i, all) => status !== all[i - 1]);
    expect(statuses).toEqual(['queued', 'running', 'completed']);
    expect(frames.at(-1)).toEqual(await listTasks(taskmock, 'api_key=k1'));
  });

  test('other workspaces and other keys are never sent', async () => {
    const taskmock = start();
    const mine = await subscribe(taskmock, 'api_key=k1');
    const otherWorkspace = await subscribe(taskmock, 'api_key=k1&workspace_id=other');
    const otherKey = await subscribe(taskmock, 'api_key=k2');

    await createTask(taskmock, 'api_key=k1', 'for k1 default');
    expect(names(await mine.client.next())).toEqual(['for k1 default']);
    // Each socket's next frame must be about its own workspace: a leaked frame would come first.
    await createTask(taskmock, 'api_key=k1&workspace_id=other', 'for k1 other');
    expect(names(await otherWorkspace.client.next())).toEqual(['for k1 other']);
    await createTask(taskmock, 'api_key=k2', 'for k2 default');
    expect(names(await otherKey.client.next())).toEqual(['for k2 default']);
  });

  test('messages from the client are ignored; the socket stays subscribed', async () => {
    const taskmock = start();
    const { client } = await subscribe(taskmock, 'api_key=k1');
    client.socket.send('hello');
    client.socket.send('{"name":"x","type":"gx.tiny"}');
    client.socket.send(new Uint8Array([1, 2, 3]));
    await createTask(taskmock, 'api_key=k1', 'still here');
    expect(names(await client.next())).toEqual(['still here']);
    expect(await listTasks(taskmock, 'api_key=k1')).toHaveLength(1);
  });

  test('an oversized client message closes the socket with 1009', async () => {
    const taskmock = start();
    const { client } = await subscribe(taskmock, 'api_key=k1');
    client.socket.send('x'.repeat(5 * 1024));
    expect((await client.closed).code).toBe(1009);
    await eventually(() => taskmock.workspaces.connectionCount(refOf(taskmock, 'k1')) === 0, 'the slot to be released');
  });
});

describe('refusals before the upgrade', () => {
  interface Row {
    name: string;
    query: string;
    flags?: string[];
    setup?: (taskmock: RunningTaskmock) => Promise<unknown>;
    status: number;
    message: string;
    code: string;
  }

  const fillWorkspace = async (taskmock: RunningTaskmock) => {
    for (let i = 0; i < 10; i++) await subscribe(taskmock, 'api_key=k1&workspace_id=full');
  };

  const rows: Row[] = [
    { name: 'no key', query: '', status: 403, message: 'Forbidden', code: 'forbidden' },
    { name: 'unknown key', query: 'api_key=nope', status: 403, message: 'Forbidden', code: 'forbidden' },
    { name: 'key checked before workspace', query: 'workspace_id=%5B', status: 403, message: 'Forbidden', code: 'forbidden' },
    {
      name: 'malformed workspace id',
      query: 'api_key=k1&workspace_id=a%5Bb',
      status: 400,
      message: 'invalid workspace id',
      code: 'invalid_workspace_id',
    },
    {
      name: 'workspace id of 65 chars',
      query: `api_key=k1&workspace_id=${'a'.repeat(65)}`,
      status: 400,
      message: 'invalid workspace id',
      code: 'invalid_workspace_id',
    },
    {
      name: 'a new workspace over the key limit',
      query: 'api_key=k1&workspace_id=second',
      flags: ['--max-workspaces', '1'],
      setup: (taskmock) => createTask(taskmock, 'api_key=k1&workspace_id=first', 'holds the only workspace'),
      status: 429,
      message: 'too many workspaces',
      code: 'too_many_workspaces',
    },
    {
      name: 'an 11th socket in one workspace',
      query: 'api_key=k1&workspace_id=full',
      setup: fillWorkspace,
      status: 429,
      message: 'too many connections in workspace',
      code: 'too_many_connections',
    },
  ];

  for (const row of rows) {
    test(`${row.name}: ${row.status} with its JSON body, and no socket`, async () => {
      const taskmock = start(row.flags);
      await row.setup?.(taskmock);
      const countBefore = taskmock.stream.openCount();

      expect(await handshake(taskmock, row.query)).toEqual({
        status: row.status,
        body: { message: row.message, code: row.code },
      });
      const refused = new Client(wsUrl(taskmock, row.query));
      const closed = await refused.closed;
      expect(closed.wasOpen).toBe(false);
      expect(taskmock.stream.openCount()).toBe(countBefore);
    });
  }

  test('a handshake Bun would reject is refused before taking a slot', async () => {
    const taskmock = start();
    const response = await fetch(`${taskmock.url}/ws/tasks?api_key=k1`, {
      headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'invalid websocket handshake', code: 'invalid_websocket_handshake' });
    expect(taskmock.workspaces.connectionCount(refOf(taskmock, 'k1'))).toBe(0);
  });

  test('a plain GET (no upgrade) is refused with JSON and takes no slot', async () => {
    const taskmock = start();
    const response = await fetch(`${taskmock.url}/ws/tasks?api_key=k1`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalid_websocket_handshake' });
    expect(taskmock.workspaces.connectionCount(refOf(taskmock, 'k1'))).toBe(0);
    expect((await fetch(`${taskmock.url}/ws/tasks`)).status).toBe(403);
  });
});

describe('connection and workspace limits', () => {
  test('the 11th socket is refused with 429, and a slot frees when one closes', async () => {
    const taskmock = start();
    const ten = await Promise.all(Array.from({ length: 10 }, () => subscribe(taskmock, 'api_key=k1')));
    expect(await handshake(taskmock, 'api_key=k1')).toMatchObject({ status: 429 });
    // Another workspace of the same key is not affected.
    await subscribe(taskmock, 'api_key=k1&workspace_id=other');

    ten[0]!.client.socket.close();
    await ten[0]!.client.closed;
    await eventually(() => taskmock.workspaces.connectionCount(refOf(taskmock, 'k1')) === 9, 'the server to see the close');
    const eleventh = await subscribe(taskmock, 'api_key=k1');
    expect(eleventh.snapshot).toEqual([]);
  });

  test('concurrent upgrades never exceed the limit', async () => {
    const taskmock = start(['--max-workspace-connections', '3']);
    const attempts = Array.from({ length: 12 }, () => new Client(wsUrl(taskmock, 'api_key=k1')));
    const outcomes = await Promise.all(
      attempts.map((client) =>
        client.opened.then(
          () => 'open',
          () => 'refused',
        ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 'open')).toHaveLength(3);
    expect(taskmock.workspaces.connectionCount(refOf(taskmock, 'k1'))).toBe(3);
  });

  test('a socket that dies without a close frame gives its slot back', async () => {
    const taskmock = start(['--max-workspace-connections', '1']);
    const raw = await rawUpgrade(taskmock, 'api_key=k1');
    expect(taskmock.workspaces.connectionCount(refOf(taskmock, 'k1'))).toBe(1);
    raw.destroy();
    await eventually(() => taskmock.workspaces.connectionCount(refOf(taskmock, 'k1')) === 0, 'the dead socket to be noticed');
    await subscribe(taskmock, 'api_key=k1');
  });

  test('an open socket keeps its empty workspace existing; closing the last one frees it', async () => {
    const taskmock = start(['--max-workspaces', '1']);
    const { client } = await subscribe(taskmock, 'api_key=k1&workspace_id=watched');
    expect((await createTask(taskmock, 'api_key=k1&workspace_id=another', 'x')).status).toBe(429);
    expect(await handshake(taskmock, 'api_key=k1&workspace_id=another')).toMatchObject({ status: 429 });
    // The other key has its own budget.
    expect((await createTask(taskmock, 'api_key=k2&workspace_id=another', 'x')).status).toBe(200);

    client.socket.close();
    await client.closed;
    await eventually(() => !taskmock.workspaces.exists(refOf(taskmock, 'k1', 'watched')), 'the workspace to be freed');
    expect((await createTask(taskmock, 'api_key=k1&workspace_id=another', 'x')).status).toBe(200);
  });
});

describe('shutdown', () => {
  test('every socket is closed with 1001, after the last change was sent', async () => {
    const taskmock = start();
    const a = await subscribe(taskmock, 'api_key=k1');
    const b = await subscribe(taskmock, 'api_key=k2&workspace_id=w');
    taskmock.service.create(refOf(taskmock, 'k1'), { name: 'last words', type: 'gx.heavy' });

    await taskmock.shutdown();
    running.splice(running.indexOf(taskmock), 1);
    expect(names(await a.client.next())).toEqual(['last words']);
    expect((await a.client.closed).code).toBe(1001);
    expect((await b.client.closed).code).toBe(1001);
  });
});

describe('slow consumers', () => {
  test('a client that stops reading is cut off instead of buffered without bound', async () => {
    const taskmock = start(['--max-workspace-tasks', '1000']);
    const ref = refOf(taskmock, 'k1');
    const raw = await rawUpgrade(taskmock, 'api_key=k1');
    raw.pause();
    const longName = 'n'.repeat(200);
    for (let i = 0; i < 300; i++) taskmock.service.create(ref, { name: longName, type: 'gx.heavy' });
    // Every turn publishes a fresh ~100 KB list; the paused client reads none of them.
    for (let round = 0; round < 400 && taskmock.stream.openCount() > 0; round++) {
      taskmock.service.create(ref, { name: longName, type: 'gx.heavy' });
      taskmock.service.delete(ref, taskmock.store.listTasks(ref)[0]!.id);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(() => taskmock.stream.openCount() === 0, 'the slow consumer to be closed');
    expect(taskmock.workspaces.connectionCount(ref)).toBe(0);
    raw.destroy();
  });
});

/** A WebSocket handshake over a bare TCP socket, so a test can stop reading or vanish abruptly. */
async function rawUpgrade(taskmock: RunningTaskmock, query: string): Promise<Socket> {
  const { port } = new URL(taskmock.url);
  const socket = connect(Number(port), '127.0.0.1');
  const upgraded = Promise.withResolvers<Socket>();
  let head = '';
  const onData = (chunk: Buffer) => {
    head += chunk.toString('latin1');
    if (!head.includes('\r\n\r\n')) return;
    socket.off('data', onData);
    if (head.startsWith('HTTP/1.1 101')) upgraded.resolve(socket);
    else upgraded.reject(new Error(head.split('\r\n')[0]));
  };
  socket.on('data', onData);
  socket.on('error', upgraded.reject);
  socket.write(
    `GET /ws/tasks?${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const ready = await upgraded.promise;
  // The 101 is written before Bun runs `open`: wait until the server counts the socket as open.
  await eventually(() => taskmock.stream.openCount() > 0, 'the raw socket to open');
  return ready;
}
