// A frontend written as the original's candidates were told to write it, in headless Chromium on
// another origin (SPEC §1, §3): it relies on the one-second tick, and it meets refused upgrades,
// which a browser reports only as close code 1006 (docs/behaviour.md says so, and what to do).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser } from 'playwright-core';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { browserTest, haveChromium, launchChromium, serveFrontend, pageResult } from './chromium.ts';
import { testConfig } from './helpers.ts';

let taskmock: RunningTaskmock;
let frontend: Bun.Server<unknown>;
let browser: Browser | undefined;

/** The brief said "tasks are updated every second": this UI calls 3 s of silence a dead link. */
function frontendPage(api: string): string {
  return `<!doctype html><meta charset="utf-8"><title>original-style client</title><script type="module">
  const stream = (query) => new WebSocket(api.replace('http', 'ws') + '/ws/tasks?' + query);
  const api = ${JSON.stringify(api)};

  function watchFor(ms) {
    const socket = stream('api_key=demo&workspace_id=tick');
    const arrivals = [];
    const frames = [];
    socket.onmessage = (event) => { arrivals.push(performance.now()); frames.push(event.data); };
    return new Promise((resolve) => setTimeout(() => {
      socket.close();
      const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]);
      resolve({ count: frames.length, same: frames.every((frame) => frame === frames[0]), first: JSON.parse(frames[0] ?? 'null'), maxGapMs: Math.max(...gaps) });
    }, ms));
  }

  function refusal(query) {
    return new Promise((resolve) => {
      const seen = { error: false };
      const socket = stream(query);
      socket.onerror = () => (seen.error = true);
      socket.onopen = () => (seen.opened = true);
      socket.onclose = (event) => resolve({ ...seen, code: event.code, reason: event.reason, wasClean: event.wasClean });
    });
  }

  async function main() {
    const tick = await watchFor(3500);
    const badKey = await refusal('api_key=wrong');
    const holder = stream('api_key=demo&workspace_id=full');
    await new Promise((resolve) => (holder.onopen = resolve));
    const overLimit = await refusal('api_key=demo&workspace_id=full');
    holder.close();
    // What the docs advise after a 1006: ask over REST, where the status and body are readable.
    const checked = await fetch(api + '/tasks?api_key=wrong');
    return { tick, badKey, overLimit, checked: [checked.status, await checked.json()] };
  }
  main().then((result) => (window.result = result), (error) => (window.result = { failure: String(error) }));
  </script>`;
}

beforeAll(async () => {
  // Real time and the default tick (1000 ms); one socket per workspace so a second one gets 429.
  taskmock = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1', '--max-workspace-connections', '1']));
  const fixture = await fetch(`${taskmock.url}/control/tasks?api_key=demo&workspace_id=tick`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tasks: [{ name: 'long render', type: 'gx.heavy', status: 'running', remainingMs: 600_000 }] }),
  });
  expect(fixture.status).toBe(200);
  frontend = serveFrontend(frontendPage(taskmock.url.replace('localhost', '127.0.0.1')));
  if (haveChromium) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  frontend?.stop(true);
  await taskmock?.shutdown();
});

// On taskmock before the tick: one frame on open, then 0 messages in 6 s with a gx.heavy running.
browserTest(
  'a UI built for the one-second tick keeps hearing the list while nothing changes; refused upgrades read as 1006',
  async () => {
    browser ??= await launchChromium();
    const page = await browser.newPage();
    await page.goto(`http://localhost:${frontend.port}/`);
    const result = await pageResult(page, 20_000);
    expect(result.failure).toBeUndefined();

    expect(result.tick.first).toMatchObject([{ name: 'long render', status: 'running' }]);
    expect(result.tick.same).toBe(true);
    expect(result.tick.count).toBeGreaterThanOrEqual(3);
    expect(result.tick.maxGapMs).toBeLessThan(3000);

    // 403 and 429 alike: an error event, then close 1006 with no reason, as if the server were down.
    const refused = { error: true, code: 1006, reason: '', wasClean: false };
    expect(result.badKey).toEqual(refused);
    expect(result.overLimit).toEqual(refused);
    expect(result.checked).toEqual([403, { message: 'Forbidden', code: 'forbidden' }]);
    await page.close();
  },
  60_000,
);

test('docs/behaviour.md tells a browser client what a 1006 on connect means and what to do', async () => {
  const behaviour = await Bun.file(new URL('../docs/behaviour.md', import.meta.url)).text();
  const paragraph = behaviour.split('\n- ').find((item) => item.includes('refused') && item.includes('reconnect'));
  expect(paragraph).toBeDefined();
  const text = paragraph!.replace(/\s+/g, ' ');
  for (const needed of ['403', '429', 'code 1006', 'GET /tasks', 'growing delay']) expect(text).toContain(needed);
});
