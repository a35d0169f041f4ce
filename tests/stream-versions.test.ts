// The versioned stream formats of SPEC §12 over real sockets: `envelope`, `patch`, and resuming
// with `?since=`. Lifecycle steps use the manual clock; events are awaited, never slept for.
import { afterEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { WorkspaceRef } from '../src/domain/model.ts';
import { seededRandom } from '../src/domain/random.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { createChangeFeed } from '../src/domain/changes.ts';
import { createChangeHistory } from '../src/stream/history.ts';
import { silentLogger, tempDir, testConfig } from './helpers.ts';
import { VersionedClient } from './versioned-client.ts';

type Server = RunningTaskmock & { clock: ManualClock; ref: WorkspaceRef };
const servers: Server[] = [];
const clients: VersionedClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const server of servers.splice(0)) await server.shutdown();
});

function listeningServer(flags: string[] = [], clock = new ManualClock()): Server {
  const config = testConfig(['--port', '0', '--host', '127.0.0.1', ...flags]);
  const server = startTaskmock(config, { clock, random: seededRandom('stream-versions'), logger: silentLogger });
  const ref = { keyHash: server.keyRing.identify('demo')!, workspaceId: 'default' };
  const running = Object.assign(server, { clock, ref });
  servers.push(running);
  return running;
}

function connect(server: RunningTaskmock, query: string): VersionedClient {
  const client = new VersionedClient(`${server.url.replace(/^http/, 'ws')}/ws/tasks?api_key=demo&${query}`);
  clients.push(client);
  return client;
}

async function current(server: RunningTaskmock): Promise<{ tasks: unknown[]; version: number }> {
  return (await fetch(`${server.url}/tasks?api_key=demo`)).json() as Promise<{ tasks: unknown[]; version: number }>;
}

async function create(server: Server, name = 'job'): Promise<number> {
  const task = await server.service.create(server.ref, { name, type: 'gx.tiny' });
  return task.id;
}

async function handshake(server: RunningTaskmock, query: string) {
  const response = await fetch(`${server.url}/ws/tasks?${query}`, {
    headers: {
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
    },
  });
  return { status: response.status, body: response.status === 101 ? null : await response.json() };
}

describe('refusals before the upgrade', () => {
  test.each([
    ['format=xml', 'invalid format', 'invalid_format'],
    ['format=PATCH', 'invalid format', 'invalid_format'],
    ['format=patch&since=abc', 'invalid since', 'invalid_since'],
    ['format=patch&since=-1', 'invalid since', 'invalid_since'],
    ['since=3', 'since needs format=envelope or format=patch', 'invalid_since'],
  ])('%s answers 400 %s', async (query, message, code) => {
    const server = listeningServer();
    expect(await handshake(server, `api_key=demo&${query}`)).toEqual({ status: 400, body: { message, code } });
  });

  test('the key is still checked first', async () => {
    const server = listeningServer();
    expect((await handshake(server, 'format=xml')).status).toBe(403);
  });
});

describe('envelope', () => {
  test('the current envelope on open, then one after every change', async () => {
    const server = listeningServer();
    await create(server, 'first');
    const client = connect(server, 'format=envelope');
    await client.reach(1);
    expect(client.frames[0]).toEqual((await current(server)) as never);
    await create(server, 'second');
    await client.reach(2);
    expect(client.frames.map((frame) => frame.version)).toEqual([1, 2]);
    expect(client.frames[1]).toEqual((await current(server)) as never);
    expect(client.failure).toBeUndefined();
  });

  test('since=current sends nothing until the next change; an older since gets the envelope at once', async () => {
    const server = listeningServer();
    await create(server);
    await create(server);
    const upToDate = connect(server, 'format=envelope&since=2');
    const behind = connect(server, 'format=envelope&since=1');
    await behind.reach(2);
    await upToDate.opened;
    await create(server);
    await upToDate.reach(3);
    await behind.reach(3);
    expect(upToDate.frames.map((frame) => frame.version)).toEqual([3]);
    expect(behind.frames.map((frame) => frame.version)).toEqual([2, 3]);
  });
});

describe('patch', () => {
  test('a full list first, then only what changed: put on create and start, remove on delete', async () => {
    const server = listeningServer();
    await create(server, 'first');
    const client = connect(server, 'format=patch');
    await client.reach(1);
    expect(client.frames[0]).toEqual((await current(server)) as never);
    const id = await create(server, 'second');
    await client.reach(2);
    expect(client.frames[1]).toMatchObject({
      version: 2,
      from: 1,
      changes: [{ op: 'put', task: { id, name: 'second', status: 'queued' } }],
    });
    await server.service.delete(server.ref, id);
    await client.reach(3);
    expect(client.frames[2]).toEqual({ version: 3, from: 2, changes: [{ op: 'remove', id }] });
    server.clock.advance(1000);
    await client.reach(4);
    expect(client.frames[3]).toMatchObject({ version: 4, from: 3, changes: [{ op: 'put', task: { id: 1, status: 'running' } }] });
    expect(client.tasks).toEqual((await current(server)).tasks as never);
  });

  test('changes of one turn arrive as one patch, one entry per task', async () => {
    const server = listeningServer();
    const client = connect(server, 'format=patch');
    await client.reach(0);
    const ids = await Promise.all(['a', 'b', 'c'].map((name) => create(server, name)));
    await server.service.delete(server.ref, ids[1]!);
    await client.reach(4);
    expect(client.frames).toHaveLength(2);
    expect(client.frames[1]).toMatchObject({ version: 4, from: 0 });
    const changes = (client.frames[1] as { changes: { op: string }[] }).changes;
    expect(changes.map((change) => change.op).sort()).toEqual(['put', 'put', 'remove']);
    expect(client.tasks.map((task) => task.name)).toEqual(['a', 'c']);
  });

  test('resuming with since gets only the changes after it', async () => {
    const server = listeningServer();
    await create(server, 'first');
    const first = connect(server, 'format=patch');
    await first.reach(1);
    await first.close();
    await create(server, 'second');
    await create(server, 'third');
    const resumed = connect(server, 'format=patch&since=1');
    await resumed.reach(3);
    expect(resumed.frames).toHaveLength(1);
    expect(resumed.frames[0]).toMatchObject({ version: 3, from: 1 });
    expect((resumed.frames[0] as { changes: unknown[] }).changes).toHaveLength(2);
  });

  test('since=current: nothing until the next change, which comes as a patch from it', async () => {
    const server = listeningServer();
    await create(server);
    const client = connect(server, 'format=patch&since=1');
    await client.opened;
    client.version = 1;
    await create(server);
    await client.reach(2);
    expect(client.frames).toEqual([expect.objectContaining({ version: 2, from: 1 })]);
  });

  test('after a restart the history is gone: an older since gets a full snapshot, never a gap', async () => {
    const dir = tempDir();
    try {
      const db = ['--db', join(dir.path, 'p.sqlite')];
      const first = listeningServer(db);
      await create(first);
      await create(first);
      await first.shutdown();
      servers.splice(servers.indexOf(first), 1);
      const second = listeningServer(db);
      await create(second);
      const client = connect(second, 'format=patch&since=1');
      await client.reach(3);
      expect(client.frames).toEqual([await current(second)] as never);
    } finally {
      dir.cleanup();
    }
  });

  test('a since ahead of the server (another server, a wiped database) gets a full snapshot', async () => {
    const server = listeningServer();
    await create(server);
    const client = connect(server, 'format=patch&since=99');
    await client.reach(1);
    expect(client.frames).toEqual([await current(server)] as never);
  });
});

describe('the change history', () => {
  const ref: WorkspaceRef = { keyHash: 'k', workspaceId: 'w' };
  const put = (id: number) => ({ op: 'put' as const, task: { id } as never });

  test('holds the last changes per workspace; older resumes get nothing (a snapshot)', () => {
    const changes = createChangeFeed();
    const history = createChangeHistory({ changes }, { perWorkspace: 10, total: 1000 });
    for (let version = 1; version <= 100; version++) changes.announce({ ref, version, changes: [put(version)] });
    expect(history.changesSince(ref, 95, 100)).toHaveLength(5);
    expect(history.changesSince(ref, 10, 100)).toBeUndefined();
    expect(history.changesSince(ref, 100, 100)).toBeUndefined();
  });

  test('a total bound drops the least recently changed workspace first', () => {
    const changes = createChangeFeed();
    const history = createChangeHistory({ changes }, { perWorkspace: 10, total: 15 });
    const other: WorkspaceRef = { keyHash: 'k', workspaceId: 'other' };
    for (let version = 1; version <= 10; version++) changes.announce({ ref, version, changes: [put(version)] });
    for (let version = 1; version <= 10; version++) changes.announce({ ref: other, version, changes: [put(version)] });
    expect(history.changesSince(ref, 5, 10)).toBeUndefined();
    expect(history.changesSince(other, 0, 10)).toHaveLength(10);
    expect(history.heldCount()).toBeLessThanOrEqual(15);
  });

  test('a workspace changed again becomes the most recent one, and another loses its changes first', () => {
    const changes = createChangeFeed();
    const history = createChangeHistory({ changes }, { perWorkspace: 10, total: 12 });
    const b: WorkspaceRef = { keyHash: 'k', workspaceId: 'b' };
    const c: WorkspaceRef = { keyHash: 'k', workspaceId: 'c' };
    for (let version = 1; version <= 4; version++) changes.announce({ ref, version, changes: [put(version)] });
    for (let version = 1; version <= 4; version++) changes.announce({ ref: b, version, changes: [put(version)] });
    for (let version = 5; version <= 6; version++) changes.announce({ ref, version, changes: [put(version)] });
    for (let version = 1; version <= 4; version++) changes.announce({ ref: c, version, changes: [put(version)] });
    expect(history.changesSince(b, 0, 4)).toBeUndefined();
    expect(history.changesSince(ref, 0, 6)).toHaveLength(6);
    expect(history.changesSince(c, 0, 4)).toHaveLength(4);
  });

  test('every resume is exact, from each version of a workspace of 1 to 20 changes', () => {
    for (let count = 1; count <= 20; count++) {
      const changes = createChangeFeed();
      const history = createChangeHistory({ changes }, { perWorkspace: 1000, total: 100_000 });
      // Names with tabs and newlines: they must come back unchanged.
      for (let version = 1; version <= count; version++) {
        changes.announce({ ref, version, changes: [{ op: 'put', task: { id: version, name: `a\tb\nc ${version}` } as never }] });
      }
      for (let since = 0; since < count; since++) {
        const got = history
          .changesSince(ref, since, count)!
          .map((change) => (change as { task: { id: number; name: string } }).task);
        const ids = Array.from({ length: count - since }, (_, i) => since + 1 + i);
        expect(got).toEqual(ids.map((id) => ({ id, name: `a\tb\nc ${id}` })));
      }
      expect(history.changesSince(ref, 0, count + 1)).toBeUndefined();
      expect(history.heldCount()).toBe(count);
    }
  });

  test('the total bound counts the changes of every workspace: the least recently changed go first', () => {
    const changes = createChangeFeed();
    const history = createChangeHistory({ changes }, { perWorkspace: 1000, total: 10 });
    const refs = Array.from({ length: 5 }, (_, i): WorkspaceRef => ({ keyHash: 'k', workspaceId: `few-${i}` }));
    // Three changes each: the fourth workspace's pushes the total past 10, so the first one goes.
    for (const each of refs.slice(0, 4))
      for (let v = 1; v <= 3; v++) changes.announce({ ref: each, version: v, changes: [put(v)] });
    expect(history.heldCount()).toBe(9);
    expect(history.changesSince(refs[0]!, 0, 3)).toBeUndefined();
    expect(history.changesSince(refs[3]!, 0, 3)).toHaveLength(3);
    for (let v = 1; v <= 3; v++) changes.announce({ ref: refs[4]!, version: v, changes: [put(v)] });
    expect(history.heldCount()).toBe(9);
    expect(history.changesSince(refs[1]!, 0, 3)).toBeUndefined();
    expect(history.changesSince(refs[2]!, 0, 3)).toHaveLength(3);
  });
});
