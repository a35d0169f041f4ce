// The admin page, GET /admin (SPEC §13): sign in with the admin key (kept in the tab's session
// storage), the keys (issue, re-issue, revoke, copy a new key once), and a key's workspaces as a
// live task board with clock and fault controls. One self-contained page from the binary: inline
// style and script, nothing from another host. The page itself holds no data, so it is served
// without the admin key; every request it makes sends X-Admin-Key. Its Content-Security-Policy
// allows only its own script and style (by hash) and requests to this server: task names come
// from candidates, and the page renders them with textContent only.
import { pagePolicy } from './page-policy.ts';
import { Elysia } from 'elysia';
import type { Config } from '../config/config.ts';
import { escapeHtml } from '../api-docs/html.ts';
import { DOCS_PATH, STREAM_PAGE_PATH } from '../api-docs/paths.ts';
import { PRESET_NAMES } from '../faults/presets.ts';
import { ADMIN_BOARD_SCRIPT } from './page-board-script.ts';
import { ADMIN_KEYS_SCRIPT } from './page-keys-script.ts';
import { ADMIN_PAGE_STYLE } from './page-style.ts';

/** Where the admin key is kept in the tab: shared with the report page, so one sign-in serves both. */
export const ADMIN_KEY_STORAGE = 'taskmock-admin-key';
/** How often the keys and the workspace list are read again; the board itself follows blocking reads. */
const REFRESH_MS = 3_000;
/** The board's blocking read waits this long at most (under proxies' usual 60 s idle cut). */
const BOARD_WAIT_S = 25;

function limitInput(id: string, label: string, max: number): string {
  return `<label>${label} <input id="${id}" type="number" min="1" max="${max}" step="1" placeholder="${max}"></label>`;
}

function body(version: string, config: Config): string {
  const presets = PRESET_NAMES.map((name) => `<option>${escapeHtml(name)}</option>`).join('');
  return `<header class="bar">
  <strong>taskmock ${escapeHtml(version)}</strong><span>admin</span>
  <a href="${DOCS_PATH}">API docs</a><a href="${STREAM_PAGE_PATH}">live stream</a><a href="/">index</a>
  <span class="grow"></span>
  <button id="sign-out" type="button" hidden>Sign out</button>
</header>
<main>
<section id="sign-in" class="panel" hidden>
  <h1>taskmock admin</h1>
  <form id="sign-in-form" autocomplete="off">
    <input id="admin-key" type="password" placeholder="admin key (ADMIN_KEY)" aria-label="Admin key" required>
    <button class="primary" type="submit">Sign in</button>
  </form>
  <p id="sign-in-error" class="error" role="alert"></p>
  <p class="hint">The key is kept in this tab's session storage only: closing the tab forgets it.</p>
</section>
<div id="app" hidden>
  <p id="notice" role="status"></p>
  <section id="new-key" class="panel new-key" hidden>
    <h2>New key for <span id="new-key-name"></span></h2>
    <p><code id="new-key-value"></code> <button id="copy-key" class="primary" type="button">Copy</button> <span id="copy-state"></span></p>
    <p class="warn">Copy it now: it will not be shown again. Only its hash is kept; a lost key can only be re-issued.</p>
    <p class="hint">The candidate sends it as <code>api_key</code> (or <code>X-API-Key</code>) to this server.</p>
    <button id="new-key-done" type="button">Done, hide it</button>
  </section>
  <section class="panel">
    <div class="head"><h2>Keys</h2><span id="key-count" class="muted"></span><span class="grow"></span>
      <button id="show-issue" class="primary" type="button">Issue a key</button></div>
    <form id="issue-form" class="issue" hidden autocomplete="off">
      <label>Name <input id="f-name" required pattern="[a-z0-9\\-]{1,40}" maxlength="40" placeholder="ada" title="a-z, 0-9 and -, at most 40"></label>
      <label>Label <input id="f-label" maxlength="200" placeholder="Ada Lovelace, frontend"></label>
      <label>Expires (your local time) <input id="f-expires" type="datetime-local"></label>
      <label>Faults <select id="f-faults"><option value="">server default</option>${presets}<option value="json">custom JSON…</option></select></label>
      <label id="f-json-label" class="wide" hidden>Fault profile (JSON, as in FAULTS)
        <textarea id="f-json" rows="3" placeholder='{"latencyMs": [50, 400], "errorRate": 0.05}'></textarea></label>
      <fieldset><legend>Limits (empty: the server's; only lower)</legend>
        ${limitInput('f-max-workspaces', 'Workspaces', config.maxWorkspaces)}
        ${limitInput('f-max-connections', 'Sockets per workspace', config.maxWorkspaceConnections)}
        ${limitInput('f-max-running', 'Running per workspace', config.maxRunningWorkspaceTasks)}
        ${limitInput('f-max-tasks', 'Tasks per workspace', config.maxWorkspaceTasks)}
      </fieldset>
      <p id="reissue-warning" class="wide warn" hidden>Re-issuing replaces the secret: the old key stops working at once and
        its sockets are closed (1008). Its workspaces and journal stay.</p>
      <div class="actions"><button id="f-submit" class="primary" type="submit">Issue key</button>
        <button id="f-cancel" type="button">Cancel</button><span id="f-error" class="error" role="alert"></span></div>
    </form>
    <div class="table-wrap"><table>
      <thead><tr><th>Key</th><th>Label</th><th>Status</th><th>Created</th><th>Expires</th><th>Last seen</th>
        <th class="num">Requests</th><th class="num">Sockets</th><th class="num">Tasks</th><th>Faults</th><th class="actions"></th></tr></thead>
      <tbody id="keys-body"></tbody>
    </table></div>
  </section>
  <section id="workspaces" class="panel" hidden>
    <div class="head"><h2>Workspaces of <span id="ws-key"></span></h2><span class="grow"></span>
      <button id="ws-close" type="button">Close</button></div>
    <ul id="workspace-tabs" class="tabs"></ul>
    <p id="no-workspaces" class="muted" hidden>No workspace yet: one appears once the key creates a task or opens a socket.</p>
    <div id="board-panel" hidden>
      <div class="board-head">
        <h3 class="board-title">Workspace <span id="board-title" class="mono"></span></h3>
        <div class="clock"><span id="clock-state" class="state"></span> <span id="clock-now" class="mono"></span></div>
        <div class="controls">
          <button id="c-pause" type="button">Pause</button>
          <button id="c-next" type="button" title="advance to the next start or end and apply it">Step</button>
          <button id="c-advance-10" type="button">+10 s</button>
          <button id="c-advance-60" type="button">+60 s</button>
          <label>Faults <select id="c-faults"><option value="inherit">key's or server's</option>${presets}</select></label>
        </div>
        <div class="facts"><span id="fact-next"></span><span id="fact-version"></span><span id="fact-sockets"></span><span id="fact-faults"></span></div>
      </div>
      <p id="board-error" class="error" role="alert"></p>
      <div class="board">
        ${['queued', 'running', 'completed', 'failed']
          .map(
            (status) =>
              `<div class="column" data-status="${status}"><h3><span>${status}</span><span class="count">0</span></h3><ol></ol></div>`,
          )
          .join('\n        ')}
      </div>
    </div>
  </section>
</div>
</main>`;
}

function adminPageHtml(version: string, config: Config): { html: string; policy: string } {
  const settings = { storageKey: ADMIN_KEY_STORAGE, refreshMs: REFRESH_MS, waitSeconds: BOARD_WAIT_S };
  const script = `const ADMIN = ${JSON.stringify(settings)};\n${ADMIN_KEYS_SCRIPT}\n${ADMIN_BOARD_SCRIPT}`;
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <link rel="icon" href="data:,">
  <title>taskmock ${escapeHtml(version)}: admin</title>
  <style>${ADMIN_PAGE_STYLE}</style>
</head>
<body>
${body(version, config)}
<script>${script}</script>
</body>
</html>
`;
  const policy = pagePolicy({ script, style: ADMIN_PAGE_STYLE, assetsFromSelf: false });
  return { html, policy };
}

/** GET /admin: mounted only with ADMIN_KEY, like every /admin route. */
export function adminPage({ version, config }: { version: string; config: Config }) {
  const { html, policy } = adminPageHtml(version, config);
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': policy,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  return new Elysia({ name: 'taskmock/admin-page' }).get('/admin', () => new Response(html, { headers }), {
    detail: { hide: true },
  });
}
