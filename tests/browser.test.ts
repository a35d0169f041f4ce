// The docs work offline and for a team with its own key: headless Chromium opens /swagger and the
// stream page from the COMPILED binary (started with a key that is not `demo`), every request to
// another host is blocked and recorded; "Try it out" must answer 200 with the key entered under
// Authorize, and the stream page's console must show a frame for a task created meanwhile.
// dist/taskmock is (re)built here when it is missing or older than src/, so the test never checks a
// stale binary. Without /usr/bin/chromium the test fails under CI (which installs it) and is skipped
// elsewhere.
import { afterAll, beforeAll, expect } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { freePort } from '../scripts/free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserTest, haveChromium, launchChromium } from './chromium.ts';
import { eventually } from './helpers.ts';

const ROOT = join(import.meta.dir, '..');
const BINARY = join(ROOT, 'dist', 'taskmock');
const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
const TEAM_KEY = 'team-key-7f3a';

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestSource(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );
}

async function ensureBinary(): Promise<void> {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= newestSource(join(ROOT, 'src'))) return;
  const build = Bun.spawn([process.execPath, 'run', join(ROOT, 'scripts', 'build.ts')], {
    cwd: ROOT,
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [out, err, code] = await Promise.all([
    new Response(build.stdout).text(),
    new Response(build.stderr).text(),
    build.exited,
  ]);
  if (code !== 0) throw new Error(`could not build dist/taskmock:\n${out}${err}`);
}

let folder = '';
let server: Bun.Subprocess | undefined;
let browser: Browser | undefined;
let base = '';

beforeAll(async () => {
  if (!haveChromium) return;
  await ensureBinary();
  folder = mkdtempSync(join(tmpdir(), 'taskmock-browser-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = Bun.spawn(
    [
      BINARY,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--db',
      join(folder, 'db.sqlite'),
      '--log-level',
      'warn',
      '--api-keys',
      TEAM_KEY,
    ],
    {
      cwd: folder,
      stdout: 'ignore',
      stderr: 'inherit',
    },
  );
  await eventually(async () => (await fetch(`${base}/health`)).ok, 'the binary to answer /health', 10_000);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  await server?.exited;
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** A page on which every request to another origin is blocked; the returned list records them. */
async function offlinePage(
  viewport = { width: 1280, height: 1600 },
): Promise<{ page: Page; leaving: string[]; served: string[] }> {
  if (!browser) browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const ownOrigin = new URL(base).origin;
  const leaving: string[] = [];
  const served: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || new URL(url).origin === ownOrigin) {
      served.push(url);
      return route.continue();
    }
    leaving.push(url);
    return route.abort('blockedbyclient');
  });
  page.on('websocket', (socket) => {
    if (!socket.url().startsWith(ownOrigin.replace('http', 'ws'))) leaving.push(socket.url());
  });
  return { page, leaving, served };
}

browserTest(
  '/swagger renders every operation from the binary with no request leaving the machine',
  async () => {
    const { page, leaving, served } = await offlinePage();
    await page.goto(`${base}/swagger`, { waitUntil: 'networkidle' });
    // Seven operations: GET /, /stats, /health, GET and POST /tasks, POST /tasks/flush, DELETE /tasks/{id}.
    await page.waitForFunction(() => document.querySelectorAll('.opblock').length >= 7, undefined, { timeout: 15_000 });
    const operations = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((node) => node.textContent?.trim()));
    expect(operations).toContain('/tasks/{id}');
    expect(await page.locator('a[href="/asyncapi.json"]').count()).toBeGreaterThan(0);
    expect(await page.locator('a[href="/docs/stream"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.info .title').textContent()).toContain('taskmock');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'swagger.png'), fullPage: false });
    expect(leaving).toEqual([]);
    expect(served.some((url) => url.endsWith('/swagger/assets/swagger-ui-bundle.js'))).toBe(true);
    await page.close();
  },
  60_000,
);

// A pre-filled `api_key=demo` query parameter used to be sent beside the key entered under
// Authorize, and the server reads the query first: a team that authorized with its own key as a
// header or bearer token got 403 from its own docs.
browserTest.each(['apiKeyQuery', 'apiKeyHeader', 'bearer'])(
  '"Try it out" sends the key entered under Authorize (%s) and gets 200',
  async (scheme) => {
    const { page, leaving } = await offlinePage();
    await page.goto(`${base}/swagger`, { waitUntil: 'networkidle' });
    await page.locator('.auth-wrapper button.authorize').click();
    const form = page.locator('.auth-container').filter({ hasText: scheme });
    await form.locator('input').fill(TEAM_KEY);
    await form.locator('button.authorize').click();
    await page.locator('.modal-ux button.btn-done').first().click();

    const listTasks = page.locator('#operations-tasks-getTasks');
    await listTasks.locator('.opblock-summary').click();
    await listTasks.locator('button.try-out__btn').click();
    const sent = page.waitForRequest((request) => new URL(request.url()).pathname === '/tasks');
    await listTasks.locator('button.execute').click();
    const request = await sent;
    const status = listTasks.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 10_000 });
    expect((await status.textContent())?.trim()).toBe('200');
    expect(new URL(request.url()).searchParams.getAll('api_key')).toEqual(scheme === 'apiKeyQuery' ? [TEAM_KEY] : []);
    if (scheme === 'bearer') await page.screenshot({ path: join(ARTIFACTS, 'swagger-try-it-out.png'), fullPage: false });
    expect(leaving).toEqual([]);
    await page.close();
  },
  60_000,
);

browserTest(
  'the stream page connects, lists frames as they arrive, and needs nothing off the machine',
  async () => {
    const { page, leaving } = await offlinePage({ width: 1100, height: 1300 });
    await page.goto(`${base}/`, { waitUntil: 'networkidle' });
    await page.locator('a[href="/docs/stream"]').first().click();
    await page.waitForURL(`${base}/docs/stream`);
    await page.locator('#key').fill(TEAM_KEY);
    await page.locator('#workspace').fill('console');
    await page.locator('#connect').click();
    await page.locator('#state', { hasText: 'open' }).waitFor({ timeout: 10_000 });
    await page.locator('#frames li.frame', { hasText: '0 tasks' }).waitFor({ timeout: 10_000 });

    const status = await page.evaluate(async (key) => {
      const response = await fetch('/tasks?workspace_id=console', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
        body: JSON.stringify({ name: 'seen in the console', type: 'gx.heavy' }),
      });
      return response.status;
    }, TEAM_KEY);
    expect(status).toBe(200);
    const frame = page.locator('#frames li.frame', { hasText: '1 task: 1 queued' }).first();
    await frame.waitFor({ timeout: 10_000 });
    await frame.locator('summary').click();
    expect(await frame.locator('pre').textContent()).toContain('seen in the console');
    await page.screenshot({ path: join(ARTIFACTS, 'stream-page.png'), fullPage: true });

    await page.locator('#connect').click();
    await page.locator('#state', { hasText: 'closed' }).waitFor({ timeout: 10_000 });
    expect(leaving).toEqual([]);
    await page.close();
  },
  60_000,
);

browserTest(
  "a link to the stream page can carry the console's key and workspace",
  async () => {
    const { page } = await offlinePage({ width: 1100, height: 900 });
    await page.goto(`${base}/docs/stream?api_key=${TEAM_KEY}&workspace_id=shared`, { waitUntil: 'networkidle' });
    expect(await page.locator('#key').inputValue()).toBe(TEAM_KEY);
    expect(await page.locator('#workspace').inputValue()).toBe('shared');
    await page.locator('#connect').click();
    await page.locator('#frames li.frame', { hasText: '0 tasks' }).waitFor({ timeout: 10_000 });
    await page.close();
  },
  60_000,
);

browserTest(
  'the stream console watches the patch format: a full list, then only the changes',
  async () => {
    const { page, leaving } = await offlinePage({ width: 1100, height: 900 });
    await page.goto(`${base}/docs/stream?api_key=${TEAM_KEY}&workspace_id=patches&format=patch`, { waitUntil: 'networkidle' });
    expect(await page.locator('#format').inputValue()).toBe('patch');
    await page.locator('#connect').click();
    await page.locator('#frames li.frame', { hasText: 'version' }).first().waitFor({ timeout: 10_000 });
    await page.locator('#create').click();
    const patch = page.locator('#frames li.frame', { hasText: 'change(s)' }).first();
    await patch.waitFor({ timeout: 10_000 });
    await patch.locator('summary').click();
    expect(await patch.locator('pre').textContent()).toContain('"op": "put"');
    expect(leaving).toEqual([]);
    await page.close();
  },
  60_000,
);
