// Conditional and blocking reads from a browser on another origin (SPEC §12): the page can read
// the ETag (CORS exposes it), gets 304 with If-None-Match, and a blocking read is answered by a
// change the page makes. Headless Chromium, as in browser-client.test.ts.
import { afterAll, beforeAll, expect } from 'bun:test';
import type { Browser } from 'playwright-core';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { browserTest, haveChromium, launchChromium, serveFrontend, pageResult } from './chromium.ts';
import { silentLogger, testConfig } from './helpers.ts';
import { ManualClock } from '../src/scheduler/clock.ts';

let taskmock: RunningTaskmock;
let frontend: Bun.Server<unknown>;
let browser: Browser | undefined;

function page(api: string): string {
  return `<!doctype html><meta charset="utf-8"><title>versions</title><script type="module">
  const api = ${JSON.stringify(api)} + '/tasks?api_key=demo&workspace_id=ui';
  async function main() {
    const first = await fetch(api, { cache: 'no-store' });
    const etag = first.headers.get('ETag');
    const { version } = await first.json();
    const again = await fetch(api, { cache: 'no-store', headers: { 'If-None-Match': etag } });
    const body = await again.text();
    const blocking = fetch(api + '&index=' + version + '&wait=20s', { cache: 'no-store' }).then((r) => r.json());
    // Give the read time to park; had the create come first, the stale index answers version 1 too.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await fetch(api, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'x', type: 'gx.tiny' }) });
    const woken = await blocking;
    return { etag, version, status: again.status, body, wokenVersion: woken.version, wokenTasks: woken.tasks.length };
  }
  main().then((result) => (window.result = result), (error) => (window.result = { failure: String(error) }));
  </script>`;
}

beforeAll(async () => {
  taskmock = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1']), {
    clock: new ManualClock(),
    logger: silentLogger,
  });
  const api = taskmock.url.replace('localhost', '127.0.0.1');
  frontend = serveFrontend(page(api));
  if (haveChromium) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  frontend?.stop(true);
  await taskmock?.shutdown();
});

browserTest(
  'a page on another origin reads the ETag, gets 304 with If-None-Match, and a blocking read wakes on its change',
  async () => {
    browser ??= await launchChromium();
    const tab = await browser.newPage();
    await tab.goto(`http://localhost:${frontend.port}/`);
    const result = await pageResult(tab, 20_000);
    expect(result).toEqual({ etag: '"0"', version: 0, status: 304, body: '', wokenVersion: 1, wokenTasks: 1 });
    await tab.close();
  },
  60_000,
);
