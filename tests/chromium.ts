// Debian's headless Chromium through playwright-core, for tests that need a real browser. CI
// installs it (.ci/run); elsewhere a missing browser skips these tests instead of failing them.
import { test } from 'bun:test';
import { existsSync } from 'node:fs';
import type { Server } from 'bun';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const haveChromium = existsSync(CHROMIUM);

/** `test` where a browser exists or CI demands one, `test.skip` otherwise. */
export const browserTest = haveChromium || process.env.CI ? test : test.skip;

export function launchChromium(): Promise<Browser> {
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (CI must)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Serves one HTML page from `localhost`, a different origin than the API on 127.0.0.1, as a
 * frontend's own dev server would: what the page does is cross-origin, CORS included.
 */
export function serveFrontend(html: string): Server<unknown> {
  return Bun.serve({
    port: 0,
    hostname: 'localhost',
    fetch: () => new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
  });
}

/** What a test page leaves in `window.result` once it is done (the page sets it last). */
export async function pageResult(page: Page, timeoutMs: number): Promise<any> {
  await page.waitForFunction(() => (window as unknown as { result?: unknown }).result, undefined, { timeout: timeoutMs });
  return page.evaluate(() => (window as unknown as { result: unknown }).result);
}
