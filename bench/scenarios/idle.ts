// Scenario 4: idle cost. 10,000 workspaces (2,500 keys × 4) each holding a completed task, nothing
// scheduled, then CPU seconds (utime+stime from /proc) over an idle window, against the same
// server started empty and left idle just as long.
import { createTask, inParallel, listTasks } from '../lib/client.ts';
import { cpuSeconds, tempDir } from '../lib/proc.ts';
import { fmt, met, type Row } from '../lib/report.ts';
import { startTaskmock, type RunningServer } from '../lib/servers.ts';
import type { ScenarioOptions } from './options.ts';

const KEYS = 2500;
const WORKSPACES_PER_KEY = 4;
const SETTLE_MS = 3000;
/** Two clock ticks: /proc counts CPU time in 10 ms ticks, so less than this is not measurable. */
const MEASURABLE_S = 0.02;

const keys = Array.from({ length: KEYS }, (_, i) => `idle-key-${i}`);
const workspaces = keys.flatMap((key) => Array.from({ length: WORKSPACES_PER_KEY }, (_, i) => ({ key, workspace: `ws-${i}` })));

const start = (db: string) =>
  startTaskmock({ db, apiKeys: keys, timeScale: 1000, maxWorkspaces: WORKSPACES_PER_KEY });

async function fillWorkspaces(server: RunningServer): Promise<void> {
  await inParallel(workspaces, 16, ({ key, workspace }) => createTask(server.url, key, workspace, 'idle task'));
  // At time scale 1000 a gx.tiny task is done within milliseconds; check a sample before idling.
  await Bun.sleep(500);
  const sample = workspaces.filter((_, i) => i % 97 === 0);
  for (const { key, workspace } of sample) {
    const tasks = await listTasks(server.url, key, workspace);
    if (tasks.length !== 1 || tasks[0]!.status !== 'completed') throw new Error(`${workspace} of ${key} is not idle`);
  }
}

/** CPU seconds used by the server during `seconds` of no requests, after a settling pause. */
async function idleCpu(server: RunningServer, seconds: number): Promise<number> {
  await Bun.sleep(SETTLE_MS);
  const before = cpuSeconds(server.pid);
  await Bun.sleep(seconds * 1000);
  return cpuSeconds(server.pid) - before;
}

async function measure(db: string, seconds: number, fill: boolean): Promise<number> {
  const server = await start(db);
  try {
    if (fill) await fillWorkspaces(server);
    return await idleCpu(server, seconds);
  } finally {
    await server.stop();
  }
}

export async function runIdle({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const seconds = quick ? 5 : 10;
  const dir = tempDir('idle');
  try {
    const empty = await measure(`${dir.path}/empty.sqlite`, seconds, false);
    const full = await measure(`${dir.path}/full.sqlite`, seconds, true);
    note(`4. idle: ${fmt(workspaces.length)} workspaces through ${fmt(KEYS)} keys, each holding one completed task; ${SETTLE_MS / 1000} s settle, then ${seconds} s with no requests. "Measurable" means ≥ ${MEASURABLE_S} s (two 10 ms /proc ticks).`);
    return [
      {
        scenario: `4. idle CPU over ${seconds} s, ${fmt(workspaces.length)} workspaces vs empty`,
        baseline: `${fmt(empty, 2)} s (empty)`,
        taskmock: `${fmt(full, 2)} s`,
        ratio: `Δ ${full - empty >= 0 ? '+' : ''}${fmt(full - empty, 2)} s`,
        target: 'no measurable difference',
        met: met(full - empty < MEASURABLE_S),
      },
    ];
  } finally {
    dir.remove();
  }
}
