// The documents: /swagger/json is valid OpenAPI listing every endpoint with its errors,
// /asyncapi.json is valid AsyncAPI 3, and the /swagger page loads nothing from another host.
import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { startTaskmock } from '../src/server.ts';
import { silentLogger, testConfig, testTaskmock, type TestTaskmock } from './helpers.ts';

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
  { path: '/tasks', method: 'get', statuses: [200, 304, 400, 403] },
  { path: '/tasks', method: 'post', statuses: [200, 400, 403, 413, 429] },
  { path: '/tasks/flush', method: 'post', statuses: [204, 400, 403] },
  { path: '/tasks/{id}', method: 'delete', statuses: [204, 400, 403, 404] },
  // Test control (SPEC §10), documented like the task routes.
  { path: '/control/reset', method: 'post', statuses: [204, 400, 403] },
  { path: '/control/tasks', method: 'post', statuses: [200, 400, 403, 413, 429] },
  { path: '/control/clock', method: 'get', statuses: [200, 400, 403] },
  { path: '/control/clock', method: 'put', statuses: [200, 400, 403, 413] },
  { path: '/control/clock/pause', method: 'post', statuses: [200, 400, 403] },
  { path: '/control/clock/resume', method: 'post', statuses: [200, 400, 403] },
  { path: '/control/clock/advance', method: 'post', statuses: [200, 400, 403, 413] },
  { path: '/control/clock/next', method: 'post', statuses: [200, 400, 403, 409] },
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
  }, 30_000);

  test.each(ENDPOINTS)('documents $method $path with its statuses', async ({ path, method, statuses }) => {
    const document = await (await get('/swagger/json')).json();
    const operation = document.paths[path]?.[method];
    expect(operation).toBeDefined();
    expect(operation.summary).toBeString();
    expect(Object.keys(operation.responses).map(Number).sort()).toEqual(statuses);
    for (const status of statuses.filter((code) => code >= 400)) {
      const media = operation.responses[status].content['application/json'];
      expect(media.schema).toEqual({ $ref: '#/components/schemas/Error' });
      expect(Object.keys(media.examples).length).toBeGreaterThan(0);
    }
  });

  test('task routes require the key by query, header or bearer; system routes need none', async () => {
    const document = await (await get('/swagger/json')).json();
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'adminKey',
      'apiKeyHeader',
      'apiKeyQuery',
      'bearer',
    ]);
    expect(document.paths['/tasks'].get.security).toHaveLength(3);
    expect(document.paths['/health'].get.security).toEqual([]);
    const names = document.paths['/tasks'].get.parameters.map((parameter: { name: string }) => parameter.name);
    expect(names).toEqual(['workspace_id', 'index', 'wait', 'If-None-Match']);
  });

  // "Try it out" pre-filled an `api_key` parameter with its example (`demo`) and sent it over the key
  // entered under Authorize: a server with its own key answered 403 to its own docs.
  test('the key is a security scheme only, never a pre-filled parameter of an operation', async () => {
    const document = await (await get('/swagger/json')).json();
    expect(document.components.securitySchemes.apiKeyQuery).toMatchObject({ type: 'apiKey', in: 'query', name: 'api_key' });
    const withKeyParameter = Object.entries<Record<string, { parameters?: Array<{ name: string }> }>>(document.paths).flatMap(
      ([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => (operation.parameters ?? []).some((parameter) => parameter.name === 'api_key'))
          .map(([method]) => `${method} ${path}`),
    );
    expect(withKeyParameter).toEqual([]);
  });

  test('names its schemas in components and references them, so generators make named types', async () => {
    const document = await (await get('/swagger/json')).json();
    const schemas = document.components.schemas;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining([
        'CreateTaskBody',
        'Error',
        'Health',
        'Stats',
        'Task',
        'TaskCreated',
        'TaskList',
        'TaskStatus',
        'TaskType',
      ]),
    );
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    expect(document.paths['/tasks'].get.responses[200].content['application/json'].schema).toEqual(ref('TaskList'));
    expect(document.paths['/tasks'].post.responses[200].content['application/json'].schema).toEqual(ref('TaskCreated'));
    expect(document.paths['/tasks'].post.requestBody.content['application/json'].schema).toEqual(ref('CreateTaskBody'));
    expect(document.paths['/stats'].get.responses[200].content['application/json'].schema).toEqual(ref('Stats'));
    expect(schemas.TaskList.properties.tasks.items).toEqual(ref('Task'));
    expect(schemas.TaskCreated.properties.task).toEqual(ref('Task'));
    expect(schemas.Task.properties.type).toEqual(ref('TaskType'));
    expect(schemas.TaskType).toMatchObject({
      type: 'string',
      enum: ['gx.tiny', 'gx.micro', 'gx.small', 'gx.medium', 'gx.large', 'gx.heavy'],
    });
    expect(schemas.Error.required).toEqual(['message', 'code']);
    expect(JSON.stringify(document)).not.toContain('x-component-name');
  });

  test('lists the documented messages of each error', async () => {
    const document = await (await get('/swagger/json')).json();
    const notFound = document.paths['/tasks/{id}'].delete.responses[404];
    expect(notFound.content['application/json'].examples.task_not_found.value.message).toStartWith('the task could not be found');
    expect(document.paths['/tasks'].post.responses[429].description).toContain('too many workspaces');
  });

  test('every /control answer and request body has an example; next documents 409 nothing is scheduled', async () => {
    const document = await (await get('/swagger/json')).json();
    const control = ENDPOINTS.filter(({ path }) => path.startsWith('/control'));
    for (const { path, method } of control) {
      const operation = document.paths[path][method];
      const ok = operation.responses[200]?.content['application/json'];
      if (ok) expect([path, Object.keys(ok.examples ?? {}).length]).toEqual([path, 1]);
      const body = operation.requestBody?.content['application/json'].schema.$ref?.split('/').pop();
      if (operation.requestBody) expect([path, document.components.schemas[body]?.examples?.length]).toEqual([path, 1]);
    }
    const conflict = document.paths['/control/clock/next'].post.responses[409].content['application/json'];
    expect(conflict.examples.nothing_scheduled.value).toEqual({ message: 'nothing is scheduled', code: 'nothing_scheduled' });
  });

  test("leaves out the docs routes themselves and the plugin's CDN page", async () => {
    const document = await (await get('/swagger/json')).json();
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/swagger') || path.includes('.'))).toEqual([]);
    const json = await get('/swagger/json');
    expect(json.headers.get('content-type')).toContain('application/json');
  });
});

describe('the docs describe the server they come from', () => {
  test('examples, servers and the AsyncAPI server use the host and port the client reached', async () => {
    const server = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1']), { logger: silentLogger });
    try {
      const origin = `127.0.0.1:${server.server.port}`;
      const openApi = await (await fetch(`${server.url}/swagger/json`)).json();
      expect(openApi.info.description).toContain(`curl 'http://${origin}/tasks?api_key=demo'`);
      expect(openApi.info.description).toContain(`ws://${origin}/ws/tasks?api_key=demo`);
      expect(openApi.info.description).not.toContain('8700');
      expect(openApi.servers).toEqual([expect.objectContaining({ url: `http://${origin}` })]);
      const asyncApi = await (await fetch(`${server.url}/asyncapi.json`)).json();
      expect(asyncApi.servers.taskmock).toMatchObject({ host: origin, protocol: 'ws' });
      expect(JSON.stringify(asyncApi)).not.toContain('8700');
    } finally {
      await server.shutdown();
    }
  });

  test('behind a proxy, X-Forwarded-Host and X-Forwarded-Proto win; a malformed host is ignored', async () => {
    const proxied = await (
      await taskmock.app.handle(
        new Request('http://10.0.0.5:8700/swagger/json', {
          headers: { 'x-forwarded-host': 'mock.example.org', 'x-forwarded-proto': 'https' },
        }),
      )
    ).json();
    expect(proxied.servers[0].url).toBe('https://mock.example.org');
    expect(proxied.info.description).toContain('wss://mock.example.org/ws/tasks');
    const forged = await (
      await taskmock.app.handle(
        new Request('http://localhost:9000/swagger/json', {
          headers: { 'x-forwarded-host': 'evil"><script>' },
        }),
      )
    ).json();
    expect(forged.servers[0].url).toBe('http://localhost:9000');
  });

  test('a server with its own keys shows a placeholder, never a configured key', async () => {
    const own = testTaskmock(['--api-keys', 'team-secret']);
    try {
      const text = JSON.stringify(await (await own.request('GET', '/swagger/json')).json());
      expect(text).toContain('api_key=KEY');
      expect(text).not.toContain('team-secret');
      expect(text).not.toContain('api_key=demo');
    } finally {
      own.close();
    }
  });

  test('the limits and pacing in force are the ones the server was started with', async () => {
    const custom = testTaskmock([
      '--max-running-workspace-tasks',
      '3',
      '--time-scale',
      '4',
      '--max-workspaces',
      '7',
      '--max-workspace-connections',
      '12',
      '--max-workspace-tasks',
      '50',
      '--stream-resend-ms',
      '2500',
    ]);
    try {
      const { description } = (await (await custom.request('GET', '/swagger/json')).json()).info;
      expect(description).toContain('| Tasks running at once, per workspace | **3** | `MAX_RUNNING_WORKSPACE_TASKS` |');
      expect(description).toContain('| Start pacing: a workspace starts at most one task every | **25 ms** |');
      expect(description).toContain('| Time a new task stays queued, at least | **250 ms** |');
      expect(description).toContain('| **4** | `TIME_SCALE` |');
      expect(description).toContain('| Workspaces per API key | **7** |');
      expect(description).toContain('| Open WebSockets per workspace | **12** |');
      expect(description).toContain('| Tasks held per workspace | **50** |');
      expect(description).toContain('`gx.tiny` 750 ms');
      expect(description).toContain('`gx.heavy` 1.25 min');
      expect(description).toContain('| Stream resend tick (`list` format) | **every 2.5 s** | `STREAM_RESEND_MS`');
      const page = await (await custom.request('GET', '/docs/stream')).text();
      expect(page).toContain('Every 2.5 s (<code>STREAM_RESEND_MS</code>, real time) the current list again');
      const asyncApi = await (await custom.request('GET', '/asyncapi.json')).json();
      expect(asyncApi.info.description).toContain('Every 2.5 s (`STREAM_RESEND_MS`, real time)');
    } finally {
      custom.close();
    }
  });
});

describe('the stream page at /docs/stream', () => {
  test("explains the frames with this server's host and limits, and loads nothing from another host", async () => {
    const custom = testTaskmock(['--max-workspace-connections', '3', '--max-workspaces', '2']);
    try {
      const response = await custom.app.handle(new Request('http://127.0.0.1:9555/docs/stream'));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      const html = await response.text();
      expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
      expect(html).toContain('ws://127.0.0.1:9555/ws/tasks?api_key=demo&#38;workspace_id=default');
      expect(html).toContain('bun -e');
      expect(html).toContain('3 sockets per workspace');
      expect(html).toContain('2 workspaces per key');
      expect(html).toContain('At once on open');
      expect(html).toContain('<option selected>list</option>');
      expect(html).toContain('<option>envelope</option><option>patch</option>');
      for (const format of ['list', 'envelope', 'patch']) expect(html).toContain(`<h3><code>${format}</code>`);
      expect(html).toContain('id="since"');
      expect(html).toContain('id="connect"');
      for (const link of ['/swagger', '/asyncapi.json', '/']) expect(html).toContain(`href="${link}"`);
    } finally {
      custom.close();
    }
  });

  test('the docs and the AsyncAPI document link the stream page', async () => {
    expect(await (await get('/swagger')).text()).toContain('href="/docs/stream"');
    expect((await (await get('/swagger/json')).json()).info.description).toContain('(/docs/stream)');
    expect((await (await get('/asyncapi.json')).json()).info.description).toContain('http://localhost/docs/stream');
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
    // The parser loads its rule sets on first use: seconds on a busy machine.
  }, 30_000);

  test('describes /ws/tasks, its query parameters, the Task list and the refusals', async () => {
    const document = await (await get('/asyncapi.json')).json();
    const channel = document.channels.tasks;
    expect(channel.address).toBe('/ws/tasks');
    expect(Object.keys(channel.bindings.ws.query.properties)).toEqual(['api_key', 'workspace_id', 'format', 'since']);
    expect(channel.bindings.ws.query.properties.format.enum).toEqual(['list', 'envelope', 'patch']);
    expect(Object.keys(channel.messages)).toEqual(['taskList', 'envelope', 'patch']);
    expect(document.components.schemas.Patch.required).toEqual(['version', 'from', 'changes']);
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
    expect(text).toContain('/docs/stream');
  });

  test.each<Record<string, string>>([{}, { accept: '*/*' }, { accept: 'application/json' }])(
    'GET / answers curl and scripts in plain text (%o)',
    async (headers) => {
      const response = await taskmock.request('GET', '/', { headers });
      expect(response.headers.get('content-type')).toStartWith('text/plain');
      expect(await response.text()).toStartWith('taskmock ');
    },
  );

  test('GET / answers a browser with an HTML index linking every document', async () => {
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const response = await taskmock.request('GET', '/', { headers: { accept } });
    expect(response.headers.get('content-type')).toStartWith('text/html');
    expect(response.headers.get('vary')).toContain('Accept');
    const links = [...(await response.text()).matchAll(/href="([^"]+)"/g)].map((match) => match[1]);
    expect(links).toEqual(
      expect.arrayContaining(['/swagger', '/docs/stream', '/asyncapi.json', '/swagger/json', '/stats', '/health']),
    );
    for (const link of links) expect({ link, status: (await get(link!)).status }).toEqual({ link, status: 200 });
  });
});
