// Starting the servers under test: taskmock as shipped (the compiled binary, default settings,
// request logging on) and the bare baselines, each in its own process on its own port.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUN, ROOT, freePort, spawnChild, stopChild, tempDir, waitForOk, type Child } from './proc.ts';

export interface RunningServer {
  url: string;
  pid: number;
  child: Child;
  stop(): Promise<void>;
}

/** Flags for taskmock on top of its defaults (the log stays at `info`, as users run it). */
export interface TaskmockFlags {
  db?: string;
  apiKeys?: string[];
  timeScale?: number;
  [flag: string]: string | number | string[] | undefined;
}

function taskmockArgs(port: number, flags: TaskmockFlags): string[] {
  const args = ['--port', String(port), '--host', '127.0.0.1', '--db', flags.db ?? ':memory:'];
  for (const [name, value] of Object.entries(flags)) {
    if (value === undefined || name === 'db' || name === 'apiKeys') continue;
    args.push(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(value));
  }
  return args;
}

async function started(child: Child, url: string, healthPath: string): Promise<RunningServer> {
  try {
    await waitForOk(`${url}${healthPath}`);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url, pid: child.pid, child, stop: () => stopChild(child) };
}

/** The executable users run: `dist/taskmock`, built by `bun run build` when missing. */
export const SHIPPED_BINARY = join(ROOT, 'dist', 'taskmock');

let built: Promise<void> | undefined;
export function ensureBinary(): Promise<void> {
  built ??= (async () => {
    if (existsSync(SHIPPED_BINARY)) return;
    const child = spawnChild([BUN, 'run', 'build']);
    await new Response(child.stdout).text();
    if ((await child.exited) !== 0) throw new Error('bun run build failed');
  })();
  return built;
}

/**
 * taskmock as shipped: the compiled binary, its request log at `info` written to a file (as a
 * terminal or a redirect would take it), keys by env (API_KEYS). `source: true` runs
 * `bun src/main.ts` instead, for profiling.
 */
export async function startTaskmock(flags: TaskmockFlags = {}, options: { source?: boolean } = {}): Promise<RunningServer> {
  const port = freePort();
  if (!options.source) await ensureBinary();
  const cmd = options.source ? [BUN, 'src/main.ts'] : [SHIPPED_BINARY];
  const keys = (flags.apiKeys ?? ['bench']).join(',');
  const logs = tempDir('log');
  const child = spawnChild(
    [...cmd, ...taskmockArgs(port, flags)],
    { API_KEYS: keys },
    ROOT,
    Bun.file(join(logs.path, 'taskmock.log')),
  );
  const server = await started(child, `http://127.0.0.1:${port}`, '/health');
  return { ...server, stop: () => server.stop().finally(logs.remove) };
}

/** A bare baseline from bench/baselines/<name>.ts; it reads its port from argv[2]. */
export async function startBaseline(name: string, ...args: string[]): Promise<RunningServer> {
  const port = freePort();
  const child = spawnChild([BUN, `bench/baselines/${name}.ts`, String(port), ...args]);
  return started(child, `http://127.0.0.1:${port}`, '/health');
}
