// How the process stands with whatever started it: the ready file a CI job waits for, and the
// parent watch that keeps `npm start` from leaving an orphan server behind.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Listening } from './cli.ts';

/**
 * Writes `{"url","port","pid"}` to `path` atomically: a reader polling for the file never sees it
 * half written (a temp file in the same folder, then a rename over the target).
 */
export function writeReadyFile(path: string, { url, port }: Listening, pid: number): void {
  const temp = `${path}.${pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify({ url, port, pid })}\n`);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * True when npm started this process: `npm start`, `npm run …` and `npx …` set these. npm runs a
 * script through `sh -c`, and on SIGTERM it signals that shell, which dies without passing the
 * signal on: the server would be left running, re-parented, holding its port.
 */
export function startedByNpm(env: Record<string, string | undefined>): boolean {
  return env.npm_lifecycle_event !== undefined || env.npm_command !== undefined;
}

/** How often the parent watch looks; one getppid() a beat, nothing else. */
const PARENT_CHECK_MS = 250;

/**
 * Calls `orphaned` once when this process's parent goes away (its parent pid changes as it is
 * re-parented to init or a subreaper). Polling, because no portable event exists for it.
 */
export function watchParent(orphaned: () => void, parentPid: () => number = () => process.ppid): () => void {
  const original = parentPid();
  const timer = setInterval(() => {
    if (parentPid() === original) return;
    clearInterval(timer);
    orphaned();
  }, PARENT_CHECK_MS);
  // The watch alone must never keep the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
