// The plain GET /tasks is answered by Bun's router (src/http/fast-list.ts) in front of Elysia's
// route. Both must give the same answer to every request; only plain ones may skip Elysia.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createFastList } from '../src/http/fast-list.ts';
import { plainQuery } from '../src/http/fast-plain.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { buildRequest, silentLogger, testConfig, testTaskmock } from './helpers.ts';

let server: RunningTaskmock;
beforeAll(async () => {
  server = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1', '--api-keys', 'k1,k2']));
  for (const name of ['a', 'b']) {
    await fetch(`${server.url}/tasks?api_key=k1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, type: 'gx.heavy' }),
    });
  }
});
afterAll(() => server.shutdown());

const COMPARED_HEADERS = ['content-type', 'etag', 'access-control-allow-origin', 'access-control-expose-headers', 'vary'];

async function summary(response: Response) {
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)]));
  return { status: response.status, headers, body: await response.text() };
}

describe("GET /tasks from the listening server equals Elysia's own route", () => {
  const cases: [string, string, Record<string, string>][] = [
    ['a plain read', '/tasks?api_key=k1', {}],
    ['a named workspace', '/tasks?api_key=k1&workspace_id=default', {}],
    ['an empty workspace id', '/tasks?api_key=k1&workspace_id=', {}],
    ['another key', '/tasks?api_key=k2', {}],
    ['the key as a header', '/tasks', { 'x-api-key': 'k1' }],
    ['the key as a bearer token', '/tasks', { authorization: 'Bearer k1' }],
    ['a padded, encoded key', '/tasks?api_key=%20k1%20', {}],
    ['a repeated workspace id', '/tasks?api_key=k1&workspace_id=default&workspace_id=x', {}],
    ['an unknown key', '/tasks?api_key=nope', {}],
    ['no key', '/tasks', {}],
    ['a malformed workspace id', '/tasks?api_key=k1&workspace_id=a.b', {}],
    ['a current If-None-Match', '/tasks?api_key=k1', { 'if-none-match': '"2"' }],
    ['a stale If-None-Match', '/tasks?api_key=k1', { 'if-none-match': '"1"' }],
    ['a stale blocking read', '/tasks?api_key=k1&index=1&wait=1s', {}],
    ['an invalid wait', '/tasks?api_key=k1&index=1&wait=soon', {}],
    ['a browser origin', '/tasks?api_key=k1', { origin: 'http://app.test' }],
  ];
  test.each(cases)('%s', async (_, path, headers) => {
    const served = await summary(await fetch(`${server.url}${path}`, { headers }));
    const elysia = await summary(await server.app.handle(buildRequest('GET', path, { headers })));
    expect(served).toEqual(elysia);
  });
});

test('every read of the same list gets the whole body, and a change replaces it', async () => {
  const read = async () => (await fetch(`${server.url}/tasks?api_key=k2&workspace_id=again`)).text();
  const create = () =>
    fetch(`${server.url}/tasks?api_key=k2&workspace_id=again`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'again', type: 'gx.heavy' }),
    });
  await create();
  const [first, second, third] = [await read(), await read(), await read()];
  expect(JSON.parse(first).tasks).toHaveLength(1);
  expect([second, third]).toEqual([first, first]);
  await create();
  expect(JSON.parse(await read()).tasks).toHaveLength(2);
});

test('a repeated 304 keeps its ETag and headers, and a change ends it', async () => {
  const url = `${server.url}/tasks?api_key=k2&workspace_id=polled`;
  const create = () =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"p","type":"gx.heavy"}' });
  await create();
  const etag = (await fetch(url)).headers.get('etag')!;
  const polls = [
    await fetch(url, { headers: { 'if-none-match': etag } }),
    await fetch(url, { headers: { 'if-none-match': etag } }),
  ];
  for (const poll of polls) {
    expect([poll.status, poll.headers.get('etag'), poll.headers.get('access-control-allow-origin'), await poll.text()]).toEqual([
      304,
      etag,
      '*',
      '',
    ]);
  }
  await create();
  const changed = await fetch(url, { headers: { 'if-none-match': etag } });
  expect(changed.status).toBe(200);
  const newer = changed.headers.get('etag')!;
  expect(newer).not.toBe(etag);
  expect((await fetch(url, { headers: { 'if-none-match': newer } })).headers.get('etag')).toBe(newer);
});

test('a plain query is read as URLSearchParams would, and anything else is left to Elysia', () => {
  const cases: [string, Record<string, string> | undefined][] = [
    ['/tasks', {}],
    ['/tasks?api_key=k1', { api_key: 'k1' }],
    ['/tasks?api_key=k1&workspace_id=w', { api_key: 'k1', workspace_id: 'w' }],
    ['/tasks?workspace_id=&api_key=k1', { workspace_id: '', api_key: 'k1' }],
    ['/tasks?api_key', { api_key: '' }],
    ['/tasks?api_key=a=b', { api_key: 'a=b' }],
    ['/tasks?', undefined],
    ['/tasks?api_key=k1&', undefined],
    ['/tasks?api_key=k1&api_key=k2', undefined],
    ['/tasks?api_key=k%31', undefined],
    ['/tasks?api_key=k+1', undefined],
    ['/tasks?index=1', undefined],
  ];
  for (const [path, expected] of cases) {
    const url = `http://localhost${path}`;
    expect([path, plainQuery(url)]).toEqual([path, expected]);
    if (expected) expect(Object.fromEntries(new URL(url).searchParams)).toEqual(expected);
  }
});

describe('which requests skip Elysia', () => {
  const taskmock = testTaskmock(['--api-keys', 'k1']);
  const passedOn: string[] = [];
  const fast = createFastList({
    keyRing: taskmock.keyRing,
    service: taskmock.service,
    logger: silentLogger,
    corsOpenToAll: true,
    fallback: (request) => {
      passedOn.push(new URL(request.url).search);
      return new Response(null, { status: 418 });
    },
  });
  const call = (path: string, headers: Record<string, string> = {}) =>
    fast(new Request(`http://localhost${path}`, { headers }), undefined as never);

  test('plain reads by query, header or bearer are answered here', async () => {
    for (const [path, headers] of [
      ['/tasks?api_key=k1'],
      ['/tasks?api_key=k1&workspace_id=w'],
      ['/tasks', { 'x-api-key': 'k1' }],
    ] as const) {
      expect((await call(path, headers)).status).toBe(200);
    }
    expect(passedOn).toEqual([]);
  });

  test('everything else goes to Elysia', async () => {
    for (const path of [
      '/tasks?api_key=bad',
      '/tasks?api_key=k1&index=0',
      '/tasks?api_key=%6B1',
      '/tasks?api_key=k1&workspace_id=a&workspace_id=b',
      '/tasks?api_key=k1&workspace_id=..',
    ]) {
      expect((await call(path)).status).toBe(418);
    }
    expect(passedOn).toHaveLength(5);
  });
});
