// A full volume (docs/reliability.md, "A full disk"), for real: the database lives on a 2 MiB tmpfs that the test
// fills. Creates are refused with a clear 503 while it is full, nothing acknowledged is lost, and
// once space is freed creates succeed again without a restart, and a restart succeeds. Needs root
// to mount (CI runs as root); skipped with a message otherwise.
import { afterAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.ts';
import { spawnServer, type ServerProcess } from './process.ts';

const dir = tempDir();
const volume = join(dir.path, 'volume');
mkdirSync(volume);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', volume]).status === 0;
if (!mounted) console.warn('full-disk test skipped: cannot mount a tmpfs here (needs root)');
afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', volume]);
  dir.cleanup();
});

/** Writes a file until the volume refuses more: afterwards not one more block fits. */
function fillVolume(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 0x5a);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

const NAME = 'n'.repeat(180);

async function create(server: ServerProcess, n: number): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const response = await fetch(`${server.url}/tasks?api_key=demo&workspace_id=w${n % 50}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `${n} ${NAME}`, type: 'gx.heavy' }),
  });
  return { status: response.status, body: await response.json(), retryAfter: response.headers.get('retry-after') };
}

async function storedNames(server: ServerProcess): Promise<Set<string>> {
  const names = new Set<string>();
  for (let w = 0; w < 50; w++) {
    const response = await fetch(`${server.url}/tasks?api_key=demo&workspace_id=w${w}`);
    expect(response.status).toBe(200);
    for (const task of ((await response.json()) as { tasks: { name: string }[] }).tasks) names.add(task.name);
  }
  return names;
}

test.skipIf(!mounted)(
  'a full volume: 503 storage_full while full, creates work again once space is freed, and a restart succeeds',
  async () => {
    const flags = ['--db', join(volume, 'tasks.sqlite'), '--max-workspaces', '100', '--log-level', 'silent'];
    let server = await spawnServer(flags);
    try {
      const acknowledged = new Set<string>();
      for (let n = 0; n < 20; n++) if ((await create(server, n)).status === 200) acknowledged.add(`${n} ${NAME}`);
      expect(acknowledged.size).toBe(20);
      const filler = join(volume, 'filler');
      fillVolume(filler);

      // Writes fit for a while in pages SQLite already owns; sooner or later the volume says no.
      let refused: Awaited<ReturnType<typeof create>> | undefined;
      for (let n = 20; n < 20_000 && !refused; n++) {
        const answer = await create(server, n);
        if (answer.status === 200) acknowledged.add(answer.body.task.name);
        else refused = answer;
      }
      expect(refused).toEqual({ status: 503, body: { message: 'storage is full', code: 'storage_full' }, retryAfter: '5' });
      // Reads go on while writes are refused, and show exactly what was acknowledged.
      expect(await storedNames(server)).toEqual(acknowledged);

      rmSync(filler);
      const after = await create(server, 100_000);
      expect(after.status).toBe(200);
      acknowledged.add(after.body.task.name);
      expect(await storedNames(server)).toEqual(acknowledged);

      server.process.kill('SIGTERM');
      expect(await server.process.exited).toBe(0);
      server = await spawnServer(flags);
      expect(await storedNames(server)).toEqual(acknowledged);
      expect((await create(server, 100_001)).status).toBe(200);
    } finally {
      server.process.kill('SIGKILL');
      await server.process.exited;
    }
  },
  60_000,
);

// Issue 16, defect 7 as it was seen: nothing but the database on a small volume. With SQLite's
// default auto-checkpoint (1,000 pages) the WAL alone filled the volume after 73 creates; once
// space was freed a dozen creates fitted before it was full again, and the next start failed with
// "disk I/O error". The smaller WAL limit and the checkpoint after a failed commit prevent both.
test.skipIf(!mounted)(
  'a WAL that grows on a small volume: the volume fills with tasks, not WAL, and a restart succeeds after freeing space',
  async () => {
    for (const name of readdirSync(volume)) rmSync(join(volume, name));
    const reserve = join(volume, 'reserve');
    writeFileSync(reserve, Buffer.alloc(256 * 1024, 1));
    const flags = ['--db', join(volume, 'wal.sqlite'), '--max-workspaces', '100', '--max-workspace-tasks', '100000'];
    let server = await spawnServer([...flags, '--log-level', 'silent']);
    try {
      const acknowledged = new Set<string>();
      for (let n = 0; n < 50_000; n++) {
        const answer = await create(server, n);
        if (answer.status !== 200) break;
        acknowledged.add(answer.body.task.name);
      }
      // A WAL held to about 1 MiB leaves the rest of the 2 MiB to the tasks (about 3,500 of them).
      expect(acknowledged.size).toBeGreaterThan(1_000);
      rmSync(reserve);
      for (let n = 0; n < 20; n++) {
        const answer = await create(server, 100_000 + n);
        expect(answer.status).toBe(200);
        acknowledged.add(answer.body.task.name);
      }
      server.process.kill('SIGTERM');
      expect(await server.process.exited).toBe(0);
      server = await spawnServer([...flags, '--log-level', 'silent']);
      expect(await storedNames(server)).toEqual(acknowledged);
    } finally {
      server.process.kill('SIGKILL');
      await server.process.exited;
    }
  },
  60_000,
);
