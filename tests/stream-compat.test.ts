// The stream as clients of the original use it (SPEC §1, §3), over real sockets against a real
// listening server: trimmed keys and workspace ids, the first of repeated parameters.
import { afterEach, describe, expect, test } from 'bun:test';
import { parseCommandLine } from '../src/config/config.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { eventually } from './helpers.ts';
import { FrameQueue } from './ws-client.ts';

const running: RunningTaskmock[] = [];
afterEach(async () => {
  for (const taskmock of running.splice(0)) await taskmock.shutdown();
});

function start(flags: string[] = []): RunningTaskmock {
  const { config } = parseCommandLine(
    ['--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--log-level', 'silent', '--stream-resend-ms', '0', ...flags],
    {},
  );
  const taskmock = startTaskmock(config);
  running.push(taskmock);
  return taskmock;
}

const wsUrl = (taskmock: RunningTaskmock, query: string) => `${taskmock.url.replace(/^http/, 'ws')}/ws/tasks?${query}`;

async function create(taskmock: RunningTaskmock, query: string, name: string): Promise<void> {
  const response = await fetch(`${taskmock.url}/tasks?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type: 'gx.heavy' }),
  });
  expect(response.status).toBe(200);
}

describe('the stream trims and takes the first value, as REST does', () => {
  test.each([
    ['padded key, empty workspace id → default', 'api_key=%20demo%20&workspace_id=', 'api_key=demo'],
    ['padded workspace id', 'api_key=demo&workspace_id=%20w1%20', 'api_key=demo&workspace_id=w1'],
    ['first of repeated workspace ids', 'api_key=demo&workspace_id=w2&workspace_id=other', 'api_key=demo&workspace_id=w2'],
  ])('%s', async (_, streamQuery, restQuery) => {
    const taskmock = start();
    const client = new FrameQueue(wsUrl(taskmock, streamQuery));
    await client.opened;
    expect(await client.next()).toEqual([]);
    await create(taskmock, restQuery, 'seen');
    expect((await client.next<{ name: string }[]>()).map((task) => task.name)).toEqual(['seen']);
  });
});

describe('the one-second tick (STREAM_RESEND_MS)', () => {
  test('a subscriber with nothing changing receives the same list again and again', async () => {
    const taskmock = start(['--stream-resend-ms', '20']);
    await create(taskmock, 'api_key=demo', 'steady');
    const client = new FrameQueue(wsUrl(taskmock, 'api_key=demo'));
    await client.opened;
    const first = await client.next();
    for (let i = 0; i < 3; i++) expect(await client.next()).toEqual(first);
    const listed = await (await fetch(`${taskmock.url}/tasks?api_key=demo`)).json();
    expect(first).toEqual(listed.tasks);
  });

  test('each workspace gets its own list, never another one', async () => {
    const taskmock = start(['--stream-resend-ms', '20']);
    await create(taskmock, 'api_key=demo&workspace_id=a', 'in a');
    await create(taskmock, 'api_key=demo&workspace_id=b', 'in b');
    const a = new FrameQueue(wsUrl(taskmock, 'api_key=demo&workspace_id=a'));
    const b = new FrameQueue(wsUrl(taskmock, 'api_key=demo&workspace_id=b'));
    for (let i = 0; i < 3; i++) {
      expect((await a.next<{ name: string }[]>()).map((task) => task.name)).toEqual(['in a']);
      expect((await b.next<{ name: string }[]>()).map((task) => task.name)).toEqual(['in b']);
    }
  });

  // Fan-out must stay Bun's: a tick that sent to each socket by itself would cost O(sockets).
  test('one publish per watched workspace per tick, whatever its number of subscribers', async () => {
    const taskmock = start(['--stream-resend-ms', '20']);
    const crowd = [1, 2, 3].map(() => new FrameQueue(wsUrl(taskmock, 'api_key=demo&workspace_id=crowd')));
    const alone = new FrameQueue(wsUrl(taskmock, 'api_key=demo&workspace_id=alone'));
    await Promise.all([...crowd, alone].map((client) => client.opened));
    await eventually(() => taskmock.stream.openCount() === 4, 'four sockets open on the server');
    const publishes: string[] = [];
    const publish = taskmock.server.publish.bind(taskmock.server);
    taskmock.server.publish = (topic, ...rest) => {
      publishes.push(topic);
      return publish(topic, ...rest);
    };
    await eventually(() => publishes.length >= 6, 'three ticks');
    // A tick publishes every topic in one synchronous loop: the counts can never differ.
    const count = (part: string) => publishes.filter((topic) => topic.includes(part)).length;
    expect(count('crowd')).toBe(count('alone'));
    expect(count('crowd') + count('alone')).toBe(publishes.length);
    const ticks = count('alone');
    // Each of the three subscribers got every one of those publishes: one frame per tick each.
    for (const client of [...crowd, alone]) {
      await eventually(() => client.received.length >= 1 + ticks, 'the frames of those ticks');
    }
  });

  test('the timer exists only while a socket is open', async () => {
    const taskmock = start(['--stream-resend-ms', '20']);
    expect(taskmock.stream.resendActive()).toBe(false);
    const one = new FrameQueue(wsUrl(taskmock, 'api_key=demo'));
    const two = new FrameQueue(wsUrl(taskmock, 'api_key=demo&workspace_id=other'));
    await Promise.all([one.opened, two.opened]);
    await eventually(() => taskmock.stream.openCount() === 2, 'both sockets open on the server');
    expect(taskmock.stream.resendActive()).toBe(true);
    one.socket.close();
    await eventually(() => taskmock.stream.openCount() === 1, 'the first close');
    expect(taskmock.stream.resendActive()).toBe(true);
    two.socket.close();
    await eventually(() => taskmock.stream.openCount() === 0, 'the last close');
    expect(taskmock.stream.resendActive()).toBe(false);
  });

  test('0 turns it off: no timer, and only changes are sent', async () => {
    const taskmock = start(['--stream-resend-ms', '0']);
    const client = new FrameQueue(wsUrl(taskmock, 'api_key=demo'));
    await client.opened;
    expect(await client.next()).toEqual([]);
    await eventually(() => taskmock.stream.openCount() === 1, 'the socket open on the server');
    expect(taskmock.stream.resendActive()).toBe(false);
    // A reference server ticking every 20 ms sends several frames in the time this one sends none.
    const ticking = start(['--stream-resend-ms', '20']);
    const reference = new FrameQueue(wsUrl(ticking, 'api_key=demo'));
    await eventually(() => reference.received.length >= 4, 'the reference to tick three times');
    expect(client.received).toHaveLength(1);
    await create(taskmock, 'api_key=demo', 'change');
    expect((await client.next<{ name: string }[]>()).map((task) => task.name)).toEqual(['change']);
  });

  test('the default is one second of real time: TIME_SCALE does not divide it', async () => {
    expect(parseCommandLine([], {}).config.streamResendMs).toBe(1000);
    // At x1000 a divided tick would come every millisecond; a real one not before a second.
    const fast = start(['--time-scale', '1000', '--stream-resend-ms', '1000']);
    const client = new FrameQueue(wsUrl(fast, 'api_key=demo'));
    await client.opened;
    expect(await client.next()).toEqual([]);
    const ticking = start(['--stream-resend-ms', '20']);
    const reference = new FrameQueue(wsUrl(ticking, 'api_key=demo'));
    await eventually(() => reference.received.length >= 4, 'the reference to tick three times');
    expect(client.received).toHaveLength(1);
  });
});
