// The first hour, on real processes (SPEC §5): stopping `npm start` stops the server, the banner a
// program can read, the ready file, and a failed start that leaves no file behind.
import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, tempDir } from './helpers.ts';
import { runMain, spawnServer } from './process.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const dir = tempDir();
afterAll(() => dir.cleanup());

let serial = 0;
const freshDir = () => {
  const path = join(dir.path, `case-${++serial}`);
  Bun.spawnSync(['mkdir', '-p', path]);
  return path;
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const readReady = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { url: string; port: number; pid: number };

/** Starts `command` in the repository with a ready file, and waits until the server answers. */
async function launch(command: string[], env: Record<string, string> = {}) {
  const ready = join(freshDir(), 'ready.json');
  const child = Bun.spawn(command, {
    cwd: ROOT,
    // A process group of its own, as a terminal gives a command: Ctrl-C signals the whole group.
    detached: true,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, ...env, READY_FILE: ready },
  });
  try {
    await eventually(() => existsSync(ready), 'the ready file', 20_000);
  } catch (error) {
    // Whatever did start must not outlive the test: the whole group goes.
    process.kill(-child.pid, 'SIGKILL');
    throw error;
  }
  const server = readReady(ready);
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
  return { child, server, ready };
}

describe('stopping what the README starts stops the server', () => {
  const flags = ['--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--log-level', 'warn'];
  test.each([
    ['npm start', ['npm', 'start', '--', ...flags]],
    ['npx bun src/main.ts', ['npx', 'bun', 'src/main.ts', ...flags]],
  ] as const)(
    '%s, SIGTERM to npm alone: no orphan keeps the port',
    async (_, command) => {
      const { child, server } = await launch([...command]);
      expect(server.pid).not.toBe(child.pid);
      try {
        child.kill('SIGTERM');
        await eventually(() => !alive(server.pid), 'the server process to exit', 5_000);
        await expect(fetch(`${server.url}/health`)).rejects.toThrow();
      } finally {
        if (alive(server.pid)) process.kill(server.pid, 'SIGKILL');
        child.kill('SIGKILL');
      }
    },
    30_000,
  );

  test('npm start, Ctrl-C (SIGINT to the process group): everything exits', async () => {
    const { child, server } = await launch(['npm', 'start', '--', ...flags]);
    try {
      process.kill(-child.pid, 'SIGINT');
      await eventually(() => !alive(server.pid), 'the server process to exit', 5_000);
      await child.exited;
    } finally {
      if (alive(server.pid)) process.kill(server.pid, 'SIGKILL');
      child.kill('SIGKILL');
    }
  }, 30_000);
});

describe('a banner and a ready file for programs', () => {
  test('LOG_FORMAT=json prints the banner as one JSON object holding the port --port 0 picked', async () => {
    const { child, server } = await launch(
      [process.execPath, 'src/main.ts', '--port', '0', '--host', '127.0.0.1', '--db', ':memory:'],
      { LOG_FORMAT: 'json' },
    );
    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const stdout = await new Response(child.stdout).text();
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const banner = JSON.parse(lines[0]!);
    expect(banner).toMatchObject({
      event: 'listening',
      url: server.url,
      port: server.port,
      wsUrl: `ws://127.0.0.1:${server.port}/ws/tasks`,
      pid: server.pid,
    });
    expect(server.port).toBeGreaterThan(0);
  }, 30_000);

  test('READY_FILE holds {url, port, pid}, is written whole, and goes at a clean stop', async () => {
    const { child, server, ready } = await launch([process.execPath, 'src/main.ts', '--port', '0', '--db', ':memory:']);
    expect(Object.keys(server).sort()).toEqual(['pid', 'port', 'url']);
    expect(server.pid).toBe(child.pid);
    expect(server.url).toBe(`http://localhost:${server.port}`);
    // Written through a temp file and a rename: nothing else is left in the folder.
    expect(readdirSync(join(ready, '..'))).toEqual(['ready.json']);
    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(existsSync(ready)).toBe(false);
  }, 30_000);

  test('a ready file in a missing folder stops the start, naming the setting', async () => {
    const folder = freshDir();
    const { exitCode, stderr } = await runMain(['--port', '0', '--db', join(folder, 'db.sqlite')], {
      READY_FILE: join(folder, 'no', 'such', 'ready.json'),
    });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('READY_FILE');
    expect(readdirSync(folder)).toEqual([]);
  });

  test('the pretty banner shows the ws:// URL of the stream', async () => {
    const server = await spawnServer(['--db', ':memory:']);
    try {
      await eventually(() => server.output().includes('ws://'), 'the stream line');
      expect(server.output()).toContain(`${server.url.replace('http', 'ws')}/ws/tasks?api_key=demo`);
    } finally {
      server.process.kill('SIGTERM');
      await server.process.exited;
    }
  });
});

describe('a start that fails leaves no new file behind', () => {
  // The second row is the symptom as reported: `taskmock.sqlite` appeared in the folder of a start
  // that failed (no --db: the default path in the working directory).
  test.each([
    ['a busy port: no database file, no -wal, no -shm', (folder: string) => ['--db', join(folder, 'new.sqlite')]],
    ['a busy port, default database path: the working directory stays empty', () => []],
  ])('%s', async (_name, dbArgs) => {
    const holder = await spawnServer(['--db', ':memory:']);
    try {
      const folder = freshDir();
      const port = new URL(holder.url).port;
      const { exitCode, stderr } = await runMain(['--host', '127.0.0.1', '--port', port, ...dbArgs(folder)], {}, folder);
      expect(exitCode).toBe(2);
      expect(stderr).toContain(`port ${port}`);
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      holder.process.kill('SIGTERM');
      await holder.process.exited;
    }
  });

  test('a busy port never removes a database that was there before', async () => {
    const folder = freshDir();
    const db = join(folder, 'kept.sqlite');
    const first = await spawnServer(['--db', db]);
    const created = await fetch(`${first.url}/tasks?api_key=demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'keep me', type: 'gx.heavy' }),
    });
    expect(created.status).toBe(200);
    first.process.kill('SIGTERM');
    expect(await first.process.exited).toBe(0);

    const holder = await spawnServer(['--db', ':memory:']);
    try {
      const port = new URL(holder.url).port;
      expect((await runMain(['--host', '127.0.0.1', '--port', port, '--db', db])).exitCode).toBe(2);
    } finally {
      holder.process.kill('SIGTERM');
      await holder.process.exited;
    }
    const again = await spawnServer(['--db', db]);
    try {
      const { tasks } = (await (await fetch(`${again.url}/tasks?api_key=demo`)).json()) as { tasks: { name: string }[] };
      expect(tasks.map((task) => task.name)).toEqual(['keep me']);
    } finally {
      again.process.kill('SIGTERM');
      await again.process.exited;
    }
  }, 30_000);
});
