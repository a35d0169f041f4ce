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
/** One /proc clock tick: CPU time is counted in these, so a smaller difference is not measurable. */
const TICK_S = 0.01;

const keys = Array.from({ length: KEYS }, (_, i) => `idle-key-${i}`);
const workspaces = keys.flatMap((key) => Array.from({ length: WORKSPACES_PER_KEY }, (_, i) => ({ key, workspace: `ws-${i}` })));

const start = (db: string) => startTaskmock({ db, apiKeys: keys, timeScale: 1000, maxWorkspaces: WORKSPACES_PER_KEY });

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

/** CPU seconds each server used in each of `windows` windows of `seconds` with no requests. */
async function idleWindows(servers: RunningServer[], seconds: number, windows: number): Promise<number[][]> {
  await Bun.sleep(SETTLE_MS);
  const used: number[][] = servers.map(() => []);
  for (let window = 0; window < windows; window++) {
    const before = servers.map((server) => cpuSeconds(server.pid));
    await Bun.sleep(seconds * 1000);
    servers.forEach((server, i) => {
      used[i]!.push(cpuSeconds(server.pid) - before[i]!);
    });
  }
  return used;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

export async function runIdle({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const seconds = quick ? 5 : 10;
  const windows = quick ? 1 : 3;
  const dir = tempDir('idle');
  const servers: RunningServer[] = [];
  try {
    // Both servers idle side by side through the same windows, so machine noise hits both alike.
    servers.push(await start(`${dir.path}/empty.sqlite`), await start(`${dir.path}/full.sqlite`));
    await fillWorkspaces(servers[1]!);
    const [empty, full] = (await idleWindows(servers, seconds, windows)).map(mean) as [number, number];
    const delta = full - empty;
    note(
      `4. idle: ${fmt(workspaces.length)} workspaces through ${fmt(KEYS)} keys, each holding one completed task, against the same server started empty; both idle side by side, ${SETTLE_MS / 1000} s settle, then ${windows} window(s) of ${seconds} s with no requests, mean per window. /proc counts CPU in 10 ms ticks; "no measurable difference" means the mean difference is at most one tick per window.`,
    );
    return [
      {
        scenario: `4. idle CPU per ${seconds} s, ${fmt(workspaces.length)} workspaces vs empty`,
        baseline: `${fmt(empty, 3)} s (empty)`,
        taskmock: `${fmt(full, 3)} s`,
        ratio: `Δ ${delta >= 0 ? '+' : ''}${fmt(delta, 3)} s`,
        target: 'no measurable difference',
        met: met(delta <= TICK_S + 1e-9),
      },
    ];
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    dir.remove();
  }
}
