// The plain POST /tasks is answered by Bun's router (src/http/fast-create.ts) in front of Elysia's
// route. Both must give the same answer to every request; every refusal stays Elysia's.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createLogger } from '../src/config/logger.ts';
import { errors } from '../src/domain/errors.ts';
import type { TaskService } from '../src/domain/tasks.ts';
import { createFastCreate } from '../src/http/fast-create.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { buildRequest, testConfig, testTaskmock } from './helpers.ts';

let server: RunningTaskmock;
beforeAll(() => {
  const flags = [
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--api-keys',
    'k1',
    '--max-workspaces',
    '100',
    '--max-workspace-tasks',
    '2',
  ];
  server = startTaskmock(testConfig(flags));
});
afterAll(() => server.shutdown());

const COMPARED_HEADERS = ['content-type', 'retry-after', 'access-control-allow-origin', 'access-control-expose-headers', 'vary'];

/** Status, headers and body, with the creation time (the two answers are made apart) blanked. */
async function summary(response: Response) {
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)]));
  const body = (await response.text()).replace(/"createdAt":"[^"]+"/, '"createdAt":"…"');
  return { status: response.status, headers, body };
}

let workspaces = 0;
/** `{ws}` in a path becomes a workspace no earlier case used. */
const fresh = (path: string) => path.replace('{ws}', `w${++workspaces}`);

const JSON_TYPE = { 'content-type': 'application/json' };
const cases: [string, string, string, Record<string, string>][] = [
  ['a plain create', '/tasks?api_key=k1&workspace_id={ws}', '{"name":"a","type":"gx.tiny"}', JSON_TYPE],
  ['keys in any case', '/tasks?api_key=k1&workspace_id={ws}', '{"Name":" a ","TYPE":"gx.heavy"}', JSON_TYPE],
  ['the key as a header', '/tasks?workspace_id={ws}', '{"name":"a","type":"gx.tiny"}', { ...JSON_TYPE, 'x-api-key': 'k1' }],
  ['an encoded key', '/tasks?api_key=%6B1&workspace_id={ws}', '{"name":"a","type":"gx.tiny"}', JSON_TYPE],
  ['an unknown key', '/tasks?api_key=nope&workspace_id={ws}', '{"name":"a","type":"gx.tiny"}', JSON_TYPE],
  ['a malformed workspace id', '/tasks?api_key=k1&workspace_id=a.b', '{"name":"a","type":"gx.tiny"}', JSON_TYPE],
  ['an empty object', '/tasks?api_key=k1&workspace_id={ws}', '{}', JSON_TYPE],
  ['not JSON', '/tasks?api_key=k1&workspace_id={ws}', '{"name":', JSON_TYPE],
  ['an array', '/tasks?api_key=k1&workspace_id={ws}', '[]', JSON_TYPE],
  ['text/plain', '/tasks?api_key=k1&workspace_id={ws}', '{"name":"a","type":"gx.tiny"}', { 'content-type': 'text/plain' }],
  ['an unknown type', '/tasks?api_key=k1&workspace_id={ws}', '{"name":"a","type":"gx.huge"}', JSON_TYPE],
  [
    'a name too long',
    '/tasks?api_key=k1&workspace_id={ws}',
    JSON.stringify({ name: 'x'.repeat(201), type: 'gx.tiny' }),
    JSON_TYPE,
  ],
  [
    'a body over 64 KiB',
    '/tasks?api_key=k1&workspace_id={ws}',
    JSON.stringify({ name: 'a', type: 'gx.tiny', pad: 'x'.repeat(70_000) }),
    JSON_TYPE,
  ],
  [
    'a browser origin',
    '/tasks?api_key=k1&workspace_id={ws}',
    '{"name":"a","type":"gx.tiny"}',
    { ...JSON_TYPE, origin: 'http://app.test' },
  ],
];

describe("POST /tasks from the listening server equals Elysia's own route", () => {
  test.each(cases)('%s', async (_, path, body, headers) => {
    const served = await summary(await fetch(`${server.url}${fresh(path)}`, { method: 'POST', headers, body }));
    const elysia = await summary(await server.app.handle(buildRequest('POST', fresh(path), { body, headers })));
    expect(served).toEqual(elysia);
  });

  test('a workspace at its task limit', async () => {
    const [mine, theirs] = [fresh('{ws}'), fresh('{ws}')];
    const create = { method: 'POST', headers: JSON_TYPE, body: '{"name":"a","type":"gx.heavy"}' };
    for (let i = 0; i < 2; i++) {
      expect((await fetch(`${server.url}/tasks?api_key=k1&workspace_id=${mine}`, create)).status).toBe(200);
      expect((await server.app.handle(buildRequest('POST', `/tasks?api_key=k1&workspace_id=${theirs}`, create))).status).toBe(
        200,
      );
    }
    const served = await summary(await fetch(`${server.url}/tasks?api_key=k1&workspace_id=${mine}`, create));
    const elysia = await summary(
      await server.app.handle(buildRequest('POST', `/tasks?api_key=k1&workspace_id=${theirs}`, create)),
    );
    expect(served.status).toBe(429);
    expect(served).toEqual(elysia);
    // The refused create took nothing: the list still holds the two.
    const listed = (await (await fetch(`${server.url}/tasks?api_key=k1&workspace_id=${mine}`)).json()) as { tasks: unknown[] };
    expect(listed.tasks).toHaveLength(2);
  });
});

test('each request counts once for its key, whether answered here or handed to Elysia', async () => {
  const requestsOfK1 = () => server.keyRing.list().find((record) => record.identity === server.keyRing.recognize('k1'))!.requests;
  const before = requestsOfK1();
  const post = (body: string) =>
    fetch(`${server.url}/tasks?api_key=k1&workspace_id=${fresh('{ws}')}`, { method: 'POST', headers: JSON_TYPE, body });
  expect((await post('{"name":"counted","type":"gx.tiny"}')).status).toBe(200);
  expect((await post('{"name":""}')).status).toBe(400);
  expect((await fetch(`${server.url}/tasks?api_key=k1`)).status).toBe(200);
  expect(requestsOfK1() - before).toBe(3);
});

describe('which creates skip Elysia', () => {
  const lines: string[] = [];
  const taskmock = testTaskmock(['--api-keys', 'k1']);
  const passedOn: { search: string; body: string }[] = [];
  const fastCreate = (service: TaskService) =>
    createFastCreate({
      keyRing: taskmock.keyRing,
      service,
      logger: createLogger({ level: 'info', format: 'pretty', write: (line) => lines.push(line) }),
      corsOpenToAll: true,
      unexpected: () => {},
      fallback: async (request) => {
        passedOn.push({ search: new URL(request.url).search, body: await request.text() });
        return new Response(null, { status: 418 });
      },
    });
  const fast = fastCreate(taskmock.service);
  const post = (path: string, body: string, headers: Record<string, string> = JSON_TYPE) =>
    fast(new Request(`http://localhost${path}`, { method: 'POST', headers, body }), undefined as never);

  test('a plain create is carried out and answered here, with its log line', async () => {
    const response = await post('/tasks?api_key=k1&workspace_id=w', '{"name":"here","type":"gx.tiny"}');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { task: { name: string } }).task.name).toBe('here');
    expect(passedOn).toEqual([]);
    expect(taskmock.store.listTasks({ keyHash: taskmock.keyRing.identify('k1')!, workspaceId: 'w' })).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/INFO {2}POST \/tasks status=200 ms=/);
  });

  test('refusals go to Elysia with the body they sent', async () => {
    const refused: [string, string][] = [
      ['/tasks?api_key=nope', '{"name":"a","type":"gx.tiny"}'],
      ['/tasks?api_key=k1&extra=1', '{"name":"a","type":"gx.tiny"}'],
      ['/tasks?api_key=k1', '{"name":"","type":"gx.tiny"}'],
      ['/tasks?api_key=k1', 'not json'],
    ];
    for (const [path, body] of refused) expect((await post(path, body)).status).toBe(418);
    expect(passedOn.map(({ body }) => body)).toEqual(refused.map(([, body]) => body));
  });

  test('a create whose commit fails is answered here, once, with the contract error', async () => {
    passedOn.length = 0;
    const full = fastCreate({ ...taskmock.service, create: () => Promise.reject(errors.storageFull()) });
    const request = new Request('http://localhost/tasks?api_key=k1', {
      method: 'POST',
      headers: JSON_TYPE,
      body: '{"name":"a","type":"gx.tiny"}',
    });
    const response = await full(request, undefined as never);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({ message: 'storage is full', code: 'storage_full' });
    expect(passedOn).toEqual([]);
  });
});
