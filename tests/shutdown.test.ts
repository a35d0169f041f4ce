// Graceful shutdown on the real process (docs/reliability.md, "Shutdown"): SIGTERM under load used to reset
// requests in flight, some of them already committed, so a retrying client duplicated them. Now the
// listener closes first, requests in flight are answered, sockets get 1001, and the process exits 0.
import { afterAll, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { join } from 'node:path';
import { eventually, tempDir } from './helpers.ts';
import { spawnServer } from './process.ts';

const dir = tempDir();
afterAll(() => dir.cleanup());

const CLIENTS = 8;
const SOCKETS = 20;

interface Outcome {
  acknowledged: Set<string>;
  /** Errors before the signal: there must be none. */
  early: string[];
}

/** Creates tasks named `c{client}-{n}` one after another until the server goes away. */
async function busyClient(url: string, client: number, outcome: Outcome, stopped: () => boolean): Promise<void> {
  for (let n = 0; n < 2_000; n++) {
    const name = `c${client}-${n}`;
    try {
      const response = await fetch(`${url}/tasks?api_key=demo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, type: 'gx.heavy' }),
      });
      const body = (await response.json()) as { task?: { name: string } };
      if (response.status === 200 && body.task?.name === name) outcome.acknowledged.add(name);
      else if (response.status !== 503) throw new Error(`create answered ${response.status}`);
    } catch (error) {
      // A refused connection, or a reset on a kept-alive connection the server closed once its last
      // answer was out, looks the same to fetch as a reset mid-request: the database tells them apart.
      if (stopped()) return;
      outcome.early.push(`${name}: ${error}`);
    }
  }
}

/**
 * A client that sends a create's headers and half its body now, and the rest when told: a request
 * in flight for as long as the test wants. Resolves to the raw answer, or '' if the connection
 * was cut.
 */
function slowCreate(url: string, name: string) {
  const { port } = new URL(url);
  const body = JSON.stringify({ name, type: 'gx.heavy' });
  const socket = connect(Number(port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk));
  const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
  socket.on('error', () => undefined);
  socket.write(
    `POST /tasks?api_key=demo HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
      `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body.slice(0, 10)}`,
  );
  const connected = new Promise((resolve) => socket.on('connect', resolve));
  return { connected, finish: () => socket.write(body.slice(10)), answer: ended };
}

test('SIGTERM under load: a request in flight is answered, every create acknowledged or never stored, sockets get 1001, exit 0', async () => {
  const db = join(dir.path, 'shutdown.sqlite');
  const flags = ['--db', db, '--max-workspace-tasks', '100000', '--max-workspace-connections', '50', '--log-level', 'warn'];
  const server = await spawnServer(flags);
  const sockets = Array.from(
    { length: SOCKETS },
    () => new WebSocket(`${server.url.replace('http', 'ws')}/ws/tasks?api_key=demo`),
  );
  const closeCodes = sockets.map((socket) => new Promise<number>((resolve) => (socket.onclose = (event) => resolve(event.code))));
  await Promise.all(sockets.map((socket) => new Promise((resolve) => (socket.onopen = resolve))));

  const outcome: Outcome = { acknowledged: new Set(), early: [] };
  let signalled = false;
  const clients = Array.from({ length: CLIENTS }, (_, i) => busyClient(server.url, i, outcome, () => signalled));
  await eventually(() => outcome.acknowledged.size >= 200, 'the clients to be busy', 10_000);
  const slow = slowCreate(server.url, 'slow');
  // Connected and sent before the signal; a round trip on another connection lets the server read it.
  await slow.connected;
  await fetch(`${server.url}/health`);
  signalled = true;
  server.process.kill('SIGTERM');
  // The slow client takes longer than the old one-second grace, well within the new one.
  await Bun.sleep(1_200);
  slow.finish();
  const slowAnswer = await slow.answer;
  expect(slowAnswer).toStartWith('HTTP/1.1 200');
  outcome.acknowledged.add('slow');
  expect(await server.process.exited).toBe(0);
  await Promise.all(clients);
  expect(await Promise.all(closeCodes)).toEqual(Array(SOCKETS).fill(1001));

  const again = await spawnServer(flags);
  try {
    const { tasks } = (await (await fetch(`${again.url}/tasks?api_key=demo`)).json()) as { tasks: { name: string }[] };
    const stored = new Set(tasks.map((task) => task.name));
    // Every acknowledged create is stored, and every stored one was acknowledged: nothing was
    // committed behind a reset the client would retry.
    expect([...outcome.acknowledged].filter((name) => !stored.has(name))).toEqual([]);
    expect([...stored].filter((name) => !outcome.acknowledged.has(name))).toEqual([]);
    expect(outcome.early).toEqual([]);
  } finally {
    again.process.kill('SIGTERM');
    await again.process.exited;
  }
}, 30_000);
