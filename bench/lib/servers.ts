// Starting the servers under test: taskmock from source (or a compiled binary) and the bare
// baselines, each in its own process on its own port, waited on until they answer.
import { BUN, freePort, spawnChild, stopChild, waitForOk, type Child } from './proc.ts';

export interface RunningServer {
  url: string;
  pid: number;
  child: Child;
  stop(): Promise<void>;
}

/** Flags for taskmock; every bench server logs at `warn` so request logging does not dominate. */
export interface TaskmockFlags {
  db?: string;
  apiKeys?: string[];
  timeScale?: number;
  [flag: string]: string | number | string[] | undefined;
}

function taskmockArgs(port: number, flags: TaskmockFlags): string[] {
  const args = ['--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn', '--db', flags.db ?? ':memory:'];
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

/** taskmock from source (`bun src/main.ts`), or `executable` when given. Keys go by env (API_KEYS). */
export async function startTaskmock(flags: TaskmockFlags = {}, executable?: string): Promise<RunningServer> {
  const port = freePort();
  const cmd = executable ? [executable] : [BUN, 'src/main.ts'];
  const keys = (flags.apiKeys ?? ['bench']).join(',');
  const child = spawnChild([...cmd, ...taskmockArgs(port, flags)], { API_KEYS: keys });
  return started(child, `http://127.0.0.1:${port}`, '/health');
}

/** A bare baseline from bench/baselines/<name>.ts; it reads its port from argv[2]. */
export async function startBaseline(name: string, ...args: string[]): Promise<RunningServer> {
  const port = freePort();
  const child = spawnChild([BUN, `bench/baselines/${name}.ts`, String(port), ...args]);
  return started(child, `http://127.0.0.1:${port}`, '/health');
}
