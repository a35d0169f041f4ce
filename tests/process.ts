// Spawning the real server as a child process, for crash and command-line tests.
import type { Subprocess } from 'bun';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;

export interface ServerProcess {
  process: Subprocess<'ignore', 'pipe', 'pipe'>;
  url: string;
  output: () => string;
}

/** Runs `bun src/main.ts` with the given flags and waits for its banner to learn the URL. */
export async function spawnServer(flags: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = Bun.spawn([process.execPath, MAIN, '--port', '0', '--host', '127.0.0.1', ...flags], {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, ...env },
  });
  let text = '';
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + 15_000;
  while (!/listening on (http:\/\/\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done || Date.now() > deadline) {
      throw new Error(`server did not start: ${text}${await new Response(child.stderr).text()}`);
    }
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  const url = /listening on (http:\/\/\S+)/.exec(text)![1]!;
  return { process: child, url, output: () => text };
}

/** Runs `bun src/main.ts ARGS` to completion, in `cwd` when given. */
export async function runMain(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const child = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, ...env },
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, exitCode };
}
