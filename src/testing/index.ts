// `taskmock/testing`: start a taskmock for a test suite (bun test or Node's test runner) and drive
// it. Self-contained on purpose: it is bundled alone into dist/testing.js, next to the compiled
// dist/taskmock it spawns, so a project that installs the package needs nothing else.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type TaskType = 'gx.tiny' | 'gx.micro' | 'gx.small' | 'gx.medium' | 'gx.large' | 'gx.heavy';
export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed';
export interface Task {
  id: number;
  name: string;
  type: TaskType;
  status: TaskStatus;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}
export interface Clock {
  now: string;
  paused: boolean;
  timeScale: number;
  nextTransitionAt: string | null;
}
export interface Fixture {
  name: string;
  type: TaskType;
  status: 'queued' | 'running' | 'completed';
  remainingMs?: number;
}

export type FaultPreset = 'none' | 'slow' | 'flaky' | 'chaos';
/** A fault profile (SPEC §11); every field optional, ranges as `[min, max]`. */
export interface FaultProfile {
  latencyMs?: [number, number];
  errorRate?: number;
  errorStatuses?: number[];
  resetRate?: number;
  stream?: { dropAfterMs?: [number, number]; refuseRate?: number; delayMs?: [number, number] };
  tasks?: { failRate?: number };
}
/** The profile in force for the workspace, and where it comes from. */
export interface FaultsInForce {
  scope: 'workspace' | 'key' | 'server';
  preset?: FaultPreset;
  profile: FaultProfile;
}

/** A non-2xx answer: the server's `{"message","code"}` with the status. */
export class TaskmockError extends Error {
  override readonly name = 'TaskmockError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${message}`);
  }
}

export interface StartOptions {
  /** Extra command-line flags, e.g. `['--time-scale', '10', '--seed', 'ci']`. */
  args?: string[];
  /** Database file; `:memory:` by default. */
  db?: string;
  /** The API key to configure and use; a fresh random one by default. */
  key?: string;
  /** The workspace the client acts on (`default` unless told). */
  workspace?: string;
  /** The executable to run; by default the `taskmock` shipped beside this module. */
  command?: string[];
  startTimeoutMs?: number;
}

/** The command that runs taskmock: the compiled binary beside this file, else the sources under Bun. */
function defaultCommand(): string[] {
  for (const candidate of ['./taskmock', '../../dist/taskmock']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return [path];
  }
  const main = fileURLToPath(new URL('../main.ts', import.meta.url));
  if (process.versions.bun && existsSync(main)) return [process.execPath, main];
  throw new Error('taskmock/testing: no taskmock executable found (run `npm run build` in the taskmock package)');
}

function waitForBanner(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`taskmock did not start within ${timeoutMs} ms: ${output}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // The pretty banner, or the JSON one (`--log-format json`: {"event":"listening","url",...}).
      const match = /listening on (http:\/\/\S+)|"event":\s*"listening"[^\n]*?"url":\s*"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve((match[1] ?? match[2])!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => fail(new Error(`taskmock exited (${code}) before listening: ${output}`)));
  });
}

export type TaskmockClient = ReturnType<typeof createClient>;

/** A typed client of every /tasks and /control route, for one key and workspace. */
export function createClient(url: string, key: string, workspace = 'default') {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const separator = path.includes('?') ? '&' : '?';
    const response = await fetch(`${url}${path}${separator}workspace_id=${encodeURIComponent(workspace)}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const parsed = (await response.json()) as T & { message?: string; code?: string };
    if (!response.ok) throw new TaskmockError(response.status, parsed.code ?? 'unknown', parsed.message ?? '');
    return parsed;
  };
  type Moved = Clock & { tasks: Task[] };
  type Listed = { tasks: Task[]; version: number };
  const list = async (): Promise<Task[]> => (await call<Listed>('GET', '/tasks')).tasks;
  return {
    workspace,
    list,
    create: async (name: string, type: TaskType): Promise<Task> =>
      (await call<{ task: Task }>('POST', '/tasks', { name, type })).task,
    delete: (id: number): Promise<void> => call('DELETE', `/tasks/${id}`),
    flush: (): Promise<void> => call('POST', '/tasks/flush'),
    reset: (options: { scope?: 'workspace' | 'key' } = {}): Promise<void> =>
      call('POST', `/control/reset?scope=${options.scope ?? 'workspace'}`),
    fixtures: async (tasks: Fixture[]): Promise<Task[]> =>
      (await call<{ tasks: Task[] }>('POST', '/control/tasks', { tasks })).tasks,
    clock: (): Promise<Clock> => call('GET', '/control/clock'),
    pause: (): Promise<Clock> => call('POST', '/control/clock/pause'),
    resume: (): Promise<Clock> => call('POST', '/control/clock/resume'),
    advance: (ms: number): Promise<Moved> => call('POST', '/control/clock/advance', { ms }),
    next: (): Promise<Moved> => call('POST', '/control/clock/next'),
    setTimeScale: (timeScale: number | null): Promise<Clock> => call('PUT', '/control/clock', { timeScale }),
    faults: (): Promise<FaultsInForce> => call('GET', '/control/faults'),
    /** This workspace's own faults: a preset name or a profile. */
    setFaults: (faults: FaultPreset | FaultProfile): Promise<FaultsInForce> =>
      call('PUT', '/control/faults', typeof faults === 'string' ? { preset: faults } : faults),
    /** Back to the key's or the server's faults. */
    clearFaults: (): Promise<FaultsInForce> => call('DELETE', '/control/faults'),
    /**
     * Resolves with the list once `predicate` holds for it; rejects after `timeoutMs`. Between
     * checks it makes blocking reads (`GET /tasks?index=<version>&wait=`): each is answered the
     * moment the workspace changes, so nothing polls (a state shorter than a round trip can still
     * pass between two reads).
     */
    async waitFor(predicate: (tasks: Task[]) => boolean, { timeoutMs = 5_000 } = {}): Promise<Task[]> {
      const deadline = Date.now() + timeoutMs;
      let listed = await call<Listed>('GET', '/tasks');
      for (;;) {
        if (predicate(listed.tasks)) return listed.tasks;
        const left = Math.ceil(deadline - Date.now());
        if (left <= 0) throw new Error(`waitFor: the list did not match within ${timeoutMs} ms`);
        // The server holds a read for at most 5 minutes; a longer timeout takes several.
        listed = await call<Listed>('GET', `/tasks?index=${listed.version}&wait=${Math.min(left, 300_000)}ms`);
      }
    },
  };
}

export interface RunningTaskmock extends TaskmockClient {
  url: string;
  wsUrl: string;
  key: string;
  /** Another workspace of the same key. */
  client(workspace: string): TaskmockClient;
  /** SIGTERM, and resolves once the process has exited. */
  stop(): Promise<void>;
}

/** Starts a taskmock on a free port (`--port 0`, `:memory:` unless told) and hands back a client. */
export async function startTaskmock(options: StartOptions = {}): Promise<RunningTaskmock> {
  const key = options.key ?? `test-${randomBytes(12).toString('hex')}`;
  const [program, ...base] = options.command ?? defaultCommand();
  const args = [...base, '--port', '0', '--host', '127.0.0.1', '--db', options.db ?? ':memory:', ...(options.args ?? [])];
  // The key goes in the environment, not the argument list other users can read.
  const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, API_KEYS: key } });
  const url = await waitForBanner(child, options.startTimeoutMs ?? 15_000);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    ...createClient(url, key, options.workspace),
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws/tasks`,
    key,
    client: (workspace: string) => createClient(url, key, workspace),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
