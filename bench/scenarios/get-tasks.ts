// Scenario 1: GET /tasks on a 100-task workspace, against a bare Bun.serve answering the same bytes.
import { createTask, inParallel, tasksUrl, waitAllCompleted } from '../lib/client.ts';
import { compareAlternating, type LoadResult, WARM_UP_SECONDS } from '../lib/http-load.ts';
import { tempDir } from '../lib/proc.ts';
import { fmt, met, ratio, type Row } from '../lib/report.ts';
import { startBaseline, startTaskmock, type RunningServer } from '../lib/servers.ts';
import type { ScenarioOptions } from './options.ts';

const KEY = 'bench';
const WORKSPACE = 'reads';
const CONNECTIONS = 50;

async function seedHundredTasks(base: string): Promise<void> {
  const names = Array.from({ length: 100 }, (_, i) => `read task ${i + 1}`);
  // One at a time keeps ids in name order; the list is then left to complete (time scale 1000).
  await inParallel(names, 1, (name) => createTask(base, KEY, WORKSPACE, name));
  await waitAllCompleted(base, KEY, WORKSPACE);
}

export async function runGetTasks({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const seconds = quick ? 2 : 3;
  const rounds = quick ? 1 : 3;
  const dir = tempDir('get');
  const servers: RunningServer[] = [];
  try {
    const taskmock = await startTaskmock({ db: `${dir.path}/taskmock.sqlite`, timeScale: 1000 });
    servers.push(taskmock);
    await seedHundredTasks(taskmock.url);
    const url = tasksUrl(taskmock.url, KEY, WORKSPACE);
    await Bun.write(`${dir.path}/body.json`, await (await fetch(url)).arrayBuffer());
    const bare = await startBaseline('static-get', `${dir.path}/body.json`);
    servers.push(bare);
    const load = { method: 'GET', connections: CONNECTIONS, seconds } as const;
    const { base, mine, perRound } = await compareAlternating({ ...load, url: `${bare.url}/tasks` }, { ...load, url }, rounds);
    note(
      `1. GET /tasks: wrk-style closed loop, ${CONNECTIONS} connections; baseline and taskmock alternate, ${rounds} × ${seconds} s each after a ${WARM_UP_SECONDS} s warm-up of each, median round kept; ${perRound}.`,
    );
    return rows(base, mine);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    dir.remove();
  }
}

function rows(base: LoadResult, mine: LoadResult): Row[] {
  const failures = mine.failures + base.failures > 0 ? ` (${mine.failures}/${base.failures} failed)` : '';
  return [
    {
      scenario: `1. GET /tasks, 100 tasks: req/s (${CONNECTIONS} conns)${failures}`,
      baseline: fmt(base.rps),
      taskmock: fmt(mine.rps),
      ratio: ratio(mine.rps, base.rps),
      target: '≥ 0.80×',
      met: met(mine.rps / base.rps >= 0.8),
    },
    {
      scenario: '1. GET /tasks, 100 tasks: p99 latency',
      baseline: `${fmt(base.p99Ms, 2)} ms`,
      taskmock: `${fmt(mine.p99Ms, 2)} ms`,
      ratio: ratio(mine.p99Ms, base.p99Ms),
      target: 'reported',
      met: 'n/a',
    },
  ];
}
