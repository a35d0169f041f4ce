// Clients written against the original work unchanged (SPEC §1): trimmed keys and workspace ids,
// an empty workspace id meaning `default`, the first of repeated parameters, body keys matched
// ignoring case, and CORS that lets any requested header through.
import { afterEach, describe, expect, test } from 'bun:test';
import { json, testTaskmock, type TestTaskmock } from './helpers.ts';

let taskmock: TestTaskmock;
afterEach(() => taskmock?.close());

const tiny = { name: 'a', type: 'gx.tiny' };
const namesIn = async (workspace: string) =>
  (await json(taskmock.request('GET', `/tasks?api_key=demo&workspace_id=${workspace}`))).tasks.map(
    (task: { name: string }) => task.name,
  );

describe('trimming and repeated parameters', () => {
  test.each([
    ['padded key and workspace id', '?api_key=%20demo%09&workspace_id=%20%20w1%20', 'w1'],
    ['an empty workspace id means default', '?api_key=demo&workspace_id=', 'default'],
    ['a workspace id of only white space means default', '?api_key=demo&workspace_id=%20%09%20', 'default'],
    ['the first of repeated workspace ids counts', '?api_key=demo&workspace_id=a&workspace_id=b', 'a'],
    ['the first of repeated keys counts', '?api_key=demo&api_key=wrong', 'default'],
    ['a plus is a space, trimmed too', '?api_key=demo&workspace_id=+w2+', 'w2'],
  ])('%s', async (_, query, workspace) => {
    taskmock = testTaskmock();
    const created = await taskmock.request('POST', `/tasks${query}`, { body: { name: 'here', type: 'gx.tiny' } });
    expect(created.status).toBe(200);
    expect(await namesIn(workspace)).toEqual(['here']);
  });

  test('padded keys in headers are trimmed', async () => {
    taskmock = testTaskmock();
    const bearer = await taskmock.request('POST', '/tasks', { body: tiny, headers: { authorization: 'Bearer  demo ' } });
    expect(bearer.status).toBe(200);
    const header = await taskmock.request('GET', '/tasks', { headers: { 'x-api-key': ' demo ' } });
    expect(header.status).toBe(200);
  });

  test('delete and flush honour the trimmed, first workspace id', async () => {
    taskmock = testTaskmock();
    await taskmock.request('POST', '/tasks?api_key=demo&workspace_id=w', { body: tiny });
    const deleted = await taskmock.request('DELETE', '/tasks/1?api_key=%20demo&workspace_id=%20w&workspace_id=x');
    expect(deleted.status).toBe(204);
    expect((await taskmock.request('POST', '/tasks/flush?api_key=demo&workspace_id=')).status).toBe(204);
  });
});

describe('body keys match ignoring case', () => {
  test('{"Name", "TYPE"} is a valid create; values stay as sent', async () => {
    taskmock = testTaskmock();
    const response = await taskmock.request('POST', '/tasks?api_key=demo', { body: { Name: ' Mixed Case ', TYPE: 'gx.tiny' } });
    expect(response.status).toBe(200);
    expect((await response.json()).task).toMatchObject({ name: 'Mixed Case', type: 'gx.tiny' });
  });

  test('an exact key wins over a case variant, wherever it stands', async () => {
    taskmock = testTaskmock();
    const body = JSON.stringify({ Name: 'variant', name: 'exact', TYPE: 'gx.heavy', type: 'gx.tiny' });
    const response = await taskmock.request('POST', '/tasks?api_key=demo', {
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect((await response.json()).task).toMatchObject({ name: 'exact', type: 'gx.tiny' });
  });

  test('among case variants only, the first one counts', async () => {
    taskmock = testTaskmock();
    const body = JSON.stringify({ NAME: 'first', Name: 'second', Type: 'gx.tiny' });
    const response = await taskmock.request('POST', '/tasks?api_key=demo', {
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect((await response.json()).task.name).toBe('first');
  });
});

describe('CORS', () => {
  const EXPOSED = ['ETag', 'Retry-After', 'X-Taskmock-Fault'];

  test('a preflight allows every requested header and every method of the API', async () => {
    taskmock = testTaskmock();
    const requested = 'cache-control, x-requested-with, x-anything-at-all, content-type';
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      const response = await taskmock.request('OPTIONS', '/tasks', {
        headers: {
          origin: 'http://app.test',
          'access-control-request-method': method,
          'access-control-request-headers': requested,
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-headers')).toBe(requested);
      expect(response.headers.get('access-control-allow-methods')!.split(', ')).toContain(method);
      expect(response.headers.get('vary')).toContain('Access-Control-Request-Headers');
    }
  });

  test.each([
    ['a success', '/tasks?api_key=demo', 200],
    ['an error', '/tasks?api_key=wrong', 403],
    ['an unknown route', '/nope', 404],
  ])('%s exposes ETag, Retry-After and X-Taskmock-Fault', async (_, path, status) => {
    taskmock = testTaskmock();
    const response = await taskmock.request('GET', path, { headers: { origin: 'http://app.test' } });
    expect(response.status).toBe(status);
    expect(response.headers.get('access-control-expose-headers')!.split(', ')).toEqual(EXPOSED);
  });

  test('configured origins get the exposed headers too, others get no CORS header at all', async () => {
    taskmock = testTaskmock(['--cors-origins', 'http://good.test']);
    const good = await taskmock.request('GET', '/tasks?api_key=demo', { headers: { origin: 'http://good.test' } });
    expect(good.headers.get('access-control-expose-headers')).toBe(EXPOSED.join(', '));
    const preflight = await taskmock.request('OPTIONS', '/tasks', {
      headers: { origin: 'http://good.test', 'access-control-request-headers': 'x-requested-with' },
    });
    expect(preflight.headers.get('access-control-allow-headers')).toBe('x-requested-with');
    expect(preflight.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers');
    const bad = await taskmock.request('GET', '/tasks?api_key=demo', { headers: { origin: 'http://evil.test' } });
    expect(bad.headers.get('access-control-expose-headers')).toBeNull();
  });
});
