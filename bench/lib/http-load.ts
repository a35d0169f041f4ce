// HTTP load in a separate process: wrk when it is on PATH, otherwise bench/load/http-load.ts
// (fetch loops in a Bun child). Both report requests per second and the p99 latency.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUN, lastJsonLine, spawnChild, tempDir } from './proc.ts';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  connections: number;
  seconds: number;
  /** Paths (with query) to cycle through round-robin on `url`'s host instead of `url` alone (wrk only). */
  paths?: readonly string[];
}

export interface LoadResult {
  rps: number;
  p99Ms: number;
  failures: number;
}

const wrkPath = Bun.which('wrk');
export const loadTool: string = wrkPath ? 'wrk' : 'bun fetch loops (bench/load/http-load.ts)';

export async function runHttpLoad(spec: LoadSpec): Promise<LoadResult> {
  return wrkPath ? runWrk(wrkPath, spec) : runBunLoad(spec);
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** Parses `99%    1.23ms` and `Requests/sec:  12345.67` from `wrk --latency` output. */
export function parseWrk(output: string): LoadResult {
  const p99 = /^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(output);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  if (!p99 || !rps) throw new Error(`could not read wrk output:\n${output}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socketErrors = /Socket errors:.*?(\d+).*?(\d+).*?(\d+).*?(\d+)/.exec(output);
  const errors = socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { rps: Number(rps[1]), p99Ms: Number(p99[1]) * UNIT_MS[p99[2]!]!, failures: Number(non2xx?.[1] ?? 0) + errors };
}

async function runWrk(wrk: string, spec: LoadSpec): Promise<LoadResult> {
  const dir = tempDir('wrk');
  try {
    const script = join(dir.path, 'request.lua');
    writeFileSync(
      script,
      [
        `wrk.method = "${spec.method}"`,
        spec.body === undefined ? '' : `wrk.body = ${JSON.stringify(spec.body)}`,
        spec.body === undefined ? '' : 'wrk.headers["Content-Type"] = "application/json"',
        ...roundRobin(spec.paths),
      ].join('\n'),
    );
    const cmd = [wrk, '-t1', `-c${spec.connections}`, `-d${spec.seconds}s`, '--latency', '-s', script, spec.url];
    const child = spawnChild(cmd);
    const output = await new Response(child.stdout).text();
    await child.exited;
    return parseWrk(output);
  } finally {
    dir.remove();
  }
}

/** Lua for wrk: each request takes the next path (one wrk thread, so one shared counter). */
function roundRobin(paths: readonly string[] | undefined): string[] {
  if (!paths || paths.length === 0) return [];
  return [
    `local paths = { ${paths.map((path) => JSON.stringify(path)).join(', ')} }`,
    'local next = 0',
    'request = function()',
    '  next = next % #paths + 1',
    '  return wrk.format(nil, paths[next])',
    'end',
  ];
}

async function runBunLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.paths) throw new Error('round-robin paths need wrk (apt-get install wrk)');
  const child = spawnChild([BUN, 'bench/load/http-load.ts', JSON.stringify(spec)]);
  return lastJsonLine<LoadResult>(child);
}

/**
 * Under load, JavaScriptCore keeps compiling for about five seconds, on the second core, where
 * the load generator runs (a JIT thread of taskmock used 0.8 – 1.0 s of CPU in the first 5 s of
 * POST load, 0.03 – 0.26 s in each 5 s after: docs/performance.md). Rounds measured while it does
 * are worth a server's first seconds, not its throughput.
 */
export const WARM_UP_SECONDS = 5;

/**
 * Measures two servers alternately, `rounds` times each after a warm-up of both, and keeps each
 * one's median round: drift on a shared machine then hits both alike. `perRound` says each
 * round's ratio (mine / base), for the notes.
 */
export async function compareAlternating(
  base: LoadSpec,
  mine: LoadSpec,
  rounds: number,
): Promise<{ base: LoadResult; mine: LoadResult; perRound: string }> {
  const { medians, perRound } = await measureAlternating([base, mine], rounds);
  return { base: medians[0]!, mine: medians[1]!, perRound: `per-round ratios ${perRound[1]}` };
}

/**
 * Any number of servers in turn, as `compareAlternating` does two: each one's median round, and
 * for each its per-round ratios to the first server's same round (`perRound[0]` is all 1.00).
 */
export async function measureAlternating(
  specs: readonly LoadSpec[],
  rounds: number,
): Promise<{ medians: LoadResult[]; perRound: string[] }> {
  for (const spec of specs) await runHttpLoad({ ...spec, seconds: WARM_UP_SECONDS });
  const runs: LoadResult[][] = specs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, spec] of specs.entries()) runs[i]!.push(await runHttpLoad(spec));
  }
  const perRound = runs.map((own) => own.map((run, i) => (run.rps / runs[0]![i]!.rps).toFixed(2)).join(', '));
  return { medians: runs.map(medianRun), perRound };
}

function medianRun(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
