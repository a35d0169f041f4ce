// The documents: /swagger/json is valid OpenAPI listing every endpoint with its errors,
// /asyncapi.json is valid AsyncAPI 3, and the /swagger page loads nothing from another host.
import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { testTaskmock, type TestTaskmock } from './helpers.ts';

let taskmock: TestTaskmock;
beforeEach(() => {
  taskmock = testTaskmock();
});
afterEach(() => taskmock.close());

const get = (path: string) => taskmock.request('GET', path);

const ENDPOINTS: Array<{ path: string; method: string; statuses: number[] }> = [
  { path: '/', method: 'get', statuses: [200] },
  { path: '/stats', method: 'get', statuses: [200] },
  { path: '/health', method: 'get', statuses: [200] },
  { path: '/tasks', method: 'get', statuses: [200, 400, 403] },
  { path: '/tasks', method: 'post', statuses: [200, 400, 403, 413, 429] },
  { path: '/tasks/flush', method: 'post', statuses: [204, 400, 403] },
  { path: '/tasks/{id}', method: 'delete', statuses: [204, 400, 403, 404] },
];

describe('OpenAPI at /swagger/json', () => {
  test('validates as OpenAPI 3', async () => {
    const response = await get('/swagger/json');
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.openapi).toStartWith('3.');
    expect(document.info.title).toBe('taskmock');
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  test.each(ENDPOINTS)('documents $method $path with its statuses', async ({ path, method, statuses }) => {
    const document = await (await get('/swagger/json')).json();
    const operation = document.paths[path]?.[method];
    expect(operation).toBeDefined();
    expect(operation.summary).toBeString();
    expect(Object.keys(operation.responses).map(Number).sort()).toEqual(statuses);
    for (const status of statuses.filter((code) => code >= 400)) {
      const media = operation.responses[status].content['application/json'];
      expect(media.schema.required).toEqual(['message', 'code']);
      expect(Object.keys(media.examples).length).toBeGreaterThan(0);
    }
  });

  test('task routes require the key by query, header or bearer; system routes need none', async () => {
    const document = await (await get('/swagger/json')).json();
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKeyHeader', 'apiKeyQuery', 'bearer']);
    expect(document.paths['/tasks'].get.security).toHaveLength(3);
    expect(document.paths['/health'].get.security).toEqual([]);
    const names = document.paths['/tasks'].get.parameters.map((parameter: { name: string }) => parameter.name);
    expect(names).toEqual(['api_key', 'workspace_id']);
  });

  test('lists the documented messages of each error', async () => {
    const document = await (await get('/swagger/json')).json();
    const notFound = document.paths['/tasks/{id}'].delete.responses[404];
    expect(notFound.content['application/json'].examples.task_not_found.value.message).toStartWith('the task could not be found');
    expect(document.paths['/tasks'].post.responses[429].description).toContain('too many workspaces');
  });

  test('leaves out the docs routes themselves and the plugin\'s CDN page', async () => {
    const document = await (await get('/swagger/json')).json();
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/swagger') || path.includes('.'))).toEqual([]);
    const json = await get('/swagger/json');
    expect(json.headers.get('content-type')).toContain('application/json');
  });
});

describe('AsyncAPI at /asyncapi.json', () => {
  test('parses as AsyncAPI 3 with no error diagnostics', async () => {
    const response = await get('/asyncapi.json');
    expect(response.status).toBe(200);
    const text = await response.text();
    const { document, diagnostics } = await new Parser().parse(text);
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0);
    expect(errors.map((diagnostic) => `${diagnostic.code}: ${diagnostic.message} at ${diagnostic.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
  });

  test('describes /ws/tasks, its query parameters, the Task list and the refusals', async () => {
    const document = await (await get('/asyncapi.json')).json();
    const channel = document.channels.tasks;
    expect(channel.address).toBe('/ws/tasks');
    expect(Object.keys(channel.bindings.ws.query.properties)).toEqual(['api_key', 'workspace_id']);
    expect(document.components.schemas.TaskList.items.$ref).toBe('#/components/schemas/Task');
    expect(document.components.schemas.Task.properties.id.type).toBe('integer');
    const refusals = channel['x-handshake-refusals'].map((refusal: { status: number }) => refusal.status);
    expect([...new Set(refusals)]).toEqual([400, 403, 429, 503]);
    expect(document.servers.taskmock).toMatchObject({ host: 'localhost', protocol: 'ws' });
  });
});

describe('the docs UI at /swagger', () => {
  test('references no external host and links the AsyncAPI document', async () => {
    const response = await get('/swagger');
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn/i);
    expect(html).toContain('href="/asyncapi.json"');
    for (const asset of html.matchAll(/(?:src|href)="(\/swagger\/assets\/[^"]+)"/g)) {
      const served = await get(asset[1]!);
      expect(served.status).toBe(200);
      expect((await served.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
  });

  test('an unknown asset is a JSON 404', async () => {
    const response = await get('/swagger/assets/nope.js');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found', code: 'not_found' });
  });

  test('the index links the docs', async () => {
    const text = await (await get('/')).text();
    expect(text).toContain('/swagger');
    expect(text).toContain('/asyncapi.json');
  });
});
