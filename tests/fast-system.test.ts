// GET / and GET /health are answered by Bun's router (src/http/fast-system.ts) in front of Elysia's
// routes, so a server polled while it starts answers before Elysia composes its router. Both must
// give the same answer, headers included; with CORS limited to configured origins Elysia answers.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { buildRequest, testConfig } from './helpers.ts';

const COMPARED_HEADERS = ['content-type', 'vary', 'access-control-allow-origin', 'access-control-expose-headers'];

async function summary(response: Response) {
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)]));
  return { status: response.status, headers, body: await response.text() };
}

const lines: string[] = [];
let server: RunningTaskmock;
beforeAll(() => {
  const logger = {
    enabled: () => true,
    debug: () => undefined,
    info: (message: string) => void lines.push(message),
    warn: () => undefined,
    error: () => undefined,
    flush: () => undefined,
  };
  server = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1']), { logger });
});
afterAll(() => server.shutdown());

describe("the listening server's / and /health equal Elysia's own routes", () => {
  const cases: [string, string, Record<string, string>][] = [
    ['the index for curl', '/', {}],
    ['the index for a browser', '/', { accept: 'text/html,application/xhtml+xml' }],
    ['the index from another origin', '/', { origin: 'http://app.test' }],
    ['health', '/health', {}],
    ['health from another origin', '/health', { origin: 'http://app.test' }],
  ];
  test.each(cases)('%s', async (_, path, headers) => {
    const served = await summary(await fetch(`${server.url}${path}`, { headers }));
    const elysia = await summary(await server.app.handle(buildRequest('GET', path, { headers })));
    expect(served).toEqual(elysia);
  });

  test('they are answered by Bun without Elysia, and still logged and counted', async () => {
    // The comparisons above went through Elysia too, whose log hook runs after its answer is out.
    await Bun.sleep(20);
    lines.length = 0;
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    expect(lines).toEqual(['GET /health', 'GET /']);
    expect(Object.keys(server.nativeRoutes).sort()).toEqual(['/', '/health', '/tasks']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/taskmock_http_requests_total\{method="GET",route="\/health",status="200"\} [1-9]/);
  });
});

test('with CORS limited to configured origins, Elysia answers / and /health (its CORS layer decides)', () => {
  const limited = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1', '--cors-origins', 'http://app.test']));
  try {
    expect(Object.keys(limited.nativeRoutes)).toEqual(['/tasks']);
  } finally {
    void limited.shutdown();
  }
});
