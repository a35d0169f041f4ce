// Scenario 9: what hosted mode's journal (§13) and the fault layer with no profile in force (§11)
// cost (SPEC §8: at most 10 % of a figure). The journal: the compiled binary with ADMIN_KEY (every
// request journaled) against the same binary without it, GET and POST, alternating rounds. The
// fault layer: in this process, the same app built with and without it, driven through
// `app.handle`, alternating rounds (the binary cannot be built without its fault layer).
import { createTask, inParallel, tasksUrl, waitAllCompleted } from '../lib/client.ts';
import { compareAlternating } from '../lib/http-load.ts';
import { tempDir } from '../lib/proc.ts';
import { fmt, met, ratio, type Row } from '../lib/report.ts';
import { startTaskmock, type RunningServer } from '../lib/servers.ts';
import { median } from '../lib/stats.ts';
import type { ScenarioOptions } from './options.ts';
import { buildTaskmock } from '../../src/server.ts';
import { createApp } from '../../src/http/app.ts';
import { parseCommandLine } from '../../src/config/config.ts';
import { createLogger } from '../../src/config/logger.ts';

const CONNECTIONS = 50;
const ADMIN_KEY = 'bench-admin-key-0123456789';
const POST_BODY = JSON.stringify({ name: 'bench task', type: 'gx.medium' });

const costRow = (scenario: string, on: number, off: number): Row => ({
  scenario,
  baseline: fmt(off),
  taskmock: fmt(on),
  ratio: ratio(on, off),
  target: '≥ 0.90×',
  met: met(on / off >= 0.9),
});

async function journalRows(quick: boolean, note: (text: string) => void): Promise<Row[]> {
  const seconds = quick ? 2 : 3;
  const rounds = quick ? 1 : 3;
  const dir = tempDir('journal');
  const servers: RunningServer[] = [];
  try {
    const off = await startTaskmock({ db: `${dir.path}/off.sqlite`, timeScale: 1000, maxWorkspaceTasks: 1_000_000 });
    servers.push(off);
    const on = await startTaskmock({
      db: `${dir.path}/on.sqlite`,
      timeScale: 1000,
      maxWorkspaceTasks: 1_000_000,
      adminKey: ADMIN_KEY,
    });
    servers.push(on);
    const names = Array.from({ length: 100 }, (_, i) => `read task ${i + 1}`);
    for (const server of servers) {
      await inParallel(names, 1, (name) => createTask(server.url, 'bench', 'reads', name));
      await waitAllCompleted(server.url, 'bench', 'reads');
    }
    const get = { method: 'GET', connections: CONNECTIONS, seconds } as const;
    const reads = await compareAlternating(
      { ...get, url: tasksUrl(off.url, 'bench', 'reads') },
      { ...get, url: tasksUrl(on.url, 'bench', 'reads') },
      rounds,
    );
    const post = { method: 'POST', body: POST_BODY, connections: CONNECTIONS, seconds } as const;
    const writes = await compareAlternating(
      { ...post, url: tasksUrl(off.url, 'bench', 'writes') },
      { ...post, url: tasksUrl(on.url, 'bench', 'writes') },
      rounds,
    );
    note(
      `9. journal: the compiled binary with ADMIN_KEY (every request and transition journaled) against the same without, both at --time-scale 1000 (each create also starts and ends within the run, three more journaled transitions); ${rounds} × ${seconds} s alternating rounds, median kept; GET ${reads.perRound}, POST ${writes.perRound}.`,
    );
    return [
      costRow('9. journal on: GET /tasks req/s (baseline: journal off)', reads.mine.rps, reads.base.rps),
      costRow('9. journal on: POST /tasks req/s (baseline: journal off)', writes.mine.rps, writes.base.rps),
    ];
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    dir.remove();
  }
}

/** Requests per second of `handle` over `request()`, in one closed loop of `ms`. */
async function loopRate(
  handle: (request: Request) => Promise<Response> | Response,
  request: () => Request,
  ms: number,
): Promise<number> {
  const end = performance.now() + ms;
  let count = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) await handle(request());
    count += 200;
  }
  return count / (ms / 1000);
}

async function faultLayerRows(quick: boolean, note: (text: string) => void): Promise<Row[]> {
  const { config } = parseCommandLine(['--db', ':memory:', '--api-keys', 'bench', '--max-workspace-tasks', '1000000'], {});
  const logger = createLogger({ level: 'warn', format: 'pretty' });
  const taskmock = buildTaskmock(config, { logger });
  const deps = {
    config,
    service: taskmock.service,
    keyRing: taskmock.keyRing,
    logger,
    startedAt: new Date(),
    version: 'bench',
    liveCounts: () => ({ openSockets: 0, scheduledWorkspaces: 0, brokenWorkspaces: 0 }),
  };
  const withLayer = createApp({ ...deps, faults: taskmock.faults.http }).app;
  const withoutLayer = createApp(deps).app;
  const read = () => new Request('http://bench/tasks?api_key=bench&workspace_id=reads');
  const write = () =>
    new Request('http://bench/tasks?api_key=bench&workspace_id=writes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: POST_BODY,
    });
  try {
    for (let i = 0; i < 100; i++) await withoutLayer.handle(write());
    const rounds = quick ? 4 : 6;
    const ms = quick ? 500 : 1000;
    const rates = { readOn: [] as number[], readOff: [] as number[], writeOn: [] as number[], writeOff: [] as number[] };
    // ABBA order: the workspace the creates go to grows, so whichever ran second would always be slower.
    const measure = async (on: boolean) => {
      const app = on ? withLayer : withoutLayer;
      (on ? rates.readOn : rates.readOff).push(await loopRate((r) => app.handle(r), read, ms));
      (on ? rates.writeOn : rates.writeOff).push(await loopRate((r) => app.handle(r), write, ms));
    };
    for (let round = 0; round < rounds; round++) {
      await measure(round % 2 === 1);
      await measure(round % 2 === 0);
    }
    note(
      `9. fault layer: one process, the same Elysia app built with its fault layer (no profile in force: FAULTS=none, the default) and without it, driven through app.handle (GET takes Elysia's route, not the Bun-router fast path); ${rounds} rounds of ${ms} ms each, in ABBA order, median kept.`,
    );
    return [
      costRow('9. faults off: GET /tasks handled/s (baseline: no fault layer)', median(rates.readOn), median(rates.readOff)),
      costRow('9. faults off: POST /tasks handled/s (baseline: no fault layer)', median(rates.writeOn), median(rates.writeOff)),
    ];
  } finally {
    taskmock.close();
  }
}

export async function runFeatureCosts({ quick, note }: ScenarioOptions): Promise<Row[]> {
  return [...(await journalRows(quick, note)), ...(await faultLayerRows(quick, note))];
}
