// The admin page in a real browser (SPEC §13): sign in, issue a key for `ada` with a label, an
// expiry and a fault preset, copy it; use it from a candidate page on another origin (fetch and a
// WebSocket); watch her workspace's board follow live, pause and step its clock from the page;
// revoke her and see the candidate page fail (403, socket closed 1008). Screenshots go to
// tests/artifacts/admin-*.png.
import { afterAll, beforeAll, expect } from 'bun:test';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { browserTest, haveChromium, launchChromium, serveFrontend } from './chromium.ts';
import { testConfig } from './helpers.ts';

const ADMIN = 'admin-key-for-the-browser-test';
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
const WAIT = { timeout: 20_000 };

let taskmock: RunningTaskmock;
let candidateSite: Bun.Server<unknown>;
let browser: Browser | undefined;

/** The candidate's frontend: plain fetch and WebSocket with the key it was given, in workspace `board`. */
const CANDIDATE_PAGE = `<!doctype html><meta charset="utf-8"><title>candidate app</title>
<h1>Candidate app</h1><p id="socket">connecting</p><ul id="tasks"></ul><script>
  const params = new URLSearchParams(location.search);
  const api = params.get('api');
  const key = params.get('key');
  const candidate = (window.candidate = { opened: false, closed: null, last: [] });
  const socket = new WebSocket(api.replace('http', 'ws') + '/ws/tasks?workspace_id=board&api_key=' + encodeURIComponent(key));
  socket.onopen = () => { candidate.opened = true; document.getElementById('socket').textContent = 'socket open'; };
  socket.onclose = (event) => { candidate.closed = event.code; document.getElementById('socket').textContent = 'socket closed: ' + event.code; };
  socket.onmessage = (event) => {
    candidate.last = JSON.parse(event.data);
    document.getElementById('tasks').replaceChildren(...candidate.last.map((task) => {
      const item = document.createElement('li');
      item.textContent = '#' + task.id + ' ' + task.name + ': ' + task.status;
      return item;
    }));
  };
  window.createTask = async (name) => (await fetch(api + '/tasks?workspace_id=board', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
    body: JSON.stringify({ name, type: 'gx.medium' }),
  })).status;
  window.listTasks = async () => {
    const response = await fetch(api + '/tasks?workspace_id=board&api_key=' + encodeURIComponent(key));
    return { status: response.status, body: await response.json() };
  };
</script>`;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  taskmock = startTaskmock(testConfig(['--port', '0', '--host', '127.0.0.1', '--admin-key', ADMIN, '--seed', 'browser-admin']));
  candidateSite = serveFrontend(CANDIDATE_PAGE);
  if (haveChromium) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  candidateSite?.stop(true);
  await taskmock?.shutdown();
});

const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: `${ARTIFACTS}admin-${name}.png`, fullPage });

/** Waits until the board's column counts are `expected`, e.g. {queued: 2, running: 0}. */
async function waitForColumns(page: Page, expected: Record<string, number>) {
  await page.waitForFunction(
    (want) =>
      Object.entries(want).every(
        ([status, n]) => Number(document.querySelector(`.column[data-status="${status}"] .count`)?.textContent) === n,
      ),
    expected,
    WAIT,
  );
}

const candidateStatuses = (page: Page) =>
  page.evaluate(() => (window as any).candidate.last.map((task: { status: string }) => task.status) as string[]);

browserTest(
  'issue a key from /admin, use it from another origin, drive its board, revoke it',
  async () => {
    browser ??= await launchChromium();
    const api = taskmock.url.replace('localhost', '127.0.0.1');
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api });
    const admin = await context.newPage();
    const problems: string[] = [];
    admin.on('pageerror', (error) => problems.push(error.message));
    admin.on('console', (message) => message.type() === 'error' && problems.push(message.text()));

    // Sign in: a wrong key is refused, the right one opens the page.
    await admin.goto(`${api}/admin`);
    await shot(admin, 'sign-in', false);
    await admin.fill('#admin-key', 'not-the-admin-key');
    await admin.click('#sign-in-form button');
    await admin.waitForFunction(() => document.getElementById('sign-in-error')!.textContent!.includes('403'), undefined, WAIT);
    await admin.fill('#admin-key', ADMIN);
    await admin.click('#sign-in-form button');
    await admin.waitForSelector('#app:not([hidden])', WAIT);
    expect(await admin.evaluate(() => sessionStorage.getItem('taskmock-admin-key'))).toBe(ADMIN);

    // (a) Issue ada's key: label, an expiry a day ahead (the browser's local time), the slow preset.
    await admin.click('#show-issue');
    await admin.fill('#f-name', 'ada');
    await admin.fill('#f-label', 'Ada Lovelace, frontend');
    const expiry = await admin.evaluate(() => {
      const at = new Date(Date.now() + 86_400_000);
      at.setSeconds(0, 0);
      const pad = (n: number) => String(n).padStart(2, '0');
      const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
      return { local, iso: at.toISOString() };
    });
    await admin.fill('#f-expires', expiry.local);
    await admin.selectOption('#f-faults', 'slow');
    await admin.fill('#f-max-workspaces', '2');
    await shot(admin, 'issue-form', false);
    await admin.click('#f-submit');
    await admin.waitForSelector('#new-key:not([hidden])', WAIT);
    const key = (await admin.textContent('#new-key-value'))!;
    expect(key).toMatch(/^tm_ada_[A-Za-z0-9_-]{32}$/);
    expect(await admin.textContent('#new-key')).toContain('will not be shown again');
    await admin.click('#copy-key');
    await admin.waitForFunction(() => document.getElementById('copy-state')!.textContent !== '', undefined, WAIT);
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(key);
    const row = admin.locator('tr[data-key="ada"]');
    await row.waitFor(WAIT);
    expect(await row.textContent()).toContain('Ada Lovelace, frontend');
    expect(await row.locator('.badge').textContent()).toBe('active');
    expect(await row.locator('a', { hasText: 'Report' }).getAttribute('href')).toBe('/admin/keys/ada/report.html');
    await shot(admin, 'new-key');
    const stored = await (await fetch(`${api}/admin/keys/ada`, { headers: { 'x-admin-key': ADMIN } })).json();
    expect(stored).toMatchObject({ label: 'Ada Lovelace, frontend', expiresAt: expiry.iso, faults: 'slow' });
    expect(stored.limits.maxWorkspaces).toBe(2);
    // Hidden once copied: the key leaves the page.
    await admin.click('#new-key-done');
    expect(await admin.textContent('#new-key-value')).toBe('');

    // (b) The candidate's page, on another origin, opens the stream with the key.
    const candidate = await context.newPage();
    await candidate.goto(`http://localhost:${candidateSite.port}/?api=${encodeURIComponent(api)}&key=${encodeURIComponent(key)}`);
    await candidate.waitForFunction(() => (window as any).candidate.opened, undefined, WAIT);

    // The admin opens ada's workspaces: the socket made `board` exist; freeze its clock.
    await row.locator('button', { hasText: 'Workspaces' }).click();
    await admin.waitForFunction(() => document.getElementById('board-title')?.textContent === 'board', undefined, WAIT);
    await admin.click('#c-pause');
    await admin.waitForFunction(() => document.getElementById('clock-state')!.textContent!.includes('Paused'), undefined, WAIT);

    expect(await candidate.evaluate(() => (window as any).createTask('alpha'))).toBe(200);
    expect(await candidate.evaluate(() => (window as any).createTask('beta'))).toBe(200);
    await waitForColumns(admin, { queued: 2, running: 0, completed: 0 });
    expect(await admin.$$eval('.column[data-status="queued"] .task-name', (names) => names.map((n) => n.textContent))).toEqual([
      'alpha',
      'beta',
    ]);
    const listed = await candidate.evaluate(() => (window as any).listTasks());
    expect(listed.status).toBe(200);
    expect(listed.body.tasks.map((task: { name: string }) => task.name)).toEqual(['alpha', 'beta']);
    await shot(admin, 'board-paused');

    // Step twice: each start shows on the board and reaches the candidate's socket.
    await admin.click('#c-next');
    await waitForColumns(admin, { queued: 1, running: 1 });
    await admin.click('#c-next');
    await waitForColumns(admin, { queued: 0, running: 2 });
    await candidate.waitForFunction(
      () => (window as any).candidate.last.filter((task: { status: string }) => task.status === 'running').length === 2,
      undefined,
      WAIT,
    );
    // gx.medium runs under 30 s: a minute of workspace time ends both.
    await admin.click('#c-advance-60');
    await waitForColumns(admin, { queued: 0, running: 0, completed: 2 });
    await candidate.waitForFunction(
      () => (window as any).candidate.last.every((task: { status: string }) => task.status === 'completed'),
      undefined,
      WAIT,
    );
    expect(await candidateStatuses(candidate)).toEqual(['completed', 'completed']);
    expect(await admin.textContent('.column[data-status="completed"] .card')).toMatch(/ran \d+\.\d s/);
    // The preset chosen at issue is in force for her workspace; the page sets the workspace's own.
    expect(await admin.textContent('#fact-faults')).toBe("faults: slow (key's)");
    await admin.selectOption('#c-faults', 'none');
    await admin.waitForFunction(
      () => document.getElementById('fact-faults')!.textContent!.includes("none (workspace's own)"),
      undefined,
      WAIT,
    );
    await shot(admin, 'board-completed');
    await admin.emulateMedia({ media: 'print' });
    await shot(admin, 'print');
    await admin.emulateMedia({ media: 'screen' });

    // (c) Revoke (confirmed): the candidate's socket is closed with 1008 and fetch gets 403.
    admin.once('dialog', (dialog) => dialog.accept());
    await row.locator('button', { hasText: 'Revoke' }).click();
    await admin.waitForFunction(
      () => document.querySelector('tr[data-key="ada"] .badge')?.textContent === 'revoked',
      undefined,
      WAIT,
    );
    await candidate.waitForFunction(() => (window as any).candidate.closed !== null, undefined, WAIT);
    expect(await candidate.evaluate(() => (window as any).candidate.closed)).toBe(1008);
    const refused = await candidate.evaluate(() => (window as any).listTasks());
    expect(refused).toEqual({ status: 403, body: { message: 'Forbidden', code: 'forbidden' } });
    await shot(admin, 'revoked');
    await shot(candidate, 'candidate-revoked', false);

    // A refresh of the table keeps the buttons themselves (a click landing during a refresh used
    // to be lost with the replaced button), while the cells that changed are redrawn.
    // (A property, not an attribute: the table compares what a cell shows, attributes included.)
    const reissue = row.locator('button', { hasText: 'Re-issue' });
    await reissue.evaluate((button) => Object.assign(button, { marked: true }));
    await admin.waitForResponse((response) => new URL(response.url()).pathname === '/admin/keys', WAIT);
    await admin.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await reissue.evaluate((button) => (button as HTMLButtonElement & { marked?: boolean }).marked)).toBe(true);

    // Re-issue: the form comes filled with her settings; a new key is shown, and she is active again.
    await row.locator('button', { hasText: 'Re-issue' }).click();
    expect(await admin.inputValue('#f-label')).toBe('Ada Lovelace, frontend');
    expect(await admin.inputValue('#f-faults')).toBe('slow');
    expect(await admin.inputValue('#f-max-workspaces')).toBe('2');
    expect(await admin.isVisible('#reissue-warning')).toBe(true);
    await admin.click('#f-submit');
    await admin.waitForSelector('#new-key:not([hidden])', WAIT);
    const reissued = (await admin.textContent('#new-key-value'))!;
    expect(reissued).toMatch(/^tm_ada_/);
    expect(reissued).not.toBe(key);
    await admin.waitForFunction(
      () => document.querySelector('tr[data-key="ada"] .badge')?.textContent === 'active',
      undefined,
      WAIT,
    );

    // Sign out forgets the key.
    await admin.click('#sign-out');
    await admin.waitForSelector('#sign-in:not([hidden])', WAIT);
    expect(await admin.evaluate(() => sessionStorage.getItem('taskmock-admin-key'))).toBeNull();
    expect(await admin.textContent('#new-key-value')).toBe('');
    expect(problems.filter((text) => !text.includes('403'))).toEqual([]);
    await context.close();
  },
  120_000,
);
