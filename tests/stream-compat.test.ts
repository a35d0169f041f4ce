// The stream as clients of the original use it (SPEC §1, §3), over real sockets against a real
// listening server: trimmed keys and workspace ids, the first of repeated parameters.
import { afterEach, describe, expect, test } from 'bun:test';
import { parseCommandLine } from '../src/config/config.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { FrameQueue } from './ws-client.ts';

const running: RunningTaskmock[] = [];
afterEach(async () => {
  for (const taskmock of running.splice(0)) await taskmock.shutdown();
});

function start(flags: string[] = []): RunningTaskmock {
  const { config } = parseCommandLine(
    ['--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--log-level', 'silent', ...flags],
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
