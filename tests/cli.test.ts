// The program as a user runs it: help, version, refusals at start, the banner, signals.
import { afterAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import packageJson from '../package.json' with { type: 'json' };
import { SETTINGS } from '../src/config/config.ts';
import { eventually, tempDir } from './helpers.ts';
import { runMain, spawnServer } from './process.ts';

const dir = tempDir();
afterAll(() => dir.cleanup());

describe('command line', () => {
  test('--help lists every setting with its variable', async () => {
    const { stdout, exitCode } = await runMain(['--help']);
    expect(exitCode).toBe(0);
    for (const setting of SETTINGS) {
      expect(stdout).toContain(`--${setting.flag}`);
      expect(stdout).toContain(setting.env);
    }
    expect(stdout).toContain('healthcheck');
  });

  test('--version prints the package version', async () => {
    const { stdout, exitCode } = await runMain(['--version']);
    expect(exitCode).toBe(0);
    expect(stdout.trim()).toBe(packageJson.version);
  });

  test('--help as printed fits 80 columns, shows value placeholders and ends with examples', async () => {
    const { stdout } = await runMain(['--help']);
    expect(stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(stdout).toMatch(/--port <n> +PORT +default 8700/);
    const examples = stdout.slice(stdout.indexOf('Examples:'));
    expect(examples.split('\n').filter((line) => line.trimStart().startsWith('taskmock ')).length).toBeGreaterThanOrEqual(2);
  });

  test('`taskmock help` and `taskmock version` work as words', async () => {
    const [help, word, version] = await Promise.all([runMain(['--help']), runMain(['help']), runMain(['version'])]);
    expect(word).toEqual(help);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toBe(packageJson.version);
  });

  // Node's parseArgs used to answer with advice about positional arguments and a stack trace.
  test.each([
    [['--nope'], 'taskmock: unknown option --nope (see taskmock --help)\n'],
    [['stray'], 'taskmock: unknown command "stray" (see taskmock --help)\n'],
  ])('%p gets our own one-line message and exit code 2', async (argv, message) => {
    const { stdout, stderr, exitCode } = await runMain(argv);
    expect({ stdout, stderr, exitCode }).toEqual({ stdout: '', stderr: message, exitCode: 2 });
  });

  test('a bad setting stops the program at start with a message naming it', async () => {
    const { stderr, exitCode } = await runMain(['--db', ':memory:'], { MAX_WORKSPACES: 'lots' });
    expect(exitCode).not.toBe(0);
    expect(stderr).toContain('MAX_WORKSPACES');
  });

  test('the banner shows the URL, docs, the default-key warning and the database', async () => {
    const db = join(dir.path, 'banner.sqlite');
    const server = await spawnServer(['--db', db]);
    try {
      await eventually(() => server.output().includes(db), 'the whole banner');
      const out = server.output();
      expect(out).toContain(server.url);
      expect(out).toContain(`${server.url}/swagger`);
      expect(out).toMatch(/WARNING.*demo/);
      expect(out).toContain(db);
    } finally {
      server.process.kill('SIGTERM');
      expect(await server.process.exited).toBe(0);
    }
  });

  test('configured keys are masked in the banner and never logged', async () => {
    const server = await spawnServer(['--db', ':memory:', '--api-keys', 'topsecret-key-123', '--log-level', 'info']);
    try {
      await fetch(`${server.url}/tasks?api_key=topsecret-key-123&workspace_id=w`);
      await fetch(`${server.url}/tasks`, { headers: { 'x-api-key': 'topsecret-key-123' } });
      server.process.kill('SIGTERM');
      await server.process.exited;
      const stderr = await new Response(server.process.stderr).text();
      const everything = server.output() + stderr;
      expect(everything).toContain('GET /tasks');
      expect(everything).not.toContain('topsecret-key-123');
      expect(everything).not.toContain('secret');
    } finally {
      server.process.kill('SIGKILL');
    }
  });

  test('a port already in use is an error at start, not a second server', async () => {
    const first = await spawnServer(['--db', ':memory:']);
    try {
      const port = new URL(first.url).port;
      const { stderr, exitCode } = await runMain(['--db', ':memory:', '--host', '127.0.0.1', '--port', port]);
      expect(exitCode).not.toBe(0);
      expect(stderr).toContain(`port ${port}`);
    } finally {
      first.process.kill('SIGTERM');
      await first.process.exited;
    }
  });

  test('a database in use by another taskmock is an error at start', async () => {
    const db = join(dir.path, 'shared.sqlite');
    const first = await spawnServer(['--db', db]);
    try {
      const { stderr, exitCode } = await runMain(['--db', db, '--port', '0']);
      expect(exitCode).not.toBe(0);
      expect(stderr).toContain('in use');
    } finally {
      first.process.kill('SIGTERM');
      await first.process.exited;
    }
  });

  test.each([
    ['a missing folder', () => join(dir.path, 'no', 'such', 'folder', 'x.sqlite')],
    [
      'a file that is not SQLite',
      () => {
        const path = join(dir.path, 'not-a-db.sqlite');
        writeFileSync(path, 'certainly not a database, but long enough to have a header: '.repeat(20));
        return path;
      },
    ],
  ])('a database path that cannot be opened (%s) is an error at start naming the setting', async (_, makePath) => {
    const path = makePath();
    const { stderr, exitCode } = await runMain(['--db', path, '--port', '0']);
    expect(exitCode).not.toBe(0);
    expect(stderr).toContain(path);
    expect(stderr).toContain('--db');
  });

  test('an address that cannot be bound is an error at start naming the setting', async () => {
    const { stderr, exitCode } = await runMain(['--db', ':memory:', '--host', '203.0.113.7', '--port', '0']);
    expect(exitCode).not.toBe(0);
    expect(stderr).toContain('--host');
  });

  test('SIGINT and SIGTERM stop the server with exit code 0', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const server = await spawnServer(['--db', join(dir.path, `${signal}.sqlite`)]);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      server.process.kill(signal);
      expect(await server.process.exited).toBe(0);
    }
  });
});
