// Stream and task faults (§11) seen by real sockets on a real listening server: drops with no
// close frame (1006), refused upgrades (503), delayed messages in order, and tasks that end
// `failed`, driven by a ManualClock (no sleeping for task durations).
import { afterEach, describe, expect, test } from 'bun:test';
import type { Task } from '../src/domain/model.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { seededRandom } from '../src/domain/random.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { eventually, silentLogger, testConfig } from './helpers.ts';
import { VersionedClient } from './versioned-client.ts';

let running: RunningTaskmock[] = [];
let sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets) socket.close();
  sockets = [];
  await Promise.all(running.map((taskmock) => taskmock.shutdown()));
  running = [];
});

function serve(profile: object, clock?: ManualClock): RunningTaskmock {
  const config = testConfig(['--port', '0', '--host', '127.0.0.1', '--faults', JSON.stringify(profile)]);
  const taskmock = startTaskmock(config, { clock, random: seededRandom('stream-faults'), logger: silentLogger });
  running.push(taskmock);
  return taskmock;
}

const base = (taskmock: RunningTaskmock) => taskmock.url.replace('localhost', '127.0.0.1');

/** A socket recording each frame (parsed) with when it arrived, and how it closed. */
function connect(taskmock: RunningTaskmock) {
  const socket = new WebSocket(`${base(taskmock).replace('http', 'ws')}/ws/tasks?api_key=demo`);
  sockets.push(socket);
  const frames: { at: number; tasks: Task[] }[] = [];
  const opened = Promise.withResolvers<number>();
  const closed = Promise.withResolvers<{ code: number; at: number }>();
  socket.onopen = () => opened.resolve(performance.now());
  socket.onmessage = (event) => frames.push({ at: performance.now(), tasks: JSON.parse(String(event.data)) });
  socket.onclose = (event) => closed.resolve({ code: event.code, at: performance.now() });
  return { socket, frames, opened: opened.promise, closed: closed.promise };
}

const create = (taskmock: RunningTaskmock, name: string) =>
  fetch(`${base(taskmock)}/tasks?api_key=demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type: 'gx.tiny' }),
  });

describe('stream faults', () => {
  test('dropAfterMs: the socket ends abnormally (1006, no close frame) after a time in the range', async () => {
    const taskmock = serve({ stream: { dropAfterMs: [40, 60] } });
    const connectedAt = performance.now();
    const client = connect(taskmock);
    await client.opened;
    const { code, at } = await client.closed;
    expect(code).toBe(1006);
    // The drop timer starts when the server opens the socket, after the client asked for it.
    expect(at - connectedAt).toBeGreaterThanOrEqual(39);
    await eventually(() => taskmock.stream.openCount() === 0, 'the server to let the dropped socket go');
  });

  test('refuseRate: the upgrade is refused with 503, a JSON body, the fault header and Retry-After', async () => {
    const taskmock = serve({ stream: { refuseRate: 1 } });
    const response = await fetch(`${base(taskmock)}/ws/tasks?api_key=demo`, {
      headers: {
        upgrade: 'websocket',
        connection: 'Upgrade',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
      },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('x-taskmock-fault')).toBe('refuse');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await response.json()).toEqual({ message: 'injected fault', code: 'injected_fault' });
    // The refused upgrade held no slot: the workspace has no socket and no existence.
    expect(taskmock.stream.openCount()).toBe(0);
    const browserLike = connect(taskmock);
    expect((await browserLike.closed).code).toBe(1006);
  });

  test('delayMs: every message waits, and they arrive in order, the last equal to GET /tasks', async () => {
    const taskmock = serve({ stream: { delayMs: [30, 50] } });
    const connectedAt = performance.now();
    const client = connect(taskmock);
    await client.opened;
    await eventually(() => client.frames.length === 1, 'the first list');
    expect(client.frames[0]!.at - connectedAt).toBeGreaterThanOrEqual(29);
    for (const name of ['a', 'b', 'c']) expect((await create(taskmock, name)).status).toBe(200);
    await eventually(() => client.frames.at(-1)?.tasks.length === 3, 'the list of three');
    const lengths = client.frames.map((frame) => frame.tasks.length);
    expect(lengths).toEqual([...lengths].sort());
    const listed = (await (await fetch(`${base(taskmock)}/tasks?api_key=demo`)).json()) as { tasks: Task[] };
    expect(client.frames.at(-1)!.tasks).toEqual(listed.tasks);
  });
});

describe('the journal names stream faults', () => {
  const admin = { 'x-admin-key': 'admin-secret-for-tests' };
  async function journalOf(taskmock: RunningTaskmock): Promise<{ kind: string; [field: string]: unknown }[]> {
    const keys = (await (await fetch(`${base(taskmock)}/admin/keys`, { headers: admin })).json()) as { keys: { name: string }[] };
    const text = await (await fetch(`${base(taskmock)}/admin/keys/${keys.keys[0]!.name}/journal`, { headers: admin })).text();
    return text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  }
  const hosted = (profile: object) => {
    const config = testConfig([
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--faults',
      JSON.stringify(profile),
      '--admin-key',
      admin['x-admin-key'],
    ]);
    const taskmock = startTaskmock(config, { random: seededRandom('stream-faults'), logger: silentLogger });
    running.push(taskmock);
    return taskmock;
  };

  test('a dropped socket is journaled as closed 1006 with fault "drop"; a refused upgrade with fault "refuse"', async () => {
    const dropping = hosted({ stream: { dropAfterMs: [30, 50] } });
    const client = connect(dropping);
    expect((await client.closed).code).toBe(1006);
    let closes: { kind: string; [field: string]: unknown }[] = [];
    const closesSeen = async () =>
      (closes = (await journalOf(dropping)).filter((event) => event.kind === 'socket.close')).length > 0;
    await eventually(closesSeen, 'the socket.close event journaled');
    expect(closes).toEqual([expect.objectContaining({ code: 1006, fault: 'drop' })]);

    const refusing = hosted({ stream: { refuseRate: 1 } });
    expect((await connect(refusing).closed).code).toBe(1006);
    let refusals: { kind: string; [field: string]: unknown }[] = [];
    const refusalsSeen = async () =>
      (refusals = (await journalOf(refusing)).filter((event) => event.kind === 'socket.refused')).length > 0;
    await eventually(refusalsSeen, 'the socket.refused event journaled');
    expect(refusals).toEqual([expect.objectContaining({ status: 503, fault: 'refuse' })]);
  });

  test('a socket whose messages are delayed is journaled as opened with fault "delay"; one without, with none', async () => {
    const delaying = hosted({ stream: { delayMs: [20, 40] } });
    const plain = hosted({});
    for (const taskmock of [delaying, plain]) await connect(taskmock).opened;
    const opensOf = async (taskmock: RunningTaskmock) => {
      let opens: { kind: string; [field: string]: unknown }[] = [];
      const opensSeen = async () =>
        (opens = (await journalOf(taskmock)).filter((event) => event.kind === 'socket.open')).length > 0;
      await eventually(opensSeen, 'the socket.open event journaled');
      return opens;
    };
    expect(await opensOf(delaying)).toEqual([expect.objectContaining({ fault: 'delay' })]);
    const [open] = await opensOf(plain);
    expect(open?.fault).toBeUndefined();
  });

  test('a socket the client closes carries no fault', async () => {
    const taskmock = hosted({ stream: { dropAfterMs: [60_000, 60_000] } });
    const client = connect(taskmock);
    await client.opened;
    client.socket.close(1000);
    await client.closed;
    let closes: { kind: string; [field: string]: unknown }[] = [];
    const closesSeen = async () =>
      (closes = (await journalOf(taskmock)).filter((event) => event.kind === 'socket.close')).length > 0;
    await eventually(closesSeen, 'the socket.close event journaled');
    expect(closes).toHaveLength(1);
    expect(closes[0]!.code).toBe(1000);
    expect(closes[0]!.fault).toBeUndefined();
  });
});

describe('stream.delayMs on versioned sockets (envelope, patch)', () => {
  /** A versioned client that also notes when each message arrived. */
  function versioned(taskmock: RunningTaskmock, format: 'envelope' | 'patch') {
    const client = new VersionedClient(`${base(taskmock).replace('http', 'ws')}/ws/tasks?api_key=demo&format=${format}`);
    const arrivals: number[] = [];
    client.socket.addEventListener('message', () => arrivals.push(performance.now()));
    return { client, arrivals };
  }

  test.each(['envelope', 'patch'] as const)('%s: the first message and every change wait the drawn delay', async (format) => {
    const taskmock = serve({ stream: { delayMs: [150, 200] } });
    const connectedAt = performance.now();
    const { client, arrivals } = versioned(taskmock, format);
    await client.reach(0);
    expect(arrivals[0]! - connectedAt).toBeGreaterThanOrEqual(149);
    const createdAt = performance.now();
    expect((await create(taskmock, 'late')).status).toBe(200);
    await client.reach(1);
    // The change was published after the create began; its message waited at least the minimum.
    expect(arrivals[1]! - createdAt).toBeGreaterThanOrEqual(149);
    expect(client.tasks.map((task) => task.name)).toEqual(['late']);
    expect(client.failure).toBeUndefined();
    await client.close();
  });

  test.each(['envelope', 'patch'] as const)(
    '%s: delayed messages keep their order; the last equals GET /tasks',
    async (format) => {
      const taskmock = serve({ stream: { delayMs: [0, 120] } });
      const { client } = versioned(taskmock, format);
      await client.reach(0);
      const plain = new VersionedClient(`${base(taskmock).replace('http', 'ws')}/ws/tasks?api_key=demo&format=${format}`);
      await plain.reach(0);
      for (let i = 0; i < 8; i++) {
        expect((await create(taskmock, `t${i}`)).status).toBe(200);
        await Bun.sleep(15);
      }
      const listed = (await (await fetch(`${base(taskmock)}/tasks?api_key=demo`)).json()) as { tasks: Task[]; version: number };
      await client.reach(listed.version);
      // Never a gap nor a repeated version (VersionedClient checks each message), whatever the delays.
      expect(client.failure).toBeUndefined();
      expect(client.tasks).toEqual(listed.tasks);
      await Promise.all([client.close(), plain.close()]);
    },
  );
});

describe('tasks.failRate', () => {
  test('a failed task carries completedAt and its failure, in the stream and GET /tasks; flush removes it', async () => {
    const clock = new ManualClock();
    const taskmock = serve({ tasks: { failRate: 1 } }, clock);
    const client = connect(taskmock);
    await client.opened;
    expect((await create(taskmock, 'doomed')).status).toBe(200);
    // Queued for 1 s, then a gx.tiny runs under 3 s.
    clock.advance(1_000);
    clock.advance(3_000);
    await eventually(() => client.frames.at(-1)?.tasks[0]?.status === 'failed', 'the failed task in the stream');
    const listed = (await (await fetch(`${base(taskmock)}/tasks?api_key=demo`)).json()) as { tasks: Task[] };
    expect(listed.tasks).toEqual([
      expect.objectContaining({
        id: 1,
        status: 'failed',
        failure: expect.stringMatching(/^injected failure: /),
        completedAt: expect.any(String),
      }),
    ]);
    expect(client.frames.at(-1)!.tasks).toEqual(listed.tasks);
    expect((await fetch(`${base(taskmock)}/tasks/flush?api_key=demo`, { method: 'POST' })).status).toBe(204);
    expect((await (await fetch(`${base(taskmock)}/tasks?api_key=demo`)).json()).tasks).toEqual([]);
  });

  test('with a seed, the same tasks fail run after run; the others complete with no failure field', async () => {
    const outcome = async () => {
      const clock = new ManualClock();
      const taskmock = serve({ tasks: { failRate: 0.5 } }, clock);
      for (let i = 0; i < 12; i++) await create(taskmock, `t${i}`);
      for (let step = 0; step < 40; step++) clock.advance(500);
      const { tasks } = (await (await fetch(`${base(taskmock)}/tasks?api_key=demo`)).json()) as { tasks: Task[] };
      await taskmock.shutdown();
      running = running.filter((each) => each !== taskmock);
      return tasks;
    };
    const first = await outcome();
    expect(first.map((task) => task.status).sort()).toContain('failed');
    expect(first.map((task) => task.status)).toContain('completed');
    for (const task of first) expect('failure' in task).toBe(task.status === 'failed');
    expect((await outcome()).map((task) => task.status)).toEqual(first.map((task) => task.status));
  });
});
