// Hosted mode survives a crash: keys issued and revoked before a SIGKILL are the same after the
// restart, on a real process and a real file.
import { afterAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { spawnServer } from './process.ts';
import { eventually, tempDir } from './helpers.ts';
import { LATE_WAKE_MS } from '../src/storage/commit-batch.ts';

const dir = tempDir();
afterAll(dir.cleanup);
const ADMIN = { 'x-admin-key': 'admin-secret-for-tests', 'content-type': 'application/json' };

test('issued and revoked keys survive SIGKILL and a restart', async () => {
  const flags = [
    '--db',
    join(dir.path, 'hosted.sqlite'),
    '--admin-key',
    ADMIN['x-admin-key'],
    '--api-keys',
    'configured-key-0001',
  ];
  const first = await spawnServer(flags);
  let key: string;
  try {
    const put = (name: string) =>
      fetch(`${first.url}/admin/keys/${name}`, { method: 'PUT', headers: ADMIN, body: '{"label":"L"}' });
    key = ((await (await put('ada')).json()) as { key: string }).key;
    const bobKey = ((await (await put('bob')).json()) as { key: string }).key;
    expect((await fetch(`${first.url}/admin/keys/bob`, { method: 'DELETE', headers: ADMIN })).status).toBe(204);
    const created = await fetch(`${first.url}/tasks?api_key=${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"kept","type":"gx.heavy"}',
    });
    expect(created.status).toBe(200);
    const journalOf = async (url: string) =>
      (await (await fetch(`${url}/admin/keys/ada/journal`, { headers: ADMIN })).text()).trim();
    // Recorded once the answer is out; committed with the next commit, within LATE_WAKE_MS (the
    // last quarter second of the journal is what a crash may lose, docs/hosted.md).
    await eventually(async () => (await journalOf(first.url)).includes('"path":"/tasks"'), 'the create journaled');
    const before = await journalOf(first.url);
    await Bun.sleep(LATE_WAKE_MS * 2);
    first.process.kill('SIGKILL');
    await first.process.exited;

    const second = await spawnServer(flags);
    try {
      const listed = (await (await fetch(`${second.url}/tasks?api_key=${key}`)).json()) as { tasks: { name: string }[] };
      expect(listed.tasks.map((task) => task.name)).toEqual(['kept']);
      // The journal written before the crash is all there, in order.
      const after = await journalOf(second.url);
      expect(after.startsWith(before)).toBe(true);
      expect(before).toContain('"transition":"created"');
      expect((await fetch(`${second.url}/tasks?api_key=${bobKey}`)).status).toBe(403);
      const keys = (await (await fetch(`${second.url}/admin/keys`, { headers: ADMIN })).json()) as {
        keys: { name: string; status: string; label: string; counters: { requests: number } }[];
      };
      expect(keys.keys.filter((each) => each.name !== keys.keys[0]!.name)).toEqual([
        expect.objectContaining({ name: 'ada', status: 'active', label: 'L' }),
        expect.objectContaining({ name: 'bob', status: 'revoked' }),
      ]);
      // Counters reached the file with the same commits as the tasks (one create, one list).
      expect(keys.keys.find((each) => each.name === 'ada')!.counters.requests).toBe(2);
    } finally {
      second.process.kill('SIGTERM');
      await second.process.exited;
    }
  } finally {
    first.process.kill('SIGKILL');
  }
}, 30_000);
