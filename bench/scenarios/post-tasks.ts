// Scenario 2: POST /tasks, each a durable SQLite commit (WAL file on disk), against a bare Bun.serve
// that parses the body and appends to an in-memory list; with the durable floor beside it
// (post-floors.ts).
import { tasksUrl } from '../lib/client.ts';
import { tempDir } from '../lib/proc.ts';
import { fmt, type Row } from '../lib/report.ts';
import type { RunningServer } from '../lib/servers.ts';
import type { ScenarioOptions } from './options.ts';
import { floorRows, measurePost, postRow, startPostServers } from './post-floors.ts';

const CONNECTIONS = 50;
const BODY = JSON.stringify({ name: 'bench task', type: 'gx.medium' });

export async function runPostTasks({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const seconds = quick ? 2 : 3;
  const rounds = quick ? 1 : 3;
  const dir = tempDir('post');
  const started: RunningServer[] = [];
  try {
    const servers = await startPostServers(dir.path, { maxWorkspaceTasks: 1_000_000 }, started);
    const load = (server: RunningServer) =>
      ({
        method: 'POST',
        body: BODY,
        connections: CONNECTIONS,
        seconds,
        url: server === servers.bare ? `${server.url}/tasks` : tasksUrl(server.url, 'bench', 'writes'),
      }) as const;
    const results = await measurePost(servers, load, rounds);
    note(
      `2. POST /tasks: one workspace, database in a WAL file on disk (synchronous=NORMAL); the four servers in alternating ${rounds} × ${seconds} s rounds as in 1, median kept; ${results.perRound}; about ${fmt(results.mine.rps * (rounds * seconds + 1))} tasks end up in the workspace.`,
    );
    return [postRow(`2. POST /tasks, durable: req/s (${CONNECTIONS} conns)`, results), ...floorRows('2.', results)];
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    dir.remove();
  }
}
