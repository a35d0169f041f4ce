// The admin board routes (SPEC §13): a key's workspaces and tasks by the key's name, without its
// secret, and each workspace's clock and faults driven from the admin side exactly as /control
// drives them. In-process, on the manual clock.
import { validate } from '@readme/openapi-parser';
import { afterEach, describe, expect, test } from 'bun:test';
import { eventually, json, testTaskmock, type TestTaskmock } from './helpers.ts';

const ADMIN = 'admin-secret-for-tests';
const admin = { 'x-admin-key': ADMIN };
const running: TestTaskmock[] = [];

afterEach(() => {
  for (const taskmock of running.splice(0)) taskmock.close();
});

function hosted(flags: string[] = []): TestTaskmock {
  const taskmock = testTaskmock(['--admin-key', ADMIN, '--seed', 'admin-board', ...flags]);
  running.push(taskmock);
  return taskmock;
}

async function issue(taskmock: TestTaskmock, name: string, body: unknown = {}): Promise<string> {
  const response = await taskmock.request('PUT', `/admin/keys/${name}`, { headers: admin, body });
  expect(response.status).toBe(200);
  return (await response.json()).key;
}

const create = (taskmock: TestTaskmock, key: string, workspace: string, name: string, type = 'gx.small') =>
  json(taskmock.request('POST', `/tasks?workspace_id=${workspace}`, { headers: { 'x-api-key': key }, body: { name, type } }));

const board = (taskmock: TestTaskmock, path: string, method = 'GET', body?: unknown) =>
  taskmock.request(method, `/admin/keys/ada/workspaces${path}`, { headers: admin, body });

describe('the admin board routes', () => {
  test('without ADMIN_KEY, /admin and every board route are unknown routes', async () => {
    const taskmock = testTaskmock();
    running.push(taskmock);
    for (const [method, path] of [
      ['GET', '/admin'],
      ['GET', '/admin/keys/ada/workspaces'],
      ['GET', '/admin/keys/ada/workspaces/default/tasks'],
      ['POST', '/admin/keys/ada/workspaces/default/clock/pause'],
    ] as const) {
      const response = await taskmock.request(method, path, { headers: admin });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ message: 'Not Found' });
    }
  });

  test.each([
    ['missing', {}],
    ['wrong', { 'x-admin-key': `${ADMIN}x` }],
  ])('a %s admin key is refused with 403 before the key, the workspace or the body is looked at', async (_, headers) => {
    const taskmock = hosted();
    const key = await issue(taskmock, 'ada');
    await create(taskmock, key, 'w', 'one');
    for (const [method, path] of [
      ['GET', '/admin/keys/ada/workspaces'],
      ['GET', '/admin/keys/nobody/workspaces/w/tasks'],
      ['GET', '/admin/keys/ada/workspaces/w/tasks?index=x'],
      ['POST', '/admin/keys/ada/workspaces/w/clock/pause'],
      ['POST', '/admin/keys/ada/workspaces/w/clock/resume'],
      ['POST', '/admin/keys/ada/workspaces/w/clock/next'],
      ['POST', '/admin/keys/ada/workspaces/w/clock/advance'],
      ['PUT', '/admin/keys/ada/workspaces/w/faults'],
      ['DELETE', '/admin/keys/ada/workspaces/w/faults'],
    ] as const) {
      const response = await taskmock.request(method, path, { headers, body: method === 'GET' ? undefined : '{not json' });
      expect([method, path, response.status]).toEqual([method, path, 403]);
      expect(await response.json()).toEqual({ message: 'Forbidden', code: 'forbidden' });
    }
    // Nothing happened: the workspace still runs on real time.
    expect((await json(board(taskmock, '/w/tasks'))).clock.paused).toBe(false);
  });

  test('an unknown key or workspace is 404, a malformed workspace id 400', async () => {
    const taskmock = hosted();
    const key = await issue(taskmock, 'ada');
    await create(taskmock, key, 'w', 'one');
    const cases: [string, string, number, string][] = [
      ['GET', '/admin/keys/bob/workspaces', 404, 'key not found'],
      ['GET', '/admin/keys/bob/workspaces/w/tasks', 404, 'key not found'],
      ['GET', '/admin/keys/ada/workspaces/never-used/tasks', 404, 'workspace not found'],
      ['POST', '/admin/keys/ada/workspaces/never-used/clock/pause', 404, 'workspace not found'],
      ['PUT', '/admin/keys/ada/workspaces/never-used/faults', 404, 'workspace not found'],
      ['GET', '/admin/keys/ada/workspaces/bad%20id/tasks', 400, 'invalid workspace id'],
    ];
    for (const [method, path, status, message] of cases) {
      const response = await taskmock.request(method, path, {
        headers: admin,
        body: method === 'PUT' ? { preset: 'slow' } : undefined,
      });
      expect([path, response.status, (await response.json()).message]).toEqual([path, status, message]);
    }
    // Asking about a workspace created nothing.
    expect((await json(board(taskmock, ''))).workspaces.map((w: { id: string }) => w.id)).toEqual(['w']);
  });

  test("lists a key's workspaces with counts, version, clock and faults, and reads one without the key", async () => {
    const taskmock = hosted();
    const key = await issue(taskmock, 'ada');
    await create(taskmock, key, 'b', 'first');
    await create(taskmock, key, 'b', 'second');
    await create(taskmock, key, 'a', 'other');
    expect((await board(taskmock, '/a/faults', 'PUT', { preset: 'slow' })).status).toBe(200);
    taskmock.clock.advance(1_000);
    await taskmock.batch.committed();
    const { workspaces } = await json(board(taskmock, ''));
    expect(workspaces.map((w: { id: string }) => w.id)).toEqual(['a', 'b']);
    const b = workspaces[1];
    expect(b).toMatchObject({
      id: 'b',
      tasks: 2,
      byStatus: { queued: 1, running: 1, completed: 0, failed: 0 },
      sockets: 0,
      clock: { paused: false, timeScale: 1, now: new Date(taskmock.clock.now()).toISOString() },
      faults: { scope: 'server', preset: 'none' },
    });
    expect(workspaces[0].faults).toMatchObject({ scope: 'workspace', preset: 'slow' });
    const listed = await json(taskmock.request('GET', '/tasks?workspace_id=b', { headers: { 'x-api-key': key } }));
    expect(b.version).toBe(listed.version);
    const tasks = await json(board(taskmock, '/b/tasks'));
    expect(tasks).toEqual({ tasks: listed.tasks, version: listed.version, clock: b.clock });
  });

  test('CONTROL=off removes /control, not the admin controls', async () => {
    const taskmock = hosted(['--control', 'off']);
    const key = await issue(taskmock, 'ada');
    await create(taskmock, key, 'w', 'one');
    expect(
      (await taskmock.request('POST', '/control/clock/pause?workspace_id=w', { headers: { 'x-api-key': key } })).status,
    ).toBe(404);
    expect((await json(board(taskmock, '/w/clock/pause', 'POST'))).paused).toBe(true);
  });

  test("a revoked key's workspaces stay readable by the admin", async () => {
    const taskmock = hosted();
    const key = await issue(taskmock, 'ada');
    await create(taskmock, key, 'w', 'kept');
    expect((await taskmock.request('DELETE', '/admin/keys/ada', { headers: admin })).status).toBe(204);
    const tasks = await json(board(taskmock, '/w/tasks'));
    expect(tasks.tasks.map((task: { name: string }) => task.name)).toEqual(['kept']);
  });

  test('the tasks route is a blocking read: it answers at the next change, then at once for an old index', async () => {
    const taskmock = hosted();
    const key = await issue(taskmock, 'ada');
    await create(taskmock, key, 'w', 'one');
    const { version } = await json(board(taskmock, '/w/tasks'));
    let answered = false;
    const waiting = json(board(taskmock, `/w/tasks?index=${version}&wait=20s`)).finally(() => (answered = true));
    // Parked, not answered: it waits for the change.
    await eventually(() => taskmock.blockingReads.parkedCount() === 1, 'the read to park');
    expect(answered).toBe(false);
    await create(taskmock, key, 'w', 'two');
    const woken = await waiting;
    expect(woken.version).toBeGreaterThan(version);
    expect(woken.tasks.map((task: { name: string }) => task.name)).toEqual(['one', 'two']);
    expect((await json(board(taskmock, `/w/tasks?index=${version}`))).version).toBe(woken.version);
    for (const query of ['index=x', 'index=1&wait=soon']) {
      const response = await board(taskmock, `/w/tasks?${query}`);
      expect(response.status).toBe(400);
    }
  });

  test('an admin pause is a change of the workspace: versioned, and it wakes blocking readers of GET /tasks', async () => {
    const taskmock = hosted();
    const key = await issue(taskmock, 'ada');
    await create(taskmock, key, 'w', 'one');
    const before = await json(taskmock.request('GET', '/tasks?workspace_id=w', { headers: { 'x-api-key': key } }));
    const reader = json(
      taskmock.request('GET', `/tasks?workspace_id=w&index=${before.version}&wait=20s`, { headers: { 'x-api-key': key } }),
    );
    await eventually(() => taskmock.blockingReads.parkedCount() === 1, 'the read to park');
    expect((await json(board(taskmock, '/w/clock/pause', 'POST'))).paused).toBe(true);
    expect((await reader).version).toBe(before.version + 1);
  });
});

/**
 * The same seeded server twice, the same requests: one side drives the workspace through
 * /control with the key, the other through the admin routes by name. Every answer must be equal,
 * timestamps included.
 */
describe('the admin clock and fault controls behave exactly as /control', () => {
  type Step = [string, string, unknown?];
  const steps: Step[] = [
    ['POST', 'clock/pause'],
    ['POST', 'clock/next'],
    ['POST', 'clock/next'],
    ['POST', 'clock/advance', { ms: 2_500 }],
    ['POST', 'clock/advance', { ms: -1 }],
    ['POST', 'clock/advance', '{not json'],
    ['POST', 'clock/advance', { ms: 600_000 }],
    ['POST', 'clock/next'],
    ['POST', 'clock/resume'],
    ['PUT', 'faults', { preset: 'flaky' }],
    ['PUT', 'faults', { errorRate: 2 }],
    ['PUT', 'faults', [1]],
    ['DELETE', 'faults'],
  ];

  async function run(via: 'control' | 'admin') {
    const taskmock = hosted();
    const key = await issue(taskmock, 'ada');
    for (const name of ['one', 'two', 'three']) await create(taskmock, key, 'w', name, 'gx.micro');
    const answers: unknown[] = [];
    for (const [method, path, body] of steps) {
      const response =
        via === 'control'
          ? await taskmock.request(method, `/control/${path}?workspace_id=w`, { headers: { 'x-api-key': key }, body })
          : await taskmock.request(method, `/admin/keys/ada/workspaces/w/${path}`, { headers: admin, body });
      answers.push([method, path, response.status, await response.json()]);
    }
    const list = await json(taskmock.request('GET', '/tasks?workspace_id=w', { headers: { 'x-api-key': key } }));
    return { answers, list };
  }

  test('same answers, same errors, same tasks and version', async () => {
    const control = await run('control');
    const admin = await run('admin');
    expect(admin.answers).toEqual(control.answers);
    expect(admin.list).toEqual(control.list);
    // And the sequence did something: tasks moved on and errors were met.
    const statuses = control.answers.map((answer) => (answer as [string, string, number])[2]);
    expect(statuses).toEqual([200, 200, 200, 200, 400, 400, 200, 409, 200, 200, 400, 400, 200]);
    expect(control.list.tasks.map((task: { status: string }) => task.status)).toEqual(['completed', 'completed', 'completed']);
  });
});

describe('the admin page GET /admin', () => {
  test('is served without the admin key, holds no data, and allows only its own script and this server', async () => {
    const taskmock = hosted();
    const response = await taskmock.request('GET', '/admin');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).not.toContain(ADMIN);
    expect(html).toContain('taskmock-admin-key');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'self'");
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const hash = new Bun.CryptoHasher('sha256').update(script).digest('base64');
    expect(policy).toContain(`script-src 'sha256-${hash}'`);
  });
});

describe('the board routes in the OpenAPI document', () => {
  test('are documented under admin with named schemas and their errors, and the document stays valid', async () => {
    const taskmock = hosted();
    const document = await json(taskmock.request('GET', '/swagger/json'));
    const base = '/admin/keys/{name}/workspaces/{workspace}';
    const operations: [string, string][] = [
      ['/admin/keys/{name}/workspaces', 'get'],
      [`${base}/tasks`, 'get'],
      [`${base}/clock/pause`, 'post'],
      [`${base}/clock/resume`, 'post'],
      [`${base}/clock/next`, 'post'],
      [`${base}/clock/advance`, 'post'],
      [`${base}/faults`, 'put'],
      [`${base}/faults`, 'delete'],
    ];
    for (const [path, method] of operations) {
      const operation = document.paths[path]?.[method];
      expect([path, method, operation?.tags]).toEqual([path, method, ['admin']]);
      expect(operation.security).toEqual([{ adminKey: [] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '403', '404']));
    }
    expect(document.paths[`${base}/clock/next`].post.responses[409].description).toContain('nothing is scheduled');
    expect(document.paths[`${base}/tasks`].get.responses[200].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/WorkspaceTasks',
    });
    expect(document.components.schemas.WorkspaceList.properties.workspaces.items).toEqual({
      $ref: '#/components/schemas/WorkspaceSummary',
    });
    expect(document.paths['/admin']).toBeUndefined();
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : result.errors).toEqual([]);
  }, 30_000);
});
