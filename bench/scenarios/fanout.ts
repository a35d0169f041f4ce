// Scenario 3: one workspace with 100 and 1,000 subscribers held by a separate client process; time
// from sending a create until every subscriber holds a list containing the new task. Baseline: a
// bare Bun pub/sub server that publishes the whole list on a POST.
import { tasksUrl } from '../lib/client.ts';
import { BUN, lastJsonLine, spawnChild } from '../lib/proc.ts';
import { fmt, met, ratio, type Row } from '../lib/report.ts';
import { summarize } from '../lib/stats.ts';
import { startBaseline, startTaskmock, type RunningServer } from '../lib/servers.ts';
import type { ScenarioOptions } from './options.ts';

const KEY = 'bench';
const TARGET_P99_MS = 20;

async function fanout(wsUrl: string, postUrl: string, subscribers: number, rounds: number): Promise<number[]> {
  const spec = { wsUrl, postUrl, subscribers, rounds, gapMs: 20 };
  const child = spawnChild([BUN, 'bench/load/fanout-client.ts', JSON.stringify(spec)]);
  return (await lastJsonLine<{ samples: number[] }>(child)).samples;
}

async function withServer<T>(start: () => Promise<RunningServer>, use: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

const bareSamples = (subscribers: number, rounds: number) =>
  withServer(
    () => startBaseline('pubsub'),
    (bare) => fanout(`${bare.url.replace('http', 'ws')}/ws/tasks`, `${bare.url}/tasks`, subscribers, rounds),
  );

// A time scale this low keeps the new tasks queued for the whole run: every publish is a create,
// as in the baseline (transitions would add publishes the baseline never makes).
const taskmockSamples = (subscribers: number, rounds: number) =>
  withServer(
    () => startTaskmock({ timeScale: 0.001, maxWorkspaceConnections: 2000, maxWorkspaceTasks: 100_000 }),
    (taskmock) => {
      const workspace = `fanout-${subscribers}`;
      const http = tasksUrl(taskmock.url, KEY, workspace);
      const ws = http.replace('http', 'ws').replace('/tasks?', '/ws/tasks?');
      return fanout(ws, http, subscribers, rounds);
    },
  );

const cell = (samples: number[]) => {
  const { p50, p99, max } = summarize(samples);
  return `p50 ${fmt(p50, 1)} / p99 ${fmt(p99, 1)} / max ${fmt(max, 1)} ms`;
};

export async function runFanout({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const rounds = quick ? 30 : 100;
  const rows: Row[] = [];
  for (const subscribers of [100, 1000]) {
    const base = await bareSamples(subscribers, rounds);
    const mine = await taskmockSamples(subscribers, rounds);
    const p99 = summarize(mine).p99;
    const gated = subscribers === 1000;
    rows.push({
      scenario: `3. fan-out to ${fmt(subscribers)} subscribers (${rounds} rounds)`,
      baseline: cell(base),
      taskmock: cell(mine),
      ratio: `${ratio(p99, summarize(base).p99)} (p99)`,
      target: gated ? `p99 ≤ ${TARGET_P99_MS} ms` : 'reported',
      met: gated ? met(p99 <= TARGET_P99_MS) : 'n/a',
    });
  }
  note(
    '3. fan-out: subscribers and the POSTing client share one process apart from the server; taskmock runs at `--time-scale 0.001` so tasks stay queued and every publish is a create, as in the baseline.',
  );
  return rows;
}
