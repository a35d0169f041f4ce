// Scenario 5: start-up of the compiled binary, spawn to first 200 from GET /health (median of N),
// and idle RSS, against a bare compiled Bun.serve (bench/baselines/hello.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUN, ROOT, freePort, rssBytes, spawnChild, stopChild, tempDir, waitForOk } from '../lib/proc.ts';
import { fmt, met, ratio, type Row } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import type { ScenarioOptions } from './options.ts';

const MB = 1024 * 1024;

async function compile(entry: string, outfile: string): Promise<void> {
  const child = spawnChild([BUN, 'build', '--compile', entry, '--outfile', outfile]);
  await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`bun build --compile ${entry} failed`);
}

interface Sample {
  startMs: number;
  rss: number;
}

/** Spawns `cmd` (with a fresh port) in `cwd`, times it to the first 200, then reads its idle RSS. */
async function startOnce(cmd: (port: number) => string[], cwd: string): Promise<Sample> {
  const port = freePort();
  const began = performance.now();
  const child = spawnChild(cmd(port), {}, cwd);
  try {
    await waitForOk(`http://127.0.0.1:${port}/health`, 10_000, 1);
    const startMs = performance.now() - began;
    await Bun.sleep(500);
    return { startMs, rss: rssBytes(child.pid) };
  } finally {
    await stopChild(child);
  }
}

async function binaries(dir: string, note: (text: string) => void): Promise<{ taskmock: string; bare: string }> {
  const bare = join(dir, 'bare-serve');
  await compile('bench/baselines/hello.ts', bare);
  const built = join(ROOT, 'dist', 'taskmock');
  if (existsSync(built)) {
    note('5. start-up: taskmock is `dist/taskmock` as built by `bun run build`.');
    return { taskmock: built, bare };
  }
  const taskmock = join(dir, 'taskmock');
  await compile('src/main.ts', taskmock);
  note('5. start-up: dist/taskmock was missing, so taskmock was compiled with plain `bun build --compile src/main.ts`.');
  return { taskmock, bare };
}

export async function runStartup({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const runs = quick ? 5 : 10;
  const dir = tempDir('startup');
  try {
    const paths = await binaries(dir.path, note);
    const bare: Sample[] = [];
    const mine: Sample[] = [];
    // Alternate the two so drift on the machine hits both alike; each run gets a fresh database
    // and runs in an empty directory (no .env or bunfig.toml to pick up).
    for (let run = 0; run < runs; run++) {
      bare.push(await startOnce((port) => [paths.bare, '--port', String(port)], dir.path));
      const db = join(dir.path, `start-${run}.sqlite`);
      mine.push(
        await startOnce(
          (port) => [
            paths.taskmock,
            '--port',
            String(port),
            '--host',
            '127.0.0.1',
            '--db',
            db,
            '--api-keys',
            'bench',
            '--log-level',
            'warn',
          ],
          dir.path,
        ),
      );
    }
    note(
      `5. start-up: spawn to first 200 from GET /health, polled every 1 ms, median of ${runs}; RSS is VmRSS 0.5 s after that first answer.`,
    );
    return rows(bare, mine);
  } finally {
    dir.remove();
  }
}

function rows(bare: Sample[], mine: Sample[]): Row[] {
  const startBare = median(bare.map((s) => s.startMs));
  const startMine = median(mine.map((s) => s.startMs));
  const rssBare = median(bare.map((s) => s.rss));
  const rssMine = median(mine.map((s) => s.rss));
  return [
    {
      scenario: '5. compiled binary: spawn to first 200 (median)',
      baseline: `${fmt(startBare, 1)} ms`,
      taskmock: `${fmt(startMine, 1)} ms`,
      ratio: ratio(startMine, startBare),
      target: '≤ 3× and ≤ 100 ms',
      met: met(startMine <= 3 * startBare && startMine <= 100),
    },
    {
      scenario: '5. compiled binary: idle RSS (median)',
      baseline: `${fmt(rssBare / MB, 1)} MB`,
      taskmock: `${fmt(rssMine / MB, 1)} MB`,
      ratio: ratio(rssMine, rssBare),
      target: '≤ 2×',
      met: met(rssMine <= 2 * rssBare),
    },
  ];
}
