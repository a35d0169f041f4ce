// `bun run soak [--minutes N] [--crash-cycles N]`: a bounded churn of tasks and sockets over 1,000
// workspaces against a real taskmock process (loopback only), sampling its RSS, open fds and CPU
// from /proc every few seconds, then printing the curve's start, peak and end. Default 10 minutes.
// With --crash-cycles, the crash loop (tests/crash-loop.test.ts) then runs that many kill -9
// cycles instead of the 3 of `npm test`. Linux only (/proc).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    workers: { type: 'string', default: '8' },
    'crash-cycles': { type: 'string', default: '0' },
  },
});
const MINUTES = Number(values.minutes);
const WORKERS = Number(values.workers);
const CRASH_CYCLES = Number(values['crash-cycles']);
if (!(MINUTES > 0 && MINUTES <= 120) || !(WORKERS >= 1 && WORKERS <= 64) || !(CRASH_CYCLES >= 0 && CRASH_CYCLES <= 1_000)) {
  console.error('usage: bun run soak [--minutes 0.5..120] [--workers 1..64] [--crash-cycles 0..1000]');
  process.exit(2);
}
const WORKSPACES = 1_000;
const SAMPLE_MS = 5_000;
const MAX_OPEN_SOCKETS = 200;
const CLOCK_TICKS = 100; // USER_HZ on Linux

const dir = mkdtempSync(join(tmpdir(), 'taskmock-soak-'));
const main = new URL('../src/main.ts', import.meta.url).pathname;
const server = Bun.spawn(
  [
    process.execPath,
    main,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--db',
    join(dir, 'soak.sqlite'),
    '--max-workspaces',
    String(WORKSPACES * 2),
    '--time-scale',
    '20',
    '--log-level',
    'warn',
  ],
  { stdout: 'pipe', stderr: 'inherit' },
);

async function listeningUrl(): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  const reader = server.stdout.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`taskmock did not start: ${text}`);
    text += decoder.decode(value, { stream: true });
    const found = /listening on (http:\/\/\S+)/.exec(text);
    if (found) return found[1]!;
  }
}

interface Sample {
  atS: number;
  rssMiB: number;
  fds: number;
  cpuPercent: number;
  sockets: number;
  ops: number;
}

function cpuTicks(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(line?.[1] ?? 0) / 1024;
}

const url = await listeningUrl();
const wsUrl = url.replace(/^http/, 'ws');
const deadline = performance.now() + MINUTES * 60_000;
const counts = { creates: 0, deletes: 0, flushes: 0, socketsOpened: 0, unexpected: 0 };
const open = new Set<WebSocket>();
const pick = () => `w${Math.floor(Math.random() * WORKSPACES)}`;
/** The last task created in each workspace: what a delete goes for (404 once it was dispatched). */
const lastCreated = new Map<string, number>();

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
}

/** One socket to a random workspace, kept until the pool is full, then the oldest is closed. */
function churnSocket(): void {
  const socket = new WebSocket(`${wsUrl}/ws/tasks?api_key=demo&workspace_id=${pick()}`);
  socket.onopen = () => counts.socketsOpened++;
  socket.onclose = () => open.delete(socket);
  open.add(socket);
  const oldest = open.size > MAX_OPEN_SOCKETS ? open.values().next().value : undefined;
  if (oldest) {
    open.delete(oldest);
    oldest.close();
  }
}

async function worker(): Promise<void> {
  while (performance.now() < deadline) {
    const workspace = pick();
    const query = `?api_key=demo&workspace_id=${workspace}`;
    const roll = Math.random();
    try {
      if (roll < 0.6) {
        const response = await request('POST', `/tasks${query}`, { name: 'soak', type: 'gx.tiny' });
        if (response.status === 200) {
          counts.creates++;
          lastCreated.set(workspace, ((await response.json()) as { task: { id: number } }).task.id);
        } else if (response.status !== 429) counts.unexpected++;
      } else if (roll < 0.8) {
        const response = await request('DELETE', `/tasks/${lastCreated.get(workspace) ?? 1}${query}`);
        if (response.status === 204) counts.deletes++;
        else if (response.status !== 404) counts.unexpected++;
      } else if (roll < 0.9) {
        const response = await request('POST', `/tasks/flush${query}`);
        if (response.status === 204) counts.flushes++;
        else counts.unexpected++;
      } else {
        churnSocket();
        await (await request('GET', `/tasks${query}`)).arrayBuffer();
      }
    } catch {
      counts.unexpected++;
    }
  }
}

const samples: Sample[] = [];
const started = performance.now();
let lastTicks = cpuTicks(server.pid);
let lastAt = started;
const sample = () => {
  const now = performance.now();
  const ticks = cpuTicks(server.pid);
  samples.push({
    atS: Math.round((now - started) / 1000),
    rssMiB: Math.round(rssMiB(server.pid) * 10) / 10,
    fds: readdirSync(`/proc/${server.pid}/fd`).length,
    cpuPercent: Math.round(((ticks - lastTicks) / CLOCK_TICKS / ((now - lastAt) / 1000)) * 1000) / 10,
    sockets: open.size,
    ops: counts.creates + counts.deletes + counts.flushes,
  });
  lastTicks = ticks;
  lastAt = now;
  const last = samples.at(-1)!;
  console.log(
    `${last.atS}s rss ${last.rssMiB} MiB, fds ${last.fds}, cpu ${last.cpuPercent}%, sockets ${last.sockets}, ops ${last.ops}`,
  );
};
sample();
const sampler = setInterval(sample, SAMPLE_MS);
await Promise.all(Array.from({ length: WORKERS }, worker));
clearInterval(sampler);
sample();
for (const socket of open) socket.close();

const summary = (key: 'rssMiB' | 'fds' | 'cpuPercent') => {
  const values = samples.map((s) => s[key]);
  return { start: values[0], peak: Math.max(...values), end: values.at(-1) };
};
console.log(`\nsoak: ${MINUTES} min, ${WORKERS} workers, ${WORKSPACES} workspaces, ${samples.length} samples`);
console.log('counts', counts);
console.table({ rssMiB: summary('rssMiB'), fds: summary('fds'), cpuPercent: summary('cpuPercent') });
server.kill('SIGTERM');
const exitCode = await server.exited;
rmSync(dir, { recursive: true, force: true });
console.log(`taskmock exited with ${exitCode}`);
process.exit(exitCode === 0 && counts.unexpected === 0 && (await crashLoop()) === 0 ? 0 : 1);

/** The crash loop with CRASH_CYCLES cycles (its own test file, its own checks); 0 when skipped. */
async function crashLoop(): Promise<number> {
  if (CRASH_CYCLES === 0) return 0;
  console.log(`\ncrash loop: ${CRASH_CYCLES} cycles of kill -9 under 8 clients`);
  const testFile = new URL('../tests/crash-loop.test.ts', import.meta.url).pathname;
  const child = Bun.spawn([process.execPath, 'test', testFile], {
    env: { ...process.env, CRASH_CYCLES: String(CRASH_CYCLES) },
    stdout: 'inherit',
    stderr: 'inherit',
  });
  return child.exited;
}
