// Shared test fixtures: a taskmock on a manual clock with seeded randomness and an in-memory (or
// temp-file) database, plus small request helpers. Every test builds and disposes its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../src/scheduler/clock.ts';
import { parseCommandLine, type Config } from '../src/config/config.ts';
import { createLogger } from '../src/config/logger.ts';
import { seededRandom } from '../src/domain/random.ts';
import { buildTaskmock, type Taskmock } from '../src/server.ts';

export const silentLogger = createLogger({ level: 'silent', format: 'pretty' });

/** A Config as the command line would produce it, on an in-memory database unless told otherwise. */
export function testConfig(flags: string[] = [], env: Record<string, string> = {}): Config {
  return parseCommandLine(['--db', ':memory:', '--log-level', 'silent', ...flags], env).config;
}

export interface TestTaskmock extends Taskmock {
  clock: ManualClock;
  request(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string> }): Promise<Response>;
}

export function testTaskmock(flags: string[] = [], clock = new ManualClock()): TestTaskmock {
  const taskmock = buildTaskmock(testConfig(flags), { clock, random: seededRandom('tests'), logger: silentLogger });
  return {
    ...taskmock,
    clock,
    request: (method, path, init = {}) => taskmock.app.handle(buildRequest(method, path, init)),
  };
}

export function buildRequest(
  method: string,
  path: string,
  { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {},
): Request {
  const hasBody = body !== undefined;
  return new Request(`http://localhost${path}`, {
    method,
    headers: hasBody && typeof body !== 'string' ? { 'content-type': 'application/json', ...headers } : headers,
    body: hasBody ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
  });
}

export async function json<T = any>(response: Response | Promise<Response>): Promise<T> {
  return (await response).json() as Promise<T>;
}

/**
 * Waits until `check` holds, for bookkeeping that follows an action a moment later (a close seen
 * by the server, a process that answers). Fails naming `what` after `limitMs`.
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, limitMs = 5_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not there yet (a connection refused while a process starts): try again.
    }
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A fresh folder for database files, removed by the returned cleanup. */
export function tempDir(): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'taskmock-test-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
