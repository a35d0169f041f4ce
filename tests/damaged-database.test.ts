// A real server on a database file the test damages itself: a task row whose status no longer
// matches its index entry, as a flipped byte leaves it. The server must keep answering, say the
// database needs attention, keep scheduling other workspaces, and stop on SIGTERM.
// See docs/reliability.md ("A damaged database file").
import { afterAll, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, tempDir } from './helpers.ts';
import { runMain, spawnServer } from './process.ts';

const dir = tempDir();
afterAll(() => dir.cleanup());

const listOf = async (url: string, workspace: string): Promise<{ status: string }[]> =>
  ((await (await fetch(`${url}/tasks?api_key=demo&workspace_id=${workspace}`)).json()) as { tasks: { status: string }[] }).tasks;

const create = (url: string, workspace: string, type: string, name = type) =>
  fetch(`${url}/tasks?api_key=demo&workspace_id=${workspace}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type }),
  });

/** Makes the running task's row say `runnin_` while its index entry still says `running`, and due long ago. */
function damage(path: string): void {
  const db = new Database(path);
  db.run(`UPDATE tasks SET ends_at = 1 WHERE status = 'running'`);
  const { rootpage } = db.query<{ rootpage: number }, []>(`SELECT rootpage FROM sqlite_schema WHERE name = 'tasks'`).get()!;
  const { page_size } = db.query<{ page_size: number }, []>('PRAGMA page_size').get()!;
  db.close();
  const bytes = readFileSync(path);
  const page = bytes.subarray((rootpage - 1) * page_size, rootpage * page_size);
  const at = page.indexOf('running');
  expect(at).toBeGreaterThan(0);
  page.write('runnin_', at);
  writeFileSync(path, bytes);
}

test('a damaged workspace is dropped from the schedule; /health degrades, others run, SIGTERM stops it', async () => {
  const path = join(dir.path, 'damaged.sqlite');
  const flags = ['--db', path, '--time-scale', '100', '--log-level', 'warn', '--seed', 'damaged'];
  const first = await spawnServer(flags);
  expect((await create(first.url, 'broken', 'gx.heavy')).status).toBe(200);
  await eventually(async () => (await listOf(first.url, 'broken'))[0]?.status === 'running', 'the task to run', 10_000);
  first.process.kill('SIGTERM');
  expect(await first.process.exited).toBe(0);
  expect((await runMain(['check', '--db', path])).exitCode).toBe(0);
  damage(path);

  const checked = await runMain(['check', '--db', path]);
  expect(checked.exitCode).toBe(1);
  expect(checked.stdout).toContain('CHECK constraint failed in tasks');

  const second = await spawnServer(flags);
  await eventually(async () => (await (await fetch(`${second.url}/health`)).json()).status === 'degraded', 'a degraded /health');
  const health = await fetch(`${second.url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'degraded', database: 'needs attention', brokenWorkspaces: 1 });
  expect((await (await fetch(`${second.url}/stats`)).json()).database).toBe('needs attention');
  // Every other workspace is still served and scheduled.
  expect((await create(second.url, 'fine', 'gx.tiny')).status).toBe(200);
  await eventually(async () => (await listOf(second.url, 'fine'))[0]?.status === 'completed', 'the other workspace to run');
  second.process.kill('SIGTERM');
  expect(await second.process.exited).toBe(0);
  const stderr = await new Response(second.process.stderr).text();
  expect(stderr).toContain('workspace "broken"');
  expect(stderr).toContain('needs attention');
});

test('taskmock check on a healthy file prints ok and exits 0; on a missing file exits 1', async () => {
  const path = join(dir.path, 'fine.sqlite');
  const server = await spawnServer(['--db', path, '--log-level', 'warn']);
  server.process.kill('SIGTERM');
  await server.process.exited;
  const ok = await runMain(['check', '--db', path]);
  expect([ok.exitCode, ok.stdout.trim()]).toEqual([0, `${path}: ok`]);
  expect((await runMain(['check', '--db', join(dir.path, 'absent.sqlite')])).exitCode).toBe(1);
});

/** Makes the table page holding the task named `marker` unreadable: its cell count says 65,535. */
function damagePageHolding(path: string, marker: string): void {
  const db = new Database(path);
  const { page_size: pageSize } = db.query<{ page_size: number }, []>('PRAGMA page_size').get()!;
  db.close();
  const bytes = readFileSync(path);
  const at = bytes.indexOf(marker);
  expect(at).toBeGreaterThan(pageSize); // a task page, not the schema
  const page = Math.floor(at / pageSize) * pageSize;
  expect(bytes[page]).toBe(0x0d); // a table leaf
  bytes.writeUInt16BE(0xffff, page + 3);
  writeFileSync(path, bytes);
}

/** Opens a stream socket and resolves with its close code, or null if still open after 1 s. */
function closeCodeOf(url: string, workspace: string): Promise<number | null> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/tasks?api_key=demo&workspace_id=${workspace}`);
  const { promise, resolve } = Promise.withResolvers<number | null>();
  socket.onclose = (event) => resolve(event.code);
  setTimeout(() => {
    resolve(null);
    socket.close();
  }, 1_000);
  return promise;
}

// Issue 16, defect 3: a stream socket opened on a workspace whose page is unreadable used to end the
// process (exit 1), as the scheduler's timer did before it: the read threw out of Bun's socket handler.
test('a workspace whose rows cannot be read: its socket is closed with 1011, GET is a JSON 500, the server lives', async () => {
  const path = join(dir.path, 'unreadable.sqlite');
  const flags = ['--db', path, '--time-scale', '0.001', '--log-level', 'warn'];
  const first = await spawnServer(flags);
  for (let i = 0; i < 150; i++) {
    const name = `broken-row-${String(i).padStart(3, '0')} ${'x'.repeat(180)}`;
    expect((await create(first.url, 'broken', 'gx.heavy', name)).status).toBe(200);
  }
  expect((await create(first.url, 'fine', 'gx.heavy')).status).toBe(200);
  first.process.kill('SIGTERM');
  expect(await first.process.exited).toBe(0);
  damagePageHolding(path, 'broken-row-100');

  const second = await spawnServer(flags);
  try {
    const listed = await fetch(`${second.url}/tasks?api_key=demo&workspace_id=broken`);
    expect([listed.status, await listed.json()]).toEqual([500, { message: 'internal server error', code: 'internal_error' }]);
    expect(await closeCodeOf(second.url, 'broken')).toBe(1011);
    expect(await (await fetch(`${second.url}/health`)).json()).toEqual({
      status: 'degraded',
      database: 'needs attention',
      brokenWorkspaces: 1,
    });
    expect((await listOf(second.url, 'fine')).length).toBe(1);
    expect(await closeCodeOf(second.url, 'fine')).toBeNull();
  } finally {
    second.process.kill('SIGTERM');
  }
  expect(await second.process.exited).toBe(0);
  const stderr = await new Response(second.process.stderr).text();
  expect(stderr).toContain('workspace "broken"');
  expect(stderr).toContain('cannot be read: its sockets were closed with 1011');
}, 20_000);
