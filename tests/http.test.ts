// The REST contract of SPEC §1 and §4, driven in-process through app.handle: a table of rows for
// every error, then the behaviours around tenancy and limits.
import { afterEach, describe, expect, test } from 'bun:test';
import { TASK_NOT_FOUND_MESSAGE } from '../src/domain/errors.ts';
import { json, testTaskmock, type TestTaskmock } from './helpers.ts';

let taskmock: TestTaskmock;
afterEach(() => taskmock?.close());

const KEY = 'api_key=demo';
const valid = { name: 'resize', type: 'gx.small' };

interface Row {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  message: string;
}

const rows: Row[] = [
  { name: 'no key', method: 'GET', path: '/tasks', status: 403, message: 'Forbidden' },
  { name: 'unknown key', method: 'GET', path: '/tasks?api_key=nope', status: 403, message: 'Forbidden' },
  { name: 'empty key', method: 'POST', path: '/tasks?api_key=', body: valid, status: 403, message: 'Forbidden' },
  { name: 'key checked before workspace', method: 'GET', path: '/tasks?workspace_id=%5B', status: 403, message: 'Forbidden' },
  { name: 'no key on delete', method: 'DELETE', path: '/tasks/1', status: 403, message: 'Forbidden' },
  { name: 'no key on flush', method: 'POST', path: '/tasks/flush', status: 403, message: 'Forbidden' },
  { name: 'no key, bad body', method: 'POST', path: '/tasks', body: 'nope', status: 403, message: 'Forbidden' },
  {
    name: 'workspace with a bracket',
    method: 'GET',
    path: `/tasks?${KEY}&workspace_id=a%5Bb`,
    status: 400,
    message: 'invalid workspace id',
  },
  {
    name: 'workspace with a backtick',
    method: 'GET',
    path: `/tasks?${KEY}&workspace_id=%60`,
    status: 400,
    message: 'invalid workspace id',
  },
  {
    name: 'padded workspace, still malformed once trimmed',
    method: 'GET',
    path: `/tasks?${KEY}&workspace_id=%20a.b%20`,
    status: 400,
    message: 'invalid workspace id',
  },
  {
    name: 'first of repeated workspace ids is the one checked',
    method: 'GET',
    path: `/tasks?${KEY}&workspace_id=a.b&workspace_id=good`,
    status: 400,
    message: 'invalid workspace id',
  },
  { name: 'key of only spaces', method: 'GET', path: '/tasks?api_key=%20%20', status: 403, message: 'Forbidden' },
  {
    name: 'first of repeated keys is the one checked',
    method: 'GET',
    path: '/tasks?api_key=nope&api_key=demo',
    status: 403,
    message: 'Forbidden',
  },
  {
    name: 'workspace of 65 chars',
    method: 'POST',
    path: `/tasks?${KEY}&workspace_id=${'a'.repeat(65)}`,
    body: valid,
    status: 400,
    message: 'invalid workspace id',
  },
  {
    name: 'workspace on delete',
    method: 'DELETE',
    path: `/tasks/1?${KEY}&workspace_id=a.b`,
    status: 400,
    message: 'invalid workspace id',
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: '{"name":',
    headers: { 'content-type': 'application/json' },
    status: 400,
    message: 'invalid request body',
  },
  { name: 'JSON array', method: 'POST', path: `/tasks?${KEY}`, body: [valid], status: 400, message: 'invalid request body' },
  {
    name: 'JSON string',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: '"x"',
    headers: { 'content-type': 'application/json' },
    status: 400,
    message: 'invalid request body',
  },
  {
    name: 'JSON null',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: 'null',
    headers: { 'content-type': 'application/json' },
    status: 400,
    message: 'invalid request body',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: JSON.stringify(valid),
    headers: { 'content-type': 'text/plain' },
    status: 400,
    message: 'invalid request body',
  },
  {
    name: 'form body',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: 'name=a&type=gx.tiny',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 400,
    message: 'invalid request body',
  },
  {
    name: 'no body',
    method: 'POST',
    path: `/tasks?${KEY}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
    message: 'invalid request body',
  },
  {
    name: 'name missing',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { type: 'gx.tiny' },
    status: 400,
    message: 'name is required',
  },
  {
    name: 'name empty',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: '', type: 'gx.tiny' },
    status: 400,
    message: 'name is required',
  },
  {
    name: 'name only spaces',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: ' \t\n ', type: 'gx.tiny' },
    status: 400,
    message: 'name is required',
  },
  {
    name: 'name a number',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: 5, type: 'gx.tiny' },
    status: 400,
    message: 'name is required',
  },
  // The original's order: name before type, type before the name's length (SPEC §1).
  { name: 'empty object: name first', method: 'POST', path: `/tasks?${KEY}`, body: {}, status: 400, message: 'name is required' },
  {
    name: 'empty name, no type: name first',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: '' },
    status: 400,
    message: 'name is required',
  },
  {
    name: 'spaces for a name, bad type: name first',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: '  ', type: 'gx.huge' },
    status: 400,
    message: 'name is required',
  },
  {
    name: 'name too long and bad type: type first',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: 'x'.repeat(201), type: 'gx.huge' },
    status: 400,
    message: 'invalid task type',
  },
  {
    name: 'keys match ignoring case, values do not',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { Name: 'a', TYPE: 'GX.TINY' },
    status: 400,
    message: 'invalid task type',
  },
  {
    name: 'a Name key of only spaces is a missing name',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { NAME: ' ', Type: 'gx.tiny' },
    status: 400,
    message: 'name is required',
  },
  {
    name: 'name too long',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: 'x'.repeat(201), type: 'gx.tiny' },
    status: 400,
    message: 'name must be at most 200 characters',
  },
  {
    name: 'type missing (not defaulted)',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: 'a' },
    status: 400,
    message: 'invalid task type',
  },
  {
    name: 'type unknown',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: 'a', type: 'gx.huge' },
    status: 400,
    message: 'invalid task type',
  },
  {
    name: 'type wrong case',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: 'a', type: 'GX.TINY' },
    status: 400,
    message: 'invalid task type',
  },
  {
    name: 'type a number',
    method: 'POST',
    path: `/tasks?${KEY}`,
    body: { name: 'a', type: 1 },
    status: 400,
    message: 'invalid task type',
  },
  { name: 'id not a number', method: 'DELETE', path: `/tasks/abc?${KEY}`, status: 400, message: 'invalid task id' },
  { name: 'id zero', method: 'DELETE', path: `/tasks/0?${KEY}`, status: 400, message: 'invalid task id' },
  { name: 'id negative', method: 'DELETE', path: `/tasks/-1?${KEY}`, status: 400, message: 'invalid task id' },
  { name: 'id fractional', method: 'DELETE', path: `/tasks/1.5?${KEY}`, status: 400, message: 'invalid task id' },
  { name: 'id missing task', method: 'DELETE', path: `/tasks/99?${KEY}`, status: 404, message: TASK_NOT_FOUND_MESSAGE },
  { name: 'unknown route', method: 'GET', path: '/nope', status: 404, message: 'Not Found' },
  { name: 'unknown method on a route', method: 'PUT', path: `/tasks?${KEY}`, status: 404, message: 'Not Found' },
];

describe('error table', () => {
  test.each(rows.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    taskmock = testTaskmock();
    const response = await taskmock.request(row.method, row.path, { body: row.body, headers: row.headers });
    expect(response.status).toBe(row.status);
    expect(response.headers.get('content-type')).toStartWith('application/json');
    const body = await response.json();
    expect(body.message).toBe(row.message);
    expect(typeof body.code).toBe('string');
    // A refused request loses nothing and creates nothing.
    expect(taskmock.store.workspaceIdsWithTasks(taskmock.keyRing.identify('demo')!)).toEqual([]);
  });
});

describe('tasks', () => {
  test('create answers the queued task; list returns it; ids start at 1 and increase', async () => {
    taskmock = testTaskmock();
    const created = await json(taskmock.request('POST', `/tasks?${KEY}`, { body: { name: '  padded  ', type: 'gx.tiny' } }));
    expect(created.task).toMatchObject({
      id: 1,
      name: 'padded',
      type: 'gx.tiny',
      status: 'queued',
      startedAt: null,
      completedAt: null,
    });
    expect(Date.parse(created.task.createdAt)).toBe(taskmock.clock.now());
    const second = await json(taskmock.request('POST', `/tasks?${KEY}`, { body: valid }));
    expect(second.task.id).toBe(2);
    const listed = await json(taskmock.request('GET', `/tasks?${KEY}`));
    expect(listed).toEqual({ tasks: [created.task, second.task], version: 2 });
  });

  test('a charset on the JSON content type is accepted; extra fields are ignored', async () => {
    taskmock = testTaskmock();
    const response = await taskmock.request('POST', `/tasks?${KEY}`, {
      body: JSON.stringify({ ...valid, extra: true }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(200);
    expect(Object.keys((await response.json()).task)).not.toContain('extra');
  });

  test('delete answers 204 with an empty body for a queued task, then 404', async () => {
    taskmock = testTaskmock();
    await taskmock.request('POST', `/tasks?${KEY}`, { body: valid });
    const response = await taskmock.request('DELETE', `/tasks/1?${KEY}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect((await taskmock.request('DELETE', `/tasks/1?${KEY}`)).status).toBe(404);
  });

  test('a running task cannot be deleted', async () => {
    taskmock = testTaskmock();
    await taskmock.request('POST', `/tasks?${KEY}`, { body: { name: 'a', type: 'gx.heavy' } });
    taskmock.clock.advance(1000);
    const response = await taskmock.request('DELETE', `/tasks/1?${KEY}`);
    expect(response.status).toBe(404);
    expect((await json(taskmock.request('GET', `/tasks?${KEY}`))).tasks[0].status).toBe('running');
  });

  test('flush answers 204 and keeps only queued tasks', async () => {
    taskmock = testTaskmock();
    for (let i = 0; i < 3; i++) await taskmock.request('POST', `/tasks?${KEY}`, { body: { name: 'a', type: 'gx.tiny' } });
    taskmock.clock.advance(1000 + 100 + 3000);
    await taskmock.request('POST', `/tasks?${KEY}`, { body: valid });
    const response = await taskmock.request('POST', `/tasks/flush?${KEY}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    const { tasks } = await json(taskmock.request('GET', `/tasks?${KEY}`));
    expect(tasks.map((t: { id: number; status: string }) => [t.id, t.status])).toEqual([[4, 'queued']]);
  });
});

describe('authentication', () => {
  test.each([
    ['X-API-Key header', { 'x-api-key': 'demo' }],
    ['Authorization: Bearer header', { authorization: 'Bearer demo' }],
  ])('the key is accepted as an %s', async (_, headers) => {
    taskmock = testTaskmock();
    const response = await taskmock.request('POST', '/tasks', { body: valid, headers });
    expect(response.status).toBe(200);
    expect((await json(taskmock.request('GET', `/tasks?${KEY}`))).tasks).toHaveLength(1);
  });

  test('any configured key works; each key sees only its own tasks', async () => {
    taskmock = testTaskmock(['--api-keys', 'alice,bob']);
    await taskmock.request('POST', '/tasks?api_key=alice', { body: { name: 'alice task', type: 'gx.tiny' } });
    expect((await json(taskmock.request('GET', '/tasks?api_key=bob'))).tasks).toEqual([]);
    expect((await json(taskmock.request('GET', '/tasks?api_key=alice'))).tasks).toHaveLength(1);
    expect((await taskmock.request('DELETE', '/tasks/1?api_key=bob')).status).toBe(404);
    expect((await taskmock.request('GET', `/tasks?${KEY}`)).status).toBe(403);
  });

  test('the same workspace id under two keys holds two separate workspaces with their own ids', async () => {
    taskmock = testTaskmock(['--api-keys', 'alice,bob']);
    await taskmock.request('POST', '/tasks?api_key=alice&workspace_id=w', { body: valid });
    const bobs = await json(taskmock.request('POST', '/tasks?api_key=bob&workspace_id=w', { body: valid }));
    expect(bobs.task.id).toBe(1);
  });

  test('the key is stored only as a hash', async () => {
    taskmock = testTaskmock(['--api-keys', 'super-secret-key']);
    await taskmock.request('POST', '/tasks?api_key=super-secret-key', { body: valid });
    const [identity] = [taskmock.keyRing.identify('super-secret-key')!];
    expect(identity).toMatch(/^[0-9a-f]{64}$/);
    expect(taskmock.store.workspaceIdsWithTasks(identity)).toEqual(['default']);
  });
});

describe('workspaces and limits', () => {
  const create = (workspace: string) =>
    taskmock.request('POST', `/tasks?${KEY}&workspace_id=${workspace}`, { body: { name: 'a', type: 'gx.tiny' } });

  test('workspace_id defaults to "default" and separates task lists', async () => {
    taskmock = testTaskmock();
    await create('default');
    await create('other');
    expect((await json(taskmock.request('GET', `/tasks?${KEY}`))).tasks).toHaveLength(1);
    expect((await json(taskmock.request('GET', `/tasks?${KEY}&workspace_id=other`))).tasks).toHaveLength(1);
  });

  test('a fifth workspace is refused with 429; reading unknown workspaces creates nothing', async () => {
    taskmock = testTaskmock();
    for (const id of ['a', 'b', 'c']) expect((await create(id)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await taskmock.request('GET', `/tasks?${KEY}&workspace_id=read${i}`)).status).toBe(200);
    expect((await create('d')).status).toBe(200);
    const refused = await create('e');
    expect(refused.status).toBe(429);
    expect((await refused.json()).message).toBe('too many workspaces');
    expect((await create('a')).status).toBe(200);
  });

  test('the limit frees up when a workspace empties', async () => {
    taskmock = testTaskmock(['--max-workspaces', '1']);
    await create('a');
    expect((await create('b')).status).toBe(429);
    await taskmock.request('DELETE', `/tasks/1?${KEY}&workspace_id=a`);
    expect((await create('b')).status).toBe(200);
  });

  test('the limit is per key', async () => {
    taskmock = testTaskmock(['--max-workspaces', '1', '--api-keys', 'demo,other']);
    await create('a');
    const other = await taskmock.request('POST', '/tasks?api_key=other&workspace_id=b', { body: valid });
    expect(other.status).toBe(200);
  });

  test('a workspace holds at most MAX_WORKSPACE_TASKS tasks', async () => {
    taskmock = testTaskmock(['--max-workspace-tasks', '3']);
    for (let i = 0; i < 3; i++) expect((await create('w')).status).toBe(200);
    const refused = await create('w');
    expect(refused.status).toBe(429);
    expect((await refused.json()).message).toBe('too many tasks in workspace');
    expect((await json(taskmock.request('GET', `/tasks?${KEY}&workspace_id=w`))).tasks).toHaveLength(3);
  });

  test('a name of 200 characters after trimming is accepted', async () => {
    taskmock = testTaskmock();
    const response = await taskmock.request('POST', `/tasks?${KEY}`, { body: { name: ` ${'x'.repeat(200)} `, type: 'gx.tiny' } });
    expect(response.status).toBe(200);
  });

  test('a body over 64 KiB is refused with 413', async () => {
    taskmock = testTaskmock();
    const body = JSON.stringify({ name: 'a', type: 'gx.tiny', pad: 'x'.repeat(65 * 1024) });
    const response = await taskmock.request('POST', `/tasks?${KEY}`, {
      body,
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    });
    expect(response.status).toBe(413);
    expect((await response.json()).code).toBe('body_too_large');
  });
});

describe('system endpoints and CORS', () => {
  test('GET / is a plain-text index naming the endpoints and the docs', async () => {
    taskmock = testTaskmock();
    const response = await taskmock.request('GET', '/');
    expect(response.headers.get('content-type')).toStartWith('text/plain');
    const text = await response.text();
    for (const fragment of ['taskmock', '/tasks', '/tasks/flush', '/ws/tasks', '/swagger', '/asyncapi.json'])
      expect(text).toContain(fragment);
  });

  test('GET /stats gives RFC 3339 start and request times', async () => {
    taskmock = testTaskmock();
    const stats = await json(taskmock.request('GET', '/stats'));
    expect(stats.startedAt).toBe(new Date(taskmock.clock.now()).toISOString());
    expect(Number.isNaN(Date.parse(stats.requestedAt))).toBe(false);
    expect(stats).toMatchObject({ openSockets: 0, scheduledWorkspaces: 0 });
  });

  test('GET /stats counts the workspaces with work ahead', async () => {
    taskmock = testTaskmock();
    await taskmock.request('POST', `/tasks?${KEY}`, { body: { name: 'a', type: 'gx.tiny' } });
    expect((await json(taskmock.request('GET', '/stats'))).scheduledWorkspaces).toBe(1);
    taskmock.clock.advance(5000);
    expect((await json(taskmock.request('GET', '/stats'))).scheduledWorkspaces).toBe(0);
  });

  test('preflight is answered with the allowed methods and headers', async () => {
    taskmock = testTaskmock();
    const response = await taskmock.request('OPTIONS', '/tasks', {
      headers: { origin: 'http://app.test', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(response.headers.get('access-control-allow-headers')).toContain('X-API-Key');
  });

  test('errors carry the CORS header too, so browsers can read them', async () => {
    taskmock = testTaskmock();
    const response = await taskmock.request('GET', '/tasks', { headers: { origin: 'http://app.test' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('CORS_ORIGINS limits the allowed origins', async () => {
    taskmock = testTaskmock(['--cors-origins', 'http://good.test']);
    const good = await taskmock.request('GET', `/tasks?${KEY}`, { headers: { origin: 'http://good.test' } });
    expect(good.headers.get('access-control-allow-origin')).toBe('http://good.test');
    const bad = await taskmock.request('GET', `/tasks?${KEY}`, { headers: { origin: 'http://evil.test' } });
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });
});
