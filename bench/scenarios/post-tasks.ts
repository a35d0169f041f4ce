// Scenario 2: POST /tasks, each a durable SQLite commit (WAL file on disk), against a bare Bun.serve
// that parses the body and appends to an in-memory list.
import { tasksUrl } from '../lib/client.ts';
import { compareAlternating, type LoadResult } from '../lib/http-load.ts';
import { tempDir } from '../lib/proc.ts';
import { fmt, met, ratio, type Row } from '../lib/report.ts';
import { startBaseline, startTaskmock, type RunningServer } from '../lib/servers.ts';
import type { ScenarioOptions } from './options.ts';

const CONNECTIONS = 50;
const BODY = JSON.stringify({ name: 'bench task', type: 'gx.medium' });

export async function runPostTasks({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const seconds = quick ? 2 : 3;
  const rounds = quick ? 1 : 3;
  const dir = tempDir('post');
  const servers: RunningServer[] = [];
  try {
    const bare = await startBaseline('append-post');
    servers.push(bare);
    const taskmock = await startTaskmock({ db: `${dir.path}/taskmock.sqlite`, maxWorkspaceTasks: 1_000_000 });
    servers.push(taskmock);
    const load = { method: 'POST', body: BODY, connections: CONNECTIONS, seconds } as const;
    const url = tasksUrl(taskmock.url, 'bench', 'writes');
    const { base, mine, perRound } = await compareAlternating({ ...load, url: `${bare.url}/tasks` }, { ...load, url }, rounds);
    note(
      `2. POST /tasks: one workspace, database in a WAL file on disk (synchronous=NORMAL); alternating ${rounds} × ${seconds} s rounds as in 1, median kept; ${perRound}; about ${fmt(mine.rps * (rounds * seconds + 1))} tasks end up in the workspace.`,
    );
    return [row(base, mine)];
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    dir.remove();
  }
}

function row(base: LoadResult, mine: LoadResult): Row {
  const failures = mine.failures + base.failures > 0 ? ` (${mine.failures}/${base.failures} failed)` : '';
  return {
    scenario: `2. POST /tasks, durable: req/s (${CONNECTIONS} conns)${failures}`,
    baseline: fmt(base.rps),
    taskmock: `${fmt(mine.rps)} (p99 ${fmt(mine.p99Ms, 1)} ms)`,
    ratio: ratio(mine.rps, base.rps),
    target: '≥ 0.60×',
    met: met(mine.rps / base.rps >= 0.6),
  };
}
