// Child processes for the bench: servers and load generators run apart from the orchestrator, and
// their CPU time and memory are read from /proc, as an outside observer would.
import type { Subprocess } from 'bun';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUN = process.execPath;
export const ROOT = join(import.meta.dir, '..', '..');
const CLOCK_TICKS_PER_SECOND = 100;

export type Child = Subprocess<'ignore' | 'pipe', 'pipe', any>;

/** A port nobody listens on right now (the kernel picks it; released at once). */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `taskmock-bench-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** `stderr` defaults to this terminal; a server's log can go to a file instead. */
export function spawnChild(
  cmd: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
  stderr: 'inherit' | ReturnType<typeof Bun.file> = 'inherit',
): Child {
  return Bun.spawn({
    cmd,
    cwd,
    env: { ...process.env, ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr,
  }) as Child;
}

/** Polls GET `url` until it answers 200; returns the milliseconds waited. */
export async function waitForOk(url: string, timeoutMs = 15_000, pollMs = 1): Promise<number> {
  const began = performance.now();
  while (performance.now() - began < timeoutMs) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return performance.now() - began;
    } catch {
      // not listening yet
    }
    await Bun.sleep(pollMs);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** User plus system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime field 14, stime field 15 (1-based, proc(5)).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

export async function stopChild(child: Child): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
  if (!exited) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

/** Reads the child's stdout to the end and parses the last non-empty line as JSON. */
export async function lastJsonLine<T>(child: Child): Promise<T> {
  const text = await new Response(child.stdout).text();
  await child.exited;
  const line = text.trim().split('\n').at(-1);
  if (!line || child.exitCode !== 0) throw new Error(`load process failed (exit ${child.exitCode}): ${text.slice(-500)}`);
  return JSON.parse(line) as T;
}

/** Reads the child's stdout until a line starts with `prefix`; returns that line. */
export async function waitForLine(child: Child, prefix: string, timeoutMs = 120_000): Promise<string> {
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), deadline]);
      if (chunk === null) throw new Error(`no "${prefix}" line within ${timeoutMs} ms`);
      if (chunk.done) throw new Error(`child exited before printing "${prefix}": ${buffered.slice(-500)}`);
      buffered += decoder.decode(chunk.value, { stream: true });
      const line = buffered.split('\n').find((candidate) => candidate.startsWith(prefix));
      if (line !== undefined) return line;
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
