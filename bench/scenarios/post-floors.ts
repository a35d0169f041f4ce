// The POST rows measure four servers in turn: the bare appending baseline (SPEC §8), two
// references that show where the durable create's floor lies on this stack
// (bench/baselines/durable-post.ts: the least a create committed to SQLite can cost, with and
// without the (workspace, id) index), and taskmock as shipped. The references are not targets:
// they say how much of a row's gap to the baseline any server on Bun and bun:sqlite pays.
import { measureAlternating, type LoadResult, type LoadSpec } from '../lib/http-load.ts';
import { fmt, met, ratio, type Row } from '../lib/report.ts';
import { startBaseline, startTaskmock, type RunningServer, type TaskmockFlags } from '../lib/servers.ts';

export interface PostServers {
  bare: RunningServer;
  floor: RunningServer;
  appendOnly: RunningServer;
  taskmock: RunningServer;
}

/** Starts the four, each database in `dir`; every started server is pushed to `started` (for stopping). */
export async function startPostServers(dir: string, flags: TaskmockFlags, started: RunningServer[]): Promise<PostServers> {
  const start = async (server: Promise<RunningServer>) => {
    const running = await server;
    started.push(running);
    return running;
  };
  return {
    bare: await start(startBaseline('append-post')),
    floor: await start(startBaseline('durable-post', `${dir}/floor.sqlite`)),
    appendOnly: await start(startBaseline('durable-post', `${dir}/append-only.sqlite`, 'append-only')),
    taskmock: await start(startTaskmock({ ...flags, db: `${dir}/taskmock.sqlite` })),
  };
}

export interface PostResults {
  base: LoadResult;
  floor: LoadResult;
  appendOnly: LoadResult;
  mine: LoadResult;
  /** Per-round ratios to the baseline, for the notes. */
  perRound: string;
}

/** Measures the four in alternating rounds; `load` says what each one is sent. */
export async function measurePost(
  servers: PostServers,
  load: (server: RunningServer) => LoadSpec,
  rounds: number,
): Promise<PostResults> {
  const order = [servers.bare, servers.floor, servers.appendOnly, servers.taskmock];
  const { medians, perRound } = await measureAlternating(order.map(load), rounds);
  const [base, floor, appendOnly, mine] = medians as [LoadResult, LoadResult, LoadResult, LoadResult];
  return {
    base,
    floor,
    appendOnly,
    mine,
    perRound: `per-round ratios to the baseline: taskmock ${perRound[3]}; durable floor ${perRound[1]}; append-only ${perRound[2]}`,
  };
}

/** The two reference rows under a POST row (`label`: its number, "2." or "2b."). */
export function floorRows(label: string, { base, floor, appendOnly, mine }: PostResults): Row[] {
  const reference = (scenario: string, run: LoadResult): Row => ({
    scenario: `${label} reference, not taskmock: ${scenario}`,
    baseline: fmt(base.rps),
    taskmock: `${fmt(run.rps)} (taskmock ${ratio(mine.rps, run.rps)} of it)`,
    ratio: ratio(run.rps, base.rps),
    target: 'none (where the floor is)',
    met: 'n/a',
  });
  return [
    reference('a bare durable create (one INSERT, group COMMIT; no log, no checks)', floor),
    reference('the same with rows only appended (no (workspace, id) index)', appendOnly),
  ];
}

/** A POST row of taskmock against the baseline (target ≥ 0.6×, SPEC §8). */
export function postRow(scenario: string, { base, mine }: PostResults): Row {
  const failures = mine.failures + base.failures > 0 ? ` (${mine.failures}/${base.failures} failed)` : '';
  return {
    scenario: `${scenario}${failures}`,
    baseline: fmt(base.rps),
    taskmock: `${fmt(mine.rps)} (p99 ${fmt(mine.p99Ms, 1)} ms)`,
    ratio: ratio(mine.rps, base.rps),
    target: '≥ 0.60×',
    met: met(mine.rps / base.rps >= 0.6),
  };
}
