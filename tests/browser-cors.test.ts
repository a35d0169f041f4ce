// CORS as a browser enforces it (SPEC §1): a page on another origin sends the headers real
// frontends send (`Cache-Control`, `X-Requested-With`), which force a preflight the original
// always let through, and reads the headers taskmock exposes (ETag, Retry-After, X-Taskmock-Fault).
import { afterAll, beforeAll, expect } from 'bun:test';
import { Elysia } from 'elysia';
import type { Browser } from 'playwright-core';
import { createApp } from '../src/http/app.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { buildTaskmock, type Taskmock } from '../src/server.ts';
import { browserTest, haveChromium, launchChromium, serveFrontend, pageResult } from './chromium.ts';
import { silentLogger, testConfig } from './helpers.ts';

let taskmock: Taskmock;
let api: Bun.Server<unknown>;
let frontend: Bun.Server<unknown>;
let browser: Browser | undefined;

/**
 * Today no route of its own sets the exposed headers without a fault or a version to report, so
 * the app is built with one extra route that does: it stands for any response carrying them.
 */
const probe = new Elysia({ name: 'test/probe' }).get('/probe', ({ set }) => {
  set.headers.etag = '"7"';
  set.headers['retry-after'] = '2';
  set.headers['x-taskmock-fault'] = 'latency';
  return { ok: true };
});

function frontendPage(origin: string): string {
  return `<!doctype html><meta charset="utf-8"><script type="module">
  const api = ${JSON.stringify(origin)};
  const extra = { 'Cache-Control': 'no-cache', 'X-Requested-With': 'XMLHttpRequest', 'X-Whatever': '1' };
  async function main() {
    const created = await fetch(api + '/tasks?api_key=demo', {
      method: 'POST',
      headers: { ...extra, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'with extra headers', type: 'gx.tiny' }),
    });
    const listed = await fetch(api + '/tasks?api_key=demo', { headers: extra });
    const removed = await fetch(api + '/tasks/1?api_key=demo', { method: 'DELETE', headers: extra });
    const probed = await fetch(api + '/probe', { headers: extra });
    const exposed = ['ETag', 'Retry-After', 'X-Taskmock-Fault'].map((name) => probed.headers.get(name));
    return { statuses: [created.status, listed.status, removed.status, probed.status], listed: await listed.json(), exposed };
  }
  main().then((result) => (window.result = result), (error) => (window.result = { failure: String(error) }));
  </script>`;
}

beforeAll(async () => {
  // A manual clock that never moves: the task stays queued, so the DELETE is always allowed.
  taskmock = buildTaskmock(testConfig(), { clock: new ManualClock(), logger: silentLogger });
  const { app } = createApp({
    config: taskmock.config,
    service: taskmock.service,
    keyRing: taskmock.keyRing,
    logger: silentLogger,
    startedAt: new Date(),
    version: 'test',
    liveCounts: () => ({ openSockets: 0, scheduledWorkspaces: 0, brokenWorkspaces: 0 }),
    plugins: () => [probe],
  });
  api = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => app.handle(request) });
  frontend = serveFrontend(frontendPage(`http://127.0.0.1:${api.port}`));
  if (haveChromium) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  frontend?.stop(true);
  api?.stop(true);
  taskmock?.close();
});

browserTest(
  'a page on another origin sends Cache-Control and X-Requested-With and reads the exposed headers',
  async () => {
    browser ??= await launchChromium();
    const page = await browser.newPage();
    await page.goto(`http://localhost:${frontend.port}/`);
    const result = await pageResult(page, 15_000);
    expect(result.failure).toBeUndefined();
    expect(result.statuses).toEqual([200, 200, 204, 200]);
    expect(result.listed.tasks.map((task: { name: string }) => task.name)).toEqual(['with extra headers']);
    expect(result.exposed).toEqual(['"7"', '2', 'latency']);
    await page.close();
  },
  60_000,
);
