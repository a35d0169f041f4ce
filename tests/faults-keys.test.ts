// A key's own fault profile (§11 scope workspace → key → server; §13 issue): an issued key's
// profile is in force for its workspaces that have none of their own, a reset puts a workspace
// back on it, and a bad profile is refused when the key is issued. On a real server process.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { PRESETS } from '../src/faults/presets.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { seededRandom } from '../src/domain/random.ts';
import { buildTaskmock } from '../src/server.ts';
import { buildRequest, silentLogger, tempDir, testConfig } from './helpers.ts';
import { spawnServer, type ServerProcess } from './process.ts';

const ADMIN = { 'x-admin-key': 'admin-secret-for-tests', 'content-type': 'application/json' };
/** The server's own profile: slow answers only, so a key's errors can only come from the key. */
const SERVER_FAULTS = '{"latencyMs": [1, 2]}';
const ALWAYS_502 = { errorRate: 1, errorStatuses: [502] };
let server: ServerProcess;

beforeAll(async () => {
  server = await spawnServer(['--db', ':memory:', '--admin-key', ADMIN['x-admin-key'], '--faults', SERVER_FAULTS, '--seed', '7']);
}, 30_000);
afterAll(async () => {
  server.process.kill('SIGTERM');
  await server.process.exited;
});

async function issue(name: string, body: object): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/admin/keys/${name}`, { method: 'PUT', headers: ADMIN, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

const call = (method: string, path: string, key: string, body?: object) =>
  fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}api_key=${key}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body && JSON.stringify(body),
  });

describe("an issued key's fault profile", () => {
  test('is in force for its workspaces; a workspace profile wins; a reset goes back to the key, not the server', async () => {
    const ada = (await issue('ada', { faults: ALWAYS_502 })).body.key as string;
    const bob = (await issue('bob', {})).body.key as string;

    const faulted = await call('GET', '/tasks?workspace_id=w1', ada);
    expect(faulted.status).toBe(502);
    // The key's profile replaces the server's (no latency from it): profiles are never merged.
    expect(faulted.headers.get('x-taskmock-fault')).toBe('error');
    expect(await faulted.json()).toEqual({ message: 'injected fault', code: 'injected_fault' });
    expect(await (await call('GET', '/control/faults?workspace_id=w1', ada)).json()).toEqual({
      scope: 'key',
      profile: ALWAYS_502,
    });
    // Another key, with no profile of its own, is under the server's.
    expect((await call('GET', '/tasks?workspace_id=w1', bob)).status).toBe(200);
    expect((await (await call('GET', '/control/faults', bob)).json()).scope).toBe('server');

    // The workspace's own profile is the most specific.
    expect((await call('PUT', '/control/faults?workspace_id=w1', ada, { preset: 'none' })).status).toBe(200);
    expect((await call('GET', '/tasks?workspace_id=w1', ada)).status).toBe(200);
    expect((await call('GET', '/tasks?workspace_id=w2', ada)).status).toBe(502);

    // A reset puts the workspace back on what is in force for its key: the key's profile.
    expect((await call('POST', '/control/reset?workspace_id=w1', ada)).status).toBe(204);
    expect((await (await call('GET', '/control/faults?workspace_id=w1', ada)).json()).scope).toBe('key');
    expect((await call('GET', '/tasks?workspace_id=w1', ada)).status).toBe(502);
  });

  test('a preset name works; "none" turns the server\'s faults off for the key; a re-issue replaces it', async () => {
    const cleo = (await issue('cleo', { faults: 'chaos' })).body.key as string;
    expect(await (await call('GET', '/control/faults', cleo)).json()).toEqual({
      scope: 'key',
      preset: 'chaos',
      profile: PRESETS.chaos,
    });
    const calm = (await issue('cleo', { faults: 'none' })).body.key as string;
    expect(await (await call('GET', '/control/faults', calm)).json()).toEqual({ scope: 'key', preset: 'none', profile: {} });
    const answer = await call('GET', '/tasks', calm);
    expect([answer.status, answer.headers.get('x-taskmock-fault')]).toEqual([200, null]);
  });

  test.each([
    [{ errorRate: 2 }, 'faults.errorRate must be a number from 0 to 1'],
    [{ latency: [1, 2] }, 'faults has unknown field "latency"'],
    [{ stream: { delayMs: [5, 1] } }, 'faults.stream.delayMs must be [min, max]'],
  ])('a key issued with the profile %j is refused with 400 naming the field', async (faults, message) => {
    const { status, body } = await issue('dora', { faults });
    expect(status).toBe(400);
    expect(body).toEqual({ message: expect.stringContaining(message), code: 'invalid_key_settings' });
    const keys = (await (await fetch(`${server.url}/admin/keys`, { headers: ADMIN })).json()) as { keys: { name: string }[] };
    expect(keys.keys.map((key) => key.name)).not.toContain('dora');
  });
});

test("a key's profile is stored with the key: in force again after a restart", async () => {
  const dir = tempDir();
  const flags = ['--db', join(dir.path, 'keys.sqlite'), '--admin-key', ADMIN['x-admin-key']];
  const start = () =>
    buildTaskmock(testConfig(flags), { clock: new ManualClock(), random: seededRandom('k'), logger: silentLogger });
  try {
    const first = start();
    const issued = await first.app.handle(
      buildRequest('PUT', '/admin/keys/erin', { body: { faults: ALWAYS_502 }, headers: { 'x-admin-key': ADMIN['x-admin-key'] } }),
    );
    const { key } = (await issued.json()) as { key: string };
    first.close();
    const second = start();
    const answer = await second.app.handle(buildRequest('GET', `/tasks?api_key=${key}`));
    second.close();
    expect([answer.status, answer.headers.get('x-taskmock-fault')]).toEqual([502, 'error']);
  } finally {
    dir.cleanup();
  }
});
