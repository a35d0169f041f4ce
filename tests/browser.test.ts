// The docs UI works offline: headless Chromium opens /swagger from the COMPILED binary, every request
// to another host is blocked and recorded, and the page must still render every operation.
// dist/taskmock is (re)built here when it is missing or older than src/, so the test never checks a
// stale binary. Without /usr/bin/chromium the test fails under CI (which installs it) and is skipped
// elsewhere.
import { afterAll, beforeAll, expect } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { freePort } from '../scripts/free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { browserTest, haveChromium, launchChromium } from './chromium.ts';
import { eventually } from './helpers.ts';

const ROOT = join(import.meta.dir, '..');
const BINARY = join(ROOT, 'dist', 'taskmock');
const ARTIFACTS = join(ROOT, 'tests', 'artifacts');

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
    [BINARY, '--port', String(port), '--host', '127.0.0.1', '--db', join(folder, 'db.sqlite'), '--log-level', 'warn'],
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

browserTest(
  '/swagger renders every operation from the binary with no request leaving the machine',
  async () => {
    if (!browser) browser = await launchChromium();
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1600 } });
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

    await page.goto(`${base}/swagger`, { waitUntil: 'networkidle' });
    // Seven operations: GET /, /stats, /health, GET and POST /tasks, POST /tasks/flush, DELETE /tasks/{id}.
    await page.waitForFunction(() => document.querySelectorAll('.opblock').length >= 7, undefined, { timeout: 15_000 });
    const operations = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((node) => node.textContent?.trim()));
    expect(operations).toContain('/tasks/{id}');
    expect(await page.locator('a[href="/asyncapi.json"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.info .title').textContent()).toContain('taskmock');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'swagger.png'), fullPage: false });
    expect(leaving).toEqual([]);
    expect(served.some((url) => url.endsWith('/swagger/assets/swagger-ui-bundle.js'))).toBe(true);
    await page.close();
  },
  60_000,
);
