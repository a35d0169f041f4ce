// A key that stops working takes its sockets with it: revoked, re-issued or expired, every open
// socket of the key is closed with 1008 at once; other keys' sockets stay. Real sockets.
import { afterEach, expect, test } from 'bun:test';
import { parseCommandLine } from '../src/config/config.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';

const ADMIN = { 'x-admin-key': 'admin-secret-for-tests', 'content-type': 'application/json' };
let taskmock: RunningTaskmock | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await taskmock?.shutdown();
  taskmock = undefined;
});

function start(clock?: ManualClock): RunningTaskmock {
  const flags = ['--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--log-level', 'silent'];
  const { config } = parseCommandLine([...flags, '--api-keys', 'configured-key-0001', '--admin-key', ADMIN['x-admin-key']], {});
  taskmock = startTaskmock(config, { clock });
  return taskmock;
}

async function issue(name: string, body: unknown = {}): Promise<string> {
  const response = await fetch(`${taskmock!.url}/admin/keys/${name}`, {
    method: 'PUT',
    headers: ADMIN,
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { key: string }).key;
}

/** Opens a socket and resolves once its first frame arrived; `closed` resolves with the close code. */
async function watch(key: string, workspace = 'default') {
  const socket = new WebSocket(`${taskmock!.url.replace('http', 'ws')}/ws/tasks?api_key=${key}&workspace_id=${workspace}`);
  sockets.push(socket);
  const closed = new Promise<number>((resolve) => (socket.onclose = (event) => resolve(event.code)));
  await new Promise((resolve, reject) => {
    socket.onmessage = resolve;
    socket.onerror = reject;
  });
  return { socket, closed };
}

test('revoking a key closes its open sockets with 1008 and refuses new ones; others stay open', async () => {
  start();
  const key = await issue('ada');
  const [first, second] = [await watch(key, 'a'), await watch(key, 'b')];
  const bystander = await watch('configured-key-0001');
  expect((await fetch(`${taskmock!.url}/admin/keys/ada`, { method: 'DELETE', headers: ADMIN })).status).toBe(204);
  expect(await first.closed).toBe(1008);
  expect(await second.closed).toBe(1008);
  const refused = await fetch(`${taskmock!.url}/ws/tasks?api_key=${key}`, { headers: { upgrade: 'websocket' } });
  expect(refused.status).toBe(403);
  expect(bystander.socket.readyState).toBe(WebSocket.OPEN);
});

test("a re-issue closes the old key's sockets with 1008; the new key can connect", async () => {
  start();
  const old = await issue('ada');
  const watching = await watch(old);
  const fresh = await issue('ada');
  expect(await watching.closed).toBe(1008);
  const again = await watch(fresh);
  expect(again.socket.readyState).toBe(WebSocket.OPEN);
});

test('an expiring key has its sockets closed with 1008 at its time, by the one expiry timer', async () => {
  const clock = new ManualClock(Date.now());
  start(clock);
  const key = await issue('ada', { expiresAt: new Date(clock.now() + 10_000).toISOString() });
  await issue('bob', { expiresAt: new Date(clock.now() + 20_000).toISOString() });
  const ada = await watch(key);
  clock.advance(9_999);
  expect(ada.socket.readyState).toBe(WebSocket.OPEN);
  clock.advance(1);
  expect(await ada.closed).toBe(1008);
  expect((await fetch(`${taskmock!.url}/tasks?api_key=${key}`)).status).toBe(403);
});
