// The README's curl examples must work as printed: each one is run against a real server, with
// only the host and port rewritten to the test server's; and again with a person's minute before
// each (the workspaces' clocks advanced through /control, nothing sleeps).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnServer, type ServerProcess } from './process.ts';

const readme = await Bun.file(new URL('../README.md', import.meta.url)).text();
// A line ending in "\" continues on the next one; trailing "# comments" are dropped.
const commands = readme
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.startsWith('curl '))
  .map((line) => line.replace(/\s+#.*$/, ''));

const HUMAN_PAUSE_MS = 60_000;

let server: ServerProcess;
beforeAll(async () => {
  // With the admin key the README's "Running it for candidates" lines work too.
  server = await spawnServer(['--db', ':memory:', '--log-level', 'warn', '--admin-key', 'team-secret']);
});
afterAll(async () => {
  server.process.kill('SIGTERM');
  await server.process.exited;
});

test('the README has curl examples', () => {
  expect(commands.length).toBeGreaterThanOrEqual(5);
});

/** Runs one README command against `base`; the HTTP status of its last request. */
async function lastStatus(command: string, base: string): Promise<number> {
  const rewritten = command.replaceAll('http://localhost:8700', base);
  const child = Bun.spawn(['sh', '-c', `${rewritten} -o /dev/null -w '%{http_code}'`], { stdout: 'pipe', stderr: 'pipe' });
  // A URL range (`[1-20]`) sends several requests: each writes its status; the last one counts.
  const status = Number((await new Response(child.stdout).text()).slice(-3));
  expect(await child.exited).toBe(0);
  return status;
}

test.each(commands.map((command) => [command]))('%s', async (command) => {
  const status = await lastStatus(command, server.url);
  expect(status).toBeGreaterThanOrEqual(200);
  expect(status).toBeLessThan(300);
});

/** A person's pause: every workspace the examples use moves on, except one whose clock is paused. */
async function humanPause(base: string, workspaces: Iterable<string>): Promise<void> {
  for (const workspace of workspaces) {
    const clock = `${base}/control/clock?api_key=demo&workspace_id=${workspace}`;
    // A paused clock stands still however long the person takes (that is what pause is for).
    if ((await (await fetch(clock)).json()).paused) continue;
    const advanced = await fetch(clock.replace('/clock?', '/clock/advance?'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: HUMAN_PAUSE_MS }),
    });
    expect(advanced.status).toBe(200);
  }
}

// A person reads each answer and types the next line: the README's DELETE example once deleted
// task 1, which had started (and could not be deleted) long before anyone typed the DELETE.
test('every example still works when a minute passes before each one, as when typed by hand', async () => {
  const human = await spawnServer(['--db', ':memory:', '--log-level', 'warn', '--admin-key', 'team-secret', '--seed', 'readme']);
  const named = commands.flatMap((command) => [...command.matchAll(/workspace_id=([\w-]+)/g)].map((match) => match[1]!));
  const workspaces = new Set(['default', ...named]);
  try {
    for (const command of commands) {
      await humanPause(human.url, workspaces);
      const status = await lastStatus(command, human.url);
      expect({ command, ok: status >= 200 && status < 300 }).toEqual({ command, ok: true });
    }
  } finally {
    human.process.kill('SIGTERM');
    await human.process.exited;
  }
});
