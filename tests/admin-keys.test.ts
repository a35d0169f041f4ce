// Hosted mode's keys (SPEC §13): issued, re-issued, revoked and expired on a running server, with
// limits that can only be lower than the server's. In-process, on the manual clock.
import { afterEach, describe, expect, test } from 'bun:test';
import { json, testTaskmock, type TestTaskmock } from './helpers.ts';

const ADMIN = 'admin-secret-for-tests';
const admin = { 'x-admin-key': ADMIN };
let taskmock: TestTaskmock;

function hosted(flags: string[] = []): TestTaskmock {
  taskmock = testTaskmock(['--admin-key', ADMIN, '--api-keys', 'configured-key-0001', ...flags]);
  return taskmock;
}

afterEach(() => taskmock?.close());

async function issue(name: string, body?: unknown) {
  const response = await taskmock.request('PUT', `/admin/keys/${name}`, { headers: admin, body });
  return { status: response.status, body: await response.json() };
}

const list = (key: string, workspace = 'default') =>
  taskmock.request('GET', `/tasks?workspace_id=${workspace}`, { headers: { 'x-api-key': key } });
const create = (key: string, workspace = 'default') =>
  taskmock.request('POST', `/tasks?workspace_id=${workspace}`, {
    headers: { 'x-api-key': key },
    body: { name: 'n', type: 'gx.tiny' },
  });

describe('the admin API', () => {
  test('without ADMIN_KEY every /admin route is an unknown route', async () => {
    taskmock = testTaskmock();
    const response = await taskmock.request('GET', '/admin/keys', { headers: admin });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ message: 'Not Found' });
  });

  test.each([
    ['missing', {}],
    ['wrong', { 'x-admin-key': 'admin-secret-for-test' }],
  ])('a %s admin key is refused with 403 before anything else', async (_, headers) => {
    hosted();
    for (const [method, path] of [
      ['GET', '/admin/keys'],
      ['PUT', '/admin/keys/BAD NAME'],
      ['DELETE', '/admin/keys/ada'],
    ] as const) {
      const response = await taskmock.request(method, path, { headers, body: method === 'PUT' ? '{not json' : undefined });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ message: 'Forbidden' });
    }
  });

  test('an issued key works at once, is shown once, and the list never shows a key or a hash', async () => {
    hosted();
    const issued = await issue('ada', { label: 'Ada, frontend' });
    expect(issued.status).toBe(200);
    expect(issued.body.key).toMatch(/^tm_ada_[A-Za-z0-9_-]{32}$/);
    expect(issued.body).toMatchObject({ name: 'ada', kind: 'issued', label: 'Ada, frontend', status: 'active' });
    expect((await create(issued.body.key)).status).toBe(200);
    const listed = await json(taskmock.request('GET', '/admin/keys', { headers: admin }));
    const text = JSON.stringify(listed);
    expect(text).not.toContain(issued.body.key.slice(7));
    expect(text).not.toContain('configured-key-0001');
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(listed.keys.map((key: { name: string }) => key.name)).toEqual([
      expect.stringMatching(/^configured-[0-9a-f]{8}$/),
      'ada',
    ]);
    const ada = listed.keys.find((key: { name: string }) => key.name === 'ada');
    expect(ada.counters).toEqual({ requests: 1, sockets: 0, tasksCreated: expect.any(Number) });
    expect(ada.lastSeenAt).toBe(new Date(taskmock.clock.now()).toISOString());
  });

  test('a name outside ^[a-z0-9-]{1,40}$ is refused', async () => {
    hosted();
    for (const name of ['Ada', 'a_b', 'x'.repeat(41), 'caf%C3%A9']) {
      expect(await issue(name)).toEqual({ status: 400, body: { message: 'invalid key name', code: 'invalid_key_name' } });
    }
  });

  test.each([
    [{ expiresAt: '2025-01-01T00:00:00Z' }, 'expiresAt must be in the future'],
    [{ expiresAt: 'tomorrow' }, 'expiresAt must be an ISO 8601 time'],
    [{ limits: { maxWorkspaces: 5 } }, 'limits.maxWorkspaces must be a whole number from 1 to 4'],
    [{ limits: { maxSomething: 1 } }, 'limits.maxSomething is not a limit'],
    [{ faults: 'sometimes' }, 'faults must be a preset'],
    [{ label: 7 }, 'label must be a string'],
    ['{not json', 'invalid request body'],
    ['[1]', 'invalid request body'],
  ])('bad settings %p are refused with a message naming them', async (body, message) => {
    hosted();
    const { status, body: answer } = await issue('ada', body);
    expect(status).toBe(400);
    expect(answer.message).toContain(message);
    expect((await json(taskmock.request('GET', '/admin/keys', { headers: admin }))).keys).toHaveLength(1);
  });

  test('a re-issue replaces the secret: the old key stops at once, the workspaces stay', async () => {
    hosted();
    const first = (await issue('ada')).body.key;
    await create(first);
    const second = (await issue('ada')).body.key;
    expect(second).not.toBe(first);
    expect((await list(first)).status).toBe(403);
    expect((await json(list(second))).tasks).toHaveLength(1);
  });

  test('a revoked key gets 403 at once; configured and unknown keys cannot be revoked', async () => {
    hosted();
    const key = (await issue('ada')).body.key;
    // Used first, so that the key has been recognised (and remembered) before it is revoked.
    expect((await list(key)).status).toBe(200);
    const revoked = await taskmock.request('DELETE', '/admin/keys/ada', { headers: admin });
    expect(revoked.status).toBe(204);
    expect((await list(key)).status).toBe(403);
    const shown = await json(taskmock.request('GET', '/admin/keys/ada', { headers: admin }));
    expect(shown).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    expect((await taskmock.request('DELETE', '/admin/keys/bob', { headers: admin })).status).toBe(404);
    const configured = (await json(taskmock.request('GET', '/admin/keys', { headers: admin }))).keys[0].name;
    expect((await taskmock.request('DELETE', `/admin/keys/${configured}`, { headers: admin })).status).toBe(409);
    expect((await issue(configured)).status).toBe(409);
  });

  test('an expired key stops working at its time', async () => {
    hosted();
    const expiresAt = new Date(taskmock.clock.now() + 60_000).toISOString();
    const key = (await issue('ada', { expiresAt })).body.key;
    taskmock.clock.advance(59_999);
    expect((await list(key)).status).toBe(200);
    taskmock.clock.advance(1);
    expect((await list(key)).status).toBe(403);
    expect(await json(taskmock.request('GET', '/admin/keys/ada', { headers: admin }))).toMatchObject({
      status: 'expired',
      expiresAt,
    });
  });

  test("a key's limits apply to it alone: workspaces, tasks and the running cap", async () => {
    hosted(['--time-scale', '1']);
    const key = (await issue('ada', { limits: { maxWorkspaces: 1, maxWorkspaceTasks: 3, maxRunningWorkspaceTasks: 1 } })).body
      .key;
    expect((await create(key, 'one')).status).toBe(200);
    expect(await json(create(key, 'two'))).toMatchObject({ message: 'too many workspaces' });
    await create(key, 'one');
    await create(key, 'one');
    expect(await json(create(key, 'one'))).toMatchObject({ message: 'too many tasks in workspace' });
    taskmock.clock.advance(1_500);
    const statuses = (await json(list(key, 'one'))).tasks.map((task: { status: string }) => task.status);
    expect(statuses.filter((status: string) => status === 'running')).toHaveLength(1);
    // The configured key keeps the server's limits.
    for (const workspace of ['a', 'b', 'c']) expect((await create('configured-key-0001', workspace)).status).toBe(200);
  });
});

describe('answered only once committed', () => {
  /** A row checked only at COMMIT (a deferred foreign key): the turn it joins fails to commit. */
  function doomThisTurn(): void {
    taskmock.db.run('CREATE TABLE IF NOT EXISTS doomed_parent (id INTEGER PRIMARY KEY)');
    taskmock.db.run(
      'CREATE TABLE IF NOT EXISTS doomed_child (parent INTEGER REFERENCES doomed_parent (id) DEFERRABLE INITIALLY DEFERRED)',
    );
    taskmock.batch.write(() => taskmock.db.run('INSERT INTO doomed_child VALUES (42)'));
  }

  test('an issue or a revoke whose COMMIT fails is not answered as done', async () => {
    hosted();
    expect((await issue('ada')).status).toBe(200);
    doomThisTurn();
    const reissue = taskmock.request('PUT', '/admin/keys/bob', { headers: admin });
    expect((await reissue).status).toBeGreaterThanOrEqual(500);
    doomThisTurn();
    const revoke = taskmock.request('DELETE', '/admin/keys/ada', { headers: admin });
    expect((await revoke).status).toBeGreaterThanOrEqual(500);
  });
});
