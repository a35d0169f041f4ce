// A real scale-out on loopback for tests: N taskmock processes, each with its own SQLite file, and
// nginx running deploy/nginx.conf with only its ports and file paths rewritten.
import type { Subprocess } from 'bun';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../scripts/free-port.ts';
import { eventually, tempDir } from './helpers.ts';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
const SHIPPED_CONFIG = new URL('../deploy/nginx.conf', import.meta.url).pathname;

/** Debian's nginx, which is in /usr/sbin (not on every user's PATH). */
export const nginxBinary = Bun.which('nginx') ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : null);

export interface Instance {
  port: number;
  db: string;
  process: Subprocess<'ignore', 'ignore', 'pipe'>;
}

export interface Cluster {
  url: string;
  instances: Instance[];
  /**
   * Runs `action` with headers that tag its request in nginx's access log (by user agent: a
   * WebSocket is logged only when it closes, so lines do not come in request order), and returns
   * its result with the index of the instance nginx sent it to.
   */
  servedBy<T>(action: (tag: Record<string, string>) => Promise<T>): Promise<{ result: T; instance: number | null }>;
  kill(index: number): Promise<void>;
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** deploy/nginx.conf for these ports; fails if the shipped file no longer has the lines to rewrite. */
export function rewriteConfig(shipped: string, proxyPort: number, instancePorts: number[]): string {
  let servers = 0;
  const config = shipped
    .replace(/^(\s*listen 127\.0\.0\.1:)8700;/m, `$1${proxyPort};`)
    .replace(/^(\s*server 127\.0\.0\.1:)870\d\b([^\n]*)$/gm, (_line, head: string, tail: string) => {
      const port = instancePorts[servers++];
      return port === undefined ? '' : `${head}${port}${tail}`;
    });
  if (servers !== instancePorts.length || !config.includes(`listen 127.0.0.1:${proxyPort};`)) {
    throw new Error(`deploy/nginx.conf: expected one listen line and ${instancePorts.length} server lines to rewrite`);
  }
  return config;
}

async function waitForHealth(url: string, child: Subprocess<'ignore', 'ignore', 'pipe'>): Promise<void> {
  const healthyOrGone = async () => child.exitCode !== null || (await fetch(`${url}/health`)).ok;
  await eventually(healthyOrGone, `${url} to answer /health`, 15_000);
  if (child.exitCode !== null) throw new Error(`${url} exited early: ${await new Response(child.stderr).text()}`);
}

export async function startCluster(options: {
  instances: number;
  flags: string[];
  env?: Record<string, string>;
}): Promise<Cluster> {
  if (!nginxBinary) throw new Error('nginx is not installed');
  // Left as created (0700): nginx's workers, `nobody` when the test runs as root, cannot enter it,
  // as in a user's `mktemp -d`; the shipped file must not need them to (see deploy/nginx.conf).
  const dir = tempDir();
  const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
  const instances: Instance[] = [];

  const spawnInstance = async (port: number, db: string): Promise<Instance> => {
    const child = Bun.spawn(
      [
        process.execPath,
        MAIN,
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--db',
        db,
        '--log-level',
        'warn',
        ...options.flags,
      ],
      { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', env: { ...process.env, ...options.env } },
    );
    await waitForHealth(`http://127.0.0.1:${port}`, child);
    return { port, db, process: child };
  };

  let nginx: Subprocess<'ignore', 'ignore', 'pipe'> | undefined;
  const stopAll = async () => {
    nginx?.kill('SIGTERM');
    for (const instance of instances) instance.process.kill('SIGTERM');
    await Promise.all([nginx?.exited, ...instances.map((instance) => instance.process.exited)]);
    dir.cleanup();
  };

  const proxyPort = await freePort();
  const url = `http://127.0.0.1:${proxyPort}`;
  try {
    for (const [index, port] of ports.entries())
      instances.push(await spawnInstance(port, join(dir.path, `i${index + 1}.sqlite`)));
    const config = join(dir.path, 'nginx.conf');
    writeFileSync(config, rewriteConfig(readFileSync(SHIPPED_CONFIG, 'utf8'), proxyPort, ports));
    nginx = Bun.spawn([nginxBinary, '-p', dir.path, '-c', config, '-e', 'stderr', '-g', 'daemon off;'], {
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
    });
    await waitForHealth(url, nginx);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const accessLog = join(dir.path, 'access.log');
  let probes = 0;
  const logLines = () => (existsSync(accessLog) ? readFileSync(accessLog, 'utf8').split('\n').filter(Boolean) : []);

  return {
    url,
    instances,
    async servedBy(action) {
      const agent = `scale-out-probe-${++probes}`;
      const result = await action({ 'user-agent': agent });
      const line = () => logLines().find((entry) => entry.endsWith(`"${agent}"`));
      await eventually(() => line() !== undefined, `nginx to log the request of ${agent}`);
      const upstream = /upstream=127\.0\.0\.1:(\d+)/.exec(line()!)?.[1];
      const index = instances.findIndex((instance) => String(instance.port) === upstream);
      return { result, instance: index === -1 ? null : index };
    },
    async kill(index) {
      instances[index]!.process.kill('SIGKILL');
      await instances[index]!.process.exited;
    },
    async restart(index) {
      const { port, db } = instances[index]!;
      instances[index] = await spawnInstance(port, db);
    },
    stop: stopAll,
  };
}
