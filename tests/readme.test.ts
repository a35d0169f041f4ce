// The README's curl examples must work as printed: each one is run against a real server, with
// only the host and port rewritten to the test server's.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnServer, type ServerProcess } from './process.ts';

const readme = await Bun.file(new URL('../README.md', import.meta.url)).text();
// A line ending in "\" continues on the next one; trailing "# comments" are dropped.
const commands = readme
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.startsWith('curl '))
  .map((line) => line.replace(/\s+#.*$/, ''));

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

test.each(commands.map((command) => [command]))('%s', async (command) => {
  const rewritten = command.replaceAll('http://localhost:8700', server.url);
  const child = Bun.spawn(['sh', '-c', `${rewritten} -o /dev/null -w '%{http_code}'`], { stdout: 'pipe', stderr: 'pipe' });
  // A URL range (`[1-20]`) sends several requests: each writes its status; the last one counts.
  const status = Number((await new Response(child.stdout).text()).slice(-3));
  expect(await child.exited).toBe(0);
  expect(status).toBeGreaterThanOrEqual(200);
  expect(status).toBeLessThan(300);
});
