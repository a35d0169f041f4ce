// Quick fan-out check: how long one change takes to reach every one of N subscribers of a workspace.
// The server runs in its own process (as users run it); the subscribers and the clock live here.
//
//   node_modules/.bin/bun bench/fanout-quick.ts [--subscribers 100] [--rounds 30]
//
// A round is timed from just before `POST /tasks` is sent until the last subscriber has received the
// list holding the new task, so it includes the HTTP request, the SQLite commit, the coalescing turn
// and the client side of 100 sockets in one process. Time scale is tiny so no task ever starts and
// no other publish happens during the run.
import { parseArgs } from 'node:util';
import { join } from 'node:path';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '30' },
  },
});
const SUBSCRIBERS = Number(values.subscribers);
const ROUNDS = Number(values.rounds);
const KEY = 'fanout-bench';
const WORKSPACE = 'fanout';

async function startServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const root = join(import.meta.dir, '..');
  const child = Bun.spawn({
    cmd: [
      process.execPath,
      join(root, 'src/main.ts'),
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      ':memory:',
      '--api-keys',
      KEY,
      '--log-level',
      'warn',
      '--max-workspace-connections',
      String(SUBSCRIBERS),
      '--max-workspace-tasks',
      String(ROUNDS + 10),
      '--time-scale',
      '0.0001',
    ],
    cwd: root,
    stdout: 'pipe',
    stderr: 'inherit',
  });
  // The banner's first line names the URL, the real port included.
  const reader = child.stdout.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited before printing its URL:\n${text}`);
    text += new TextDecoder().decode(value);
    const match = /listening on (http:\/\/\S+)/.exec(text);
    if (match) {
      reader.releaseLock();
      return {
        url: match[1]!,
        async stop() {
          child.kill('SIGTERM');
          await child.exited;
        },
      };
    }
  }
}

/** One subscriber: resolves `waitFor(name)` when a frame's last task has that name. */
function subscriber(url: string): Promise<{ waitFor(name: string): Promise<number>; close(): void }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/tasks?api_key=${KEY}&workspace_id=${WORKSPACE}`);
  let expected: { name: string; resolve: (at: number) => void } | undefined;
  const ready = Promise.withResolvers<void>();
  socket.onmessage = (event) => {
    const at = performance.now();
    ready.resolve(); // the first frame is the snapshot: the socket is subscribed from then on
    if (!expected) return;
    const text = String(event.data);
    // Cheaper than parsing the whole list: the new task is always the last one.
    if (text.includes(`"name":"${expected.name}"`)) {
      expected.resolve(at);
      expected = undefined;
    }
  };
  socket.onclose = (event) => ready.reject(new Error(`socket closed (${event.code})`));
  return ready.promise.then(() => ({
    waitFor(name: string) {
      const { promise, resolve } = Promise.withResolvers<number>();
      expected = { name, resolve };
      return promise;
    },
    close: () => socket.close(),
  }));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const server = await startServer();
try {
  const clients = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => subscriber(server.url)));
  const createUrl = `${server.url}/tasks?api_key=${KEY}&workspace_id=${WORKSPACE}`;
  const lastArrival: number[] = [];
  const spread: number[] = [];
  for (let round = 0; round < ROUNDS + 3; round++) {
    const name = `round-${round}`;
    const arrivals = clients.map((client) => client.waitFor(name));
    const sentAt = performance.now();
    const response = await fetch(createUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, type: 'gx.tiny' }),
    });
    if (response.status !== 200) throw new Error(`POST /tasks answered ${response.status}`);
    const times = await Promise.all(arrivals);
    if (round < 3) continue; // warm-up: JIT, SQLite statement cache
    lastArrival.push(Math.max(...times) - sentAt);
    spread.push(Math.max(...times) - Math.min(...times));
  }
  for (const client of clients) client.close();

  const sorted = [...lastArrival].sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log(`fan-out to ${SUBSCRIBERS} subscribers, ${ROUNDS} rounds (POST sent -> last subscriber has the list)`);
  console.log(
    `  median ${fmt(percentile(sorted, 50))}  p90 ${fmt(percentile(sorted, 90))}  worst ${fmt(sorted.at(-1)!)}  best ${fmt(sorted[0]!)}`,
  );
  console.log(
    `  first-to-last subscriber spread: median ${fmt(
      percentile(
        [...spread].sort((a, b) => a - b),
        50,
      ),
    )}`,
  );
} finally {
  await server.stop();
}
