// Scenario 2b: POST /tasks spread round-robin over 1,000 workspaces of 250 keys (the hosted case:
// many candidates at once), each create durably committed, against the bare appending Bun.serve;
// with the durable floor beside it (post-floors.ts).
import { tempDir } from '../lib/proc.ts';
import type { Row } from '../lib/report.ts';
import type { RunningServer } from '../lib/servers.ts';
import type { ScenarioOptions } from './options.ts';
import { floorRows, measurePost, postRow, startPostServers } from './post-floors.ts';

const CONNECTIONS = 50;
const KEYS = 250;
const WORKSPACES_PER_KEY = 4;
const BODY = JSON.stringify({ name: 'bench task', type: 'gx.heavy' });

const keys = Array.from({ length: KEYS }, (_, i) => `bench-key-${String(i).padStart(3, '0')}`);
/** Key-major order interleaved: consecutive requests hit different keys and workspaces. */
const paths = Array.from({ length: WORKSPACES_PER_KEY }, (_, w) =>
  keys.map((key) => `/tasks?api_key=${key}&workspace_id=ws-${w}`),
).flat();

export async function runPostSpread({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const seconds = quick ? 2 : 3;
  const rounds = quick ? 1 : 3;
  const dir = tempDir('post-spread');
  const started: RunningServer[] = [];
  try {
    const servers = await startPostServers(dir.path, { apiKeys: keys, maxWorkspaceTasks: 1_000_000 }, started);
    const load = (server: RunningServer) =>
      ({ method: 'POST', body: BODY, connections: CONNECTIONS, seconds, paths, url: server.url }) as const;
    const results = await measurePost(servers, load, rounds);
    note(
      `2b. POST /tasks spread: round-robin over ${paths.length} workspaces (${KEYS} keys × ${WORKSPACES_PER_KEY}), gx.heavy so tasks stay queued behind the running cap; WAL file on disk; the four servers in alternating ${rounds} × ${seconds} s rounds, median kept; ${results.perRound}.`,
    );
    return [postRow('2b. POST /tasks over 1,000 workspaces of 250 keys: req/s', results), ...floorRows('2b.', results)];
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    dir.remove();
  }
}
