// Whatever the request's Host header says, a route answers the same: a proxy or a container network
// may name the server `api`, `tm` or `x` (with no port), and every answer, Bun's router's or
// Elysia's, must still find its path. (Elysia assumes hosts of at least four characters unless told
// otherwise, and looked for the path of `http://x/tasks?...` from inside `tasks`.)
import { afterAll, expect, test } from 'bun:test';
import { startTaskmock } from '../src/server.ts';
import { silentLogger, testConfig } from './helpers.ts';

const server = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1']), { logger: silentLogger });
afterAll(() => server.shutdown());

/** One request on its own connection, with `host` as its Host header: the status line's code. */
async function statusWithHost(method: string, path: string, host: string, body?: string): Promise<number> {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  let text = '';
  const head = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  if (body !== undefined) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  await Bun.connect({
    hostname: '127.0.0.1',
    port: server.server.port!,
    socket: {
      open: (socket) => void socket.write(`${head.join('\r\n')}\r\n\r\n${body ?? ''}`),
      data: (_socket, data) => void (text += data.toString()),
      close: () => resolve(text),
      error: (_socket, error) => reject(error),
    },
  });
  return Number((await promise).split(' ')[1]);
}

const ROUTES: [method: string, path: string, body?: string][] = [
  ['GET', '/health'],
  ['POST', '/tasks?api_key=demo&workspace_id=hosts', '{"name":"a","type":"gx.tiny"}'],
  ['GET', '/tasks?api_key=demo&workspace_id=hosts'],
  // A blocking read of a version already passed: answered at once.
  ['GET', '/tasks?api_key=demo&workspace_id=hosts&index=0&wait=1s'],
  ['POST', '/tasks?api_key=demo&workspace_id=hosts', '{"name":"a","type":"gx.nope"}'],
  ['GET', '/tasks/1?api_key=demo&workspace_id=hosts'],
  ['GET', '/stats'],
  ['GET', '/swagger/json'],
  ['GET', '/ws/tasks?api_key=demo&workspace_id=hosts'],
  ['GET', '/docs'],
  ['GET', '/no-such-route'],
];

test('every route answers the same for a one-letter, a two-letter and a usual Host', async () => {
  for (const [method, path, body] of ROUTES) {
    const expected = await statusWithHost(method, path, '127.0.0.1', body);
    const seen = { x: await statusWithHost(method, path, 'x', body), ab: await statusWithHost(method, path, 'ab', body) };
    expect({ route: `${method} ${path}`, ...seen }).toEqual({ route: `${method} ${path}`, x: expected, ab: expected });
  }
});
