// Regression: bodies a little over 64 KiB got a JSON 413, but bigger ones (or chunked ones) met
// Bun's own limit first and got a bare 413 with no body and no CORS header. Over a real socket.
import { afterEach, beforeEach, expect, test } from 'bun:test';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { testConfig } from './helpers.ts';

// Each test owns its server, so what one refused or stored cannot leak into the next.
let server: RunningTaskmock;
beforeEach(() => {
  server = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1']));
});
afterEach(() => server.shutdown());

const body = (bytes: number) => JSON.stringify({ name: 'big', type: 'gx.tiny', pad: 'x'.repeat(bytes) });

test.each([
  ['just over the limit', 64 * 1024],
  ['well over the limit', 512 * 1024],
])('a body %s gets a JSON 413 with the CORS header', async (_, size) => {
  const response = await fetch(`${server.url}/tasks?api_key=demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://app.test' },
    body: body(size),
  });
  expect(response.status).toBe(413);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(await response.json()).toMatchObject({ code: 'body_too_large' });
});

test('a chunked body over the limit, with no length announced, gets a JSON 413 too', async () => {
  const bytes = new TextEncoder().encode(body(200 * 1024));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 16 * 1024)
        controller.enqueue(bytes.slice(offset, offset + 16 * 1024));
      controller.close();
    },
  });
  const response = await fetch(`${server.url}/tasks?api_key=demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: stream,
  });
  expect(response.status).toBe(413);
  expect((await response.json()).code).toBe('body_too_large');
});

test('a body just under the limit is accepted, and nothing refused was stored', async () => {
  const refused = await fetch(`${server.url}/tasks?api_key=demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(64 * 1024),
  });
  expect(refused.status).toBe(413);
  const response = await fetch(`${server.url}/tasks?api_key=demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(60 * 1024),
  });
  expect(response.status).toBe(200);
  const { tasks } = (await (await fetch(`${server.url}/tasks?api_key=demo`)).json()) as { tasks: unknown[] };
  expect(tasks).toHaveLength(1);
});
