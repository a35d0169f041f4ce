// The report page in headless Chromium, after scripted candidates used one key: it asks for the
// admin key, keeps it for the tab, draws the timeline with uPlot (served by taskmock itself) and
// lists the findings of what happened; it prints on A4 without its buttons.
import { afterAll, beforeAll, expect } from 'bun:test';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import * as candidates from './candidates/clients.ts';
import { browserTest, haveChromium, launchChromium } from './chromium.ts';
import { eventually, testConfig } from './helpers.ts';

const ADMIN_KEY = 'admin-secret-for-the-report-page';
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
let taskmock: RunningTaskmock;
let browser: Browser | undefined;
let url: string;

beforeAll(async () => {
  taskmock = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1', '--admin-key', ADMIN_KEY]));
  url = taskmock.url.replace('localhost', '127.0.0.1');
  if (haveChromium) browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await taskmock?.shutdown();
});

/**
 * One key, three workspaces: a poller on `board`; on `flaky` (drops and 503s) a hammering,
 * impatient client; on `steady` (drops) a client that backs off.
 */
async function candidateRuns(): Promise<void> {
  const admin = { 'x-admin-key': ADMIN_KEY };
  const issued = await fetch(`${url}/admin/keys/ada`, { method: 'PUT', headers: admin });
  const key = ((await issued.json()) as { key: string }).key;
  const board = { url, key, workspace: 'board' };
  const flaky = { url, key, workspace: 'flaky' };
  await fetch(`${url}/control/faults?api_key=${key}&workspace_id=flaky`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stream: { dropAfterMs: [200, 400] }, errorRate: 1, errorStatuses: [503] }),
  });
  const steady = { url, key, workspace: 'steady' };
  await fetch(`${url}/control/faults?api_key=${key}&workspace_id=steady`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stream: { dropAfterMs: [200, 400] } }),
  });
  await Promise.all([
    candidates.backingOffSubscriber(steady),
    candidates.poller(board, 4_000),
    candidates.hammeringSubscriber(flaky, 10),
    candidates.impatientCreator(flaky, 5),
  ]);
  await eventually(
    () => taskmock.journal!.read('ada').filter((event) => event.kind === 'socket.close').length >= 17,
    'every socket close journaled',
  );
}

browserTest(
  'the report page draws the timeline and the findings of what the candidate did, and prints cleanly',
  async () => {
    await candidateRuns();
    browser ??= await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('request', (request) => !request.url().startsWith(url) && elsewhere.push(request.url()));

    // The page's Content-Security-Policy must not block anything it needs (uPlot's styling included).
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    await page.goto(`${url}/admin/keys/ada/report.html`);
    // No key yet: the page asks for it. A wrong one is refused and asked for again.
    await page.locator('#admin-key').fill('not-the-admin-key');
    await page.locator('#login button[type=submit]').click();
    await page.locator('#login-message', { hasText: 'refused' }).waitFor({ timeout: 10_000 });
    await page.locator('#admin-key').fill(ADMIN_KEY);
    await page.locator('#login button[type=submit]').click();
    await page.locator('.finding').first().waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => sessionStorage.getItem('taskmock-admin-key'))).toBe(ADMIN_KEY);

    // Three uPlot charts, each a canvas; the legends name the endpoints used and the fault marks.
    expect(await page.locator('.uplot canvas').count()).toBe(3);
    const legend = (await page.locator('#chart-requests .u-legend').textContent()) ?? '';
    for (const label of ['GET /tasks', 'POST /tasks', '/ws/tasks', 'injected faults']) expect(legend).toContain(label);
    expect(await page.locator('#chart-tasks .u-legend').textContent()).toContain('queued');
    expect(await page.locator('#sockets-legend').textContent()).toContain('1006 dropped');
    // Sockets cut by the fault layer (10 of the hammering client's, 5 of the steady one's), 5 errors.
    expect(await page.locator('#faults-note').textContent()).toMatch(
      /^20 injected faults \((5 error, 15 drop|15 drop, 5 error)\)/,
    );
    const findings = (await page.locator('#findings').textContent()) ?? '';
    expect(findings).toMatch(/workspace board: polled GET \/tasks \d+ times a minute while subscribed/);
    expect(findings).toContain('workspace flaky: reconnected 10 times after socket failures');
    expect(findings).toContain('with no back-off');
    expect(findings).toMatch(/workspace flaky: retried 503 answers 4 times sooner than the Retry-After/);
    expect(findings).toContain('workspace steady: backed off after repeated socket failures');
    expect(await page.locator('.finding.good').count()).toBe(1);
    expect(await page.locator('#figures').textContent()).toContain('Workspace flaky');
    // Something was drawn on the request chart (not a blank canvas).
    const inked = await page.evaluate(() => {
      const canvas = document.querySelector('#chart-requests canvas') as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) count++;
      return count;
    });
    expect(inked).toBeGreaterThan(1_000);
    await page.screenshot({ path: `${ARTIFACTS}report.png`, fullPage: true });

    // The key stays for the tab: a reload draws at once.
    await page.reload();
    await page.locator('.finding').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('#login').isHidden()).toBe(true);

    // Print: no buttons or form, charts within A4's printable width (794 CSS px less the margins).
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.emulateMedia({ media: 'print' });
    await page.waitForFunction(() => document.querySelector('#chart-requests .uplot')!.clientWidth <= 680);
    expect(await page.locator('#print').isHidden()).toBe(true);
    expect(await page.locator('header').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}report-print.png`, fullPage: true });
    await page.pdf({ path: `${ARTIFACTS}report.pdf`, format: 'A4', printBackground: true });

    // The one refused fetch is the wrong admin key tried above.
    expect(problems.filter((text) => !text.includes('403 (Forbidden)'))).toEqual([]);
    expect(elsewhere).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    await context.close();
  },
  90_000,
);

browserTest(
  'a key with no activity yet, and an unknown key, read plainly',
  async () => {
    await fetch(`${url}/admin/keys/idle`, { method: 'PUT', headers: { 'x-admin-key': ADMIN_KEY } });
    browser ??= await launchChromium();
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${url}/admin/keys/idle/report.html`);
    await page.evaluate((key) => sessionStorage.setItem('taskmock-admin-key', key), ADMIN_KEY);
    await page.reload();
    await page.locator('.finding.none').waitFor({ timeout: 15_000 });
    expect(await page.locator('#findings').textContent()).toBe('Nothing to report: no finding was triggered.');
    expect(await page.locator('.uplot canvas').count()).toBe(3);
    expect(await page.locator('#summary').textContent()).toStartWith('0 journal events');

    await page.goto(`${url}/admin/keys/nobody/report.html`);
    await page.locator('#state', { hasText: 'There is no key named "nobody".' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#content').isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  },
  60_000,
);
