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

/** A listening server whose request log lines (info) land in `lines`. */
function logged(): { server: RunningTaskmock; lines: string[] } {
  const lines: string[] = [];
  const logger = {
    enabled: () => true,
    debug: () => undefined,
    info: (message: string) => void lines.push(message),
    request: (line: string) => void lines.push(line),
    warn: () => undefined,
    error: () => undefined,
    flush: () => undefined,
  };
  return { server: startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1']), { logger }), lines };
}

let server: RunningTaskmock;
beforeAll(() => {
  server = logged().server;
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
    // A server of its own: the comparisons above went through Elysia, whose log hook runs after its answer is out.
    const own = logged();
    try {
      expect((await fetch(`${own.server.url}/health`)).status).toBe(200);
      expect((await fetch(`${own.server.url}/`)).status).toBe(200);
      expect(own.lines).toEqual(['GET /health', 'GET /']);
      expect(Object.keys(own.server.nativeRoutes).sort()).toEqual(['/', '/health', '/tasks']);
      const metrics = await (await fetch(`${own.server.url}/metrics`)).text();
      expect(metrics).toMatch(/taskmock_http_requests_total\{method="GET",route="\/health",status="200"\} 1\b/);
    } finally {
      await own.server.shutdown();
    }
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
