// Scenario 8 (SPEC §8, §12): bytes each subscriber receives per change on a 1,000-task workspace,
// `list` against `patch`; and 10,000 blocking readers parked on 10,000 workspaces: the server's CPU
// while nothing changes (against the same server before they parked) and the time from a create
// to its workspace's reader being answered.
import { createTask, inParallel, tasksUrl } from '../lib/client.ts';
import { BUN, cpuSeconds, spawnChild, waitForLine } from '../lib/proc.ts';
import { fmt, met, type Row } from '../lib/report.ts';
import { summarize } from '../lib/stats.ts';
import { startTaskmock } from '../lib/servers.ts';
import type { ScenarioOptions } from './options.ts';

const KEY = 'bench';
const TASKS = 1000;
const TARGET_PATCH_BYTES = 1024;
const TARGET_WAKE_MS = 5;

/** Opens a socket in `format` and counts the bytes of every frame after the first. */
function counter(url: string): Promise<{ bytes: () => number; frames: () => number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let first = true;
    let bytes = 0;
    let frames = 0;
    socket.onmessage = (event) => {
      if (first) {
        first = false;
        resolve({ bytes: () => bytes, frames: () => frames, close: () => socket.close() });
        return;
      }
      bytes += Buffer.byteLength(String(event.data));
      frames++;
    };
    socket.onerror = () => reject(new Error('socket failed'));
  });
}

async function bytesPerChange(rounds: number): Promise<{ list: number; patch: number }> {
  const server = await startTaskmock({ timeScale: 0.001 });
  try {
    const names = Array.from({ length: TASKS - 1 }, (_, i) => `task ${i + 1}`);
    await inParallel(names, 8, (name) => createTask(server.url, KEY, 'big', name));
    const ws = tasksUrl(server.url, KEY, 'big').replace('http', 'ws').replace('/tasks?', '/ws/tasks?');
    const list = await counter(ws);
    const patch = await counter(`${ws}&format=patch`);
    for (let round = 0; round < rounds; round++) {
      // One create (the 1,000th task), then its delete: two changes, each its own turn.
      const task = await createTask(server.url, KEY, 'big', `round ${round}`);
      await Bun.sleep(20);
      await fetch(`${tasksUrl(server.url, KEY, 'big').replace('/tasks?', `/tasks/${task.id}?`)}`, { method: 'DELETE' });
      await Bun.sleep(20);
    }
    await Bun.sleep(100);
    const result = { list: list.bytes() / list.frames(), patch: patch.bytes() / patch.frames() };
    list.close();
    patch.close();
    return result;
  } finally {
    await server.stop();
  }
}

/** The rest of a stream already read from (a Response would refuse a disturbed stream). */
async function readRest(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value);
  return text;
}

async function parkedReaders(readers: number, idleSeconds: number, wakeups: number) {
  // Room for a create in any of the readers' workspaces, and one more for the warm-up create (the
  // default is 4 per key).
  const server = await startTaskmock({ timeScale: 0.001, maxWorkspaces: readers + 1 });
  try {
    const { hostname, port } = new URL(server.url);
    await Bun.sleep(1000);
    const before0 = cpuSeconds(server.pid);
    await Bun.sleep(idleSeconds * 1000);
    const empty = cpuSeconds(server.pid) - before0;
    const spec = { host: hostname, port: Number(port), key: KEY, readers, idleMs: idleSeconds * 1000 + 500, wakeups };
    const child = spawnChild([BUN, 'bench/load/parked-readers.ts', JSON.stringify(spec)]);
    await waitForLine(child, '{"parked"');
    const before = cpuSeconds(server.pid);
    await Bun.sleep(idleSeconds * 1000);
    const parked = cpuSeconds(server.pid) - before;
    const text = await readRest(child.stdout);
    await child.exited;
    const samples = (JSON.parse(text.trim().split('\n').at(-1)!) as { samples: number[] }).samples;
    return { empty, parked, samples };
  } finally {
    await server.stop();
  }
}

export async function runVersions({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const bytes = await bytesPerChange(quick ? 10 : 25);
  const idleSeconds = quick ? 3 : 5;
  const readers = 10_000;
  const parked = await parkedReaders(readers, idleSeconds, quick ? 20 : 50);
  const wake = summarize(parked.samples);
  note(
    `8. versions: bytes are the mean text-frame size per change on a ${fmt(TASKS)}-task workspace (a create and a delete per round); ${fmt(readers)} readers on ${fmt(readers)} workspaces (\`index=0&wait=5m\`), one raw connection each from one client process; CPU over ${idleSeconds} s from /proc against the same server before they parked; wake-up is from sending a create to its workspace's reader's answer (the create's own round trip included), after one warm-up create in a workspace nobody reads. The compiled binary, as shipped.`,
  );
  return [
    {
      scenario: `8. bytes per change per subscriber, ${fmt(TASKS)} tasks: list (baseline) vs patch`,
      baseline: `${fmt(bytes.list)} B (list)`,
      taskmock: `${fmt(bytes.patch)} B (patch)`,
      ratio: `${fmt(bytes.patch / bytes.list, 4)}×`,
      target: '< 1 KiB (patch)',
      met: met(bytes.patch < TARGET_PATCH_BYTES),
    },
    {
      scenario: `8. ${fmt(readers)} parked blocking readers: CPU per ${idleSeconds} s idle`,
      baseline: `${fmt(parked.empty, 3)} s (none parked)`,
      taskmock: `${fmt(parked.parked, 3)} s`,
      ratio: `Δ ${fmt(parked.parked - parked.empty, 3)} s`,
      target: 'no CPU while idle',
      met: met(parked.parked - parked.empty <= 0.01 + 1e-9),
    },
    {
      scenario: '8. one change answers its parked reader',
      baseline: 'n/a',
      taskmock: `p50 ${fmt(wake.p50, 2)} / p99 ${fmt(wake.p99, 2)} / max ${fmt(wake.max, 2)} ms`,
      ratio: 'n/a',
      target: `≤ ${TARGET_WAKE_MS} ms`,
      met: met(wake.p99 <= TARGET_WAKE_MS),
    },
  ];
}
