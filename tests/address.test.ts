// The host shown in the banner's URLs and the one the healthcheck probes, for each kind of bind
// address (config/address.ts). Regression: `--host ::1` printed `http://::1:PORT`, no URL at all.
import { expect, test } from 'bun:test';
import { displayedHost, probedHost } from '../src/config/address.ts';
import { startTaskmock } from '../src/server.ts';
import { testConfig } from './helpers.ts';

test.each([
  ['0.0.0.0', 'localhost', '127.0.0.1'],
  ['::', 'localhost', '[::1]'],
  ['127.0.0.1', '127.0.0.1', '127.0.0.1'],
  ['::1', '[::1]', '[::1]'],
  ['example.test', 'example.test', 'example.test'],
])('bound to %s: shown as %s, probed at %s', (bind, shown, probed) => {
  expect(displayedHost(bind)).toBe(shown);
  expect(probedHost(bind)).toBe(probed);
});

test('a server bound to ::1 gives a URL that answers', async () => {
  const server = startTaskmock(testConfig(['--port', '0', '--host', '::1']));
  try {
    expect(server.url).toBe(`http://[::1]:${server.server.port}`);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  } finally {
    await server.shutdown();
  }
});
