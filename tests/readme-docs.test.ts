// The README's ways to watch the stream and to run a downloaded binary: the one-line stream
// watcher is run as printed (host and port rewritten) and must print the list; the notes a hiring
// team forwards to a candidate must cover each system's first-run block.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { type ServerProcess, spawnServer } from './process.ts';

const readme = await Bun.file(new URL('../README.md', import.meta.url)).text();

let server: ServerProcess;
beforeAll(async () => {
  server = await spawnServer(['--db', ':memory:', '--log-level', 'warn']);
});
afterAll(async () => {
  server.process.kill('SIGTERM');
  await server.process.exited;
});

/** The first line the child prints, or a failure after `limitMs`. */
async function firstLine(child: Bun.Subprocess<'ignore', 'pipe', 'pipe'>, limitMs: number): Promise<string> {
  const reader = child.stdout.getReader();
  const timer = setTimeout(() => child.kill(), limitMs);
  let text = '';
  try {
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`exited before printing a line: ${await new Response(child.stderr).text()}`);
      text += new TextDecoder().decode(value);
    }
    return text.split('\n')[0]!;
  } finally {
    clearTimeout(timer);
    child.kill();
  }
}

// The README told a new user to watch the stream with websocat, which a new machine lacks.
test('the README watches the stream without websocat, and its one-liner prints the list', async () => {
  expect(readme).not.toContain('websocat');
  expect(readme).toContain('http://localhost:8700/docs/stream');
  const line = readme.split('\n').find((candidate) => candidate.startsWith('npx bun -e "'));
  expect(line).toBeDefined();
  const script = /^npx bun -e "(.*)"$/.exec(line!)![1]!.replaceAll('ws://localhost:8700', server.url.replace('http', 'ws'));
  const child = Bun.spawn([process.execPath, '-e', script], { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  expect(JSON.parse(await firstLine(child, 10_000))).toEqual([]);
});

test('the README tells a candidate how to start the binary on macOS, Windows and Linux', () => {
  const notes = readme.slice(readme.indexOf('## Running a downloaded binary'));
  expect(notes).toContain('xattr -d com.apple.quarantine ./taskmock-darwin-arm64');
  expect(notes).toContain('right-click');
  expect(notes).toContain('**More info**, then **Run anyway**');
  expect(notes).toContain('chmod +x ./taskmock-linux-x64');
  expect(notes).toContain('SHA256SUMS');
});

test('the README still opens with the install-and-start and the test commands', () => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  expect(firstBlock.split('\n')[0]).toStartWith('npm ci && npm start');
  expect(firstBlock.split('\n')[1]).toStartWith('npm test');
});
