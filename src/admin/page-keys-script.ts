// The admin page's script, first part: the admin key, requests, the keys table, issuing and
// revoking. Plain browser JavaScript (the page defines ADMIN before it). Everything received is
// shown with textContent: labels and task names are never markup.
export const ADMIN_KEYS_SCRIPT = `
const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;
let adminKey = sessionStorage.getItem(ADMIN.storageKey);
const state = { keys: [], selected: null, reissuing: null, pollTimer: null, refreshFailed: false };

/** A DOM element: props are attributes (text, class and on* handled), children appended. */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

class RequestError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** A request with the admin key; the JSON answer, or a RequestError with the server's message. */
async function api(method, path, body, signal) {
  const headers = { 'X-Admin-Key': adminKey || '' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
  } catch (error) {
    if (signal && signal.aborted) throw error;
    throw new RequestError(0, 'the server cannot be reached');
  }
  if (response.status === 403) {
    signOut(adminKey ? 'The server refused this admin key (403).' : '');
    throw new RequestError(403, 'Forbidden');
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) throw new RequestError(response.status, (data && data.message) || 'HTTP ' + response.status);
  return data;
}

function notice(text, isError) {
  $('notice').textContent = text || '';
  $('notice').className = isError ? 'error' : '';
}

// ---- signing in and out ----

async function signIn(key) {
  adminKey = key;
  $('sign-in-error').textContent = '';
  try {
    const data = await api('GET', '/admin/keys');
    sessionStorage.setItem(ADMIN.storageKey, key);
    $('sign-in').hidden = true;
    $('app').hidden = false;
    $('sign-out').hidden = false;
    renderKeys(data.keys);
    schedulePoll();
  } catch (error) {
    if (error.status !== 403) $('sign-in-error').textContent = 'Cannot sign in: ' + error.message;
  }
}

function signOut(message) {
  adminKey = null;
  sessionStorage.removeItem(ADMIN.storageKey);
  clearTimeout(state.pollTimer);
  closeWorkspaces();
  hideNewKey();
  closeIssueForm();
  state.keys = [];
  $('keys-body').replaceChildren();
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('admin-key').value = '';
  $('sign-in-error').textContent = message || '';
  $('admin-key').focus();
}

function schedulePoll() {
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(async () => {
    if (!adminKey) return;
    try {
      await refreshKeys();
      if (state.selected) await refreshWorkspaces();
      if (state.refreshFailed) notice('Connected again.');
      state.refreshFailed = false;
    } catch (error) {
      if (error.status === 403) return;
      state.refreshFailed = true;
      notice('Refresh failed: ' + error.message + ' (trying again every ' + ADMIN.refreshMs / 1000 + ' s)', true);
    }
    if (adminKey) schedulePoll();
  }, ADMIN.refreshMs);
}

// ---- the keys table ----

const pad = (n) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "3 Dec 14:05" (the year only when it is not this one), in the browser's time zone. */
function shortTime(iso) {
  const d = new Date(iso);
  const year = d.getFullYear() === new Date().getFullYear() ? '' : ' ' + d.getFullYear();
  return d.getDate() + ' ' + MONTHS[d.getMonth()] + year + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}
function span(seconds) {
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min';
  if (seconds < 172800) return Math.round(seconds / 3600) + ' h';
  return Math.round(seconds / 86400) + ' d';
}
function relative(iso) {
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return seconds >= 0 ? span(seconds) + ' ago' : 'in ' + span(-seconds);
}
function timeCell(iso, none, asRelative) {
  if (!iso) return el('td', { class: 'muted', text: none });
  const text = asRelative ? relative(iso) : shortTime(iso);
  return el('td', { class: 'nowrap' }, el('time', { datetime: iso, title: asRelative ? shortTime(iso) : relative(iso), text }));
}
const numCell = (n) => el('td', { class: 'num', text: String(n) });

function faultsText(faults) {
  if (faults === null || faults === undefined) return 'server default';
  return typeof faults === 'string' ? faults : 'custom';
}

function keyRow(key) {
  const issued = key.kind === 'issued';
  const path = '/admin/keys/' + enc(key.name);
  return el('tr', { class: state.selected === key.name ? 'selected' : null, 'data-key': key.name },
    el('td', { class: 'nowrap' }, el('span', { class: 'name mono', text: key.name }), el('span', { class: 'kind', text: key.kind })),
    el('td', { text: key.label || '—', class: key.label ? null : 'muted' }),
    el('td', {}, el('span', { class: 'badge ' + key.status, text: key.status })),
    timeCell(key.createdAt, '—', false),
    timeCell(key.expiresAt, 'never', false),
    timeCell(key.lastSeenAt, 'never', true),
    numCell(key.counters.requests),
    numCell(key.counters.sockets),
    numCell(key.counters.tasksCreated),
    el('td', { class: 'nowrap', text: faultsText(key.faults) }),
    el('td', { class: 'actions' }, el('div', {},
      el('button', { type: 'button', text: 'Workspaces', onclick: () => selectKey(key.name) }),
      el('a', { class: 'button', href: path + '/report.html', text: 'Report' }),
      el('button', { type: 'button', text: 'Journal', title: 'download the NDJSON journal', onclick: () => downloadJournal(key.name) }),
      issued ? el('button', { type: 'button', text: 'Re-issue', onclick: () => openIssueForm(currentKey(key.name)) }) : null,
      issued && key.status !== 'revoked' ? el('button', { type: 'button', class: 'danger', text: 'Revoke', onclick: () => revoke(key.name) }) : null)));
}

/** The key as the last refresh listed it (a row kept across refreshes must not act on old data). */
const currentKey = (name) => state.keys.find((key) => key.name === name);

/**
 * The keys table brought up to date in place: a row, and a cell in it, is replaced only when what
 * it shows changed. Replacing every row at every refresh swapped the buttons out from under the
 * pointer, and a click landing in that moment was lost.
 */
function renderKeys(keys) {
  state.keys = keys;
  const body = $('keys-body');
  const shown = new Map([...body.children].map((row) => [row.dataset.key, row]));
  keys.map(keyRow).forEach((fresh, index) => {
    const row = shown.get(fresh.dataset.key);
    shown.delete(fresh.dataset.key);
    if (row) patchRow(row, fresh);
    const placed = row || fresh;
    if (body.children[index] !== placed) body.insertBefore(placed, body.children[index] || null);
  });
  for (const gone of shown.values()) gone.remove();
  $('key-count').textContent = keys.length + (keys.length === 1 ? ' key' : ' keys');
}

function patchRow(row, fresh) {
  row.className = fresh.className;
  // A copy: the cells that are used move out of fresh, whose own list shrinks as they go.
  const cells = [...fresh.children];
  cells.forEach((cell, i) => {
    const was = row.children[i];
    if (!was) row.append(cell);
    else if (was.outerHTML !== cell.outerHTML) was.replaceWith(cell);
  });
  while (row.children.length > cells.length) row.lastElementChild.remove();
}

async function refreshKeys() {
  renderKeys((await api('GET', '/admin/keys')).keys);
}

async function downloadJournal(name) {
  try {
    const response = await fetch('/admin/keys/' + enc(name) + '/journal', { headers: { 'X-Admin-Key': adminKey }, cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const url = URL.createObjectURL(await response.blob());
    const link = el('a', { href: url, download: 'journal-' + name + '.ndjson' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (error) {
    notice('Journal of ' + name + ': ' + error.message, true);
  }
}

async function revoke(name) {
  const question = 'Revoke the key "' + name + '"?\\n\\nIts requests get 403 at once and its sockets are closed (1008). Its journal and report stay.';
  if (!confirm(question)) return;
  try {
    await api('DELETE', '/admin/keys/' + enc(name));
    notice('Revoked ' + name + '.');
    await refreshKeys();
    if (state.selected === name) await refreshWorkspaces();
  } catch (error) {
    if (error.status !== 403) notice('Revoke ' + name + ': ' + error.message, true);
  }
}

// ---- issuing ----

const LIMIT_FIELDS = [['f-max-workspaces', 'maxWorkspaces'], ['f-max-connections', 'maxWorkspaceConnections'],
  ['f-max-running', 'maxRunningWorkspaceTasks'], ['f-max-tasks', 'maxWorkspaceTasks']];

function toLocalInput(iso) {
  const d = new Date(iso);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

/** Opens the form empty, or filled with an issued key's settings to re-issue it. */
function openIssueForm(key) {
  state.reissuing = key ? key.name : null;
  $('issue-form').reset();
  $('f-name').value = key ? key.name : '';
  $('f-name').readOnly = Boolean(key);
  $('f-label').value = key && key.label ? key.label : '';
  $('f-expires').value = key && key.expiresAt ? toLocalInput(key.expiresAt) : '';
  const faults = key ? key.faults : null;
  $('f-faults').value = faults === null || faults === undefined ? '' : typeof faults === 'string' ? faults : 'json';
  $('f-json').value = faults && typeof faults === 'object' ? JSON.stringify(faults) : '';
  for (const [id, field] of LIMIT_FIELDS) $(id).value = key && key.limits && key.limits[field] < Number($(id).max) ? key.limits[field] : '';
  $('f-json-label').hidden = $('f-faults').value !== 'json';
  $('reissue-warning').hidden = !key;
  $('f-submit').textContent = key ? 'Re-issue ' + key.name : 'Issue key';
  $('f-error').textContent = '';
  $('issue-form').hidden = false;
  (key ? $('f-label') : $('f-name')).focus();
}

function closeIssueForm() {
  $('issue-form').hidden = true;
  state.reissuing = null;
}

/** The PUT body from the form; throws with a message for what the browser cannot send. */
function issueBody() {
  const body = {};
  const label = $('f-label').value.trim();
  if (label) body.label = label;
  const expires = $('f-expires').value;
  if (expires) body.expiresAt = new Date(expires).toISOString();
  const faults = $('f-faults').value;
  if (faults === 'json') {
    try { body.faults = JSON.parse($('f-json').value); } catch { throw new Error('the fault profile is not JSON'); }
  } else if (faults) body.faults = faults;
  const limits = {};
  for (const [id, field] of LIMIT_FIELDS) if ($(id).value !== '') limits[field] = Number($(id).value);
  if (Object.keys(limits).length > 0) body.limits = limits;
  return body;
}

async function submitIssue(event) {
  event.preventDefault();
  const name = $('f-name').value.trim();
  $('f-error').textContent = '';
  try {
    const issued = await api('PUT', '/admin/keys/' + enc(name), issueBody());
    closeIssueForm();
    showNewKey(issued);
    notice((state.reissuing ? 'Re-issued ' : 'Issued ') + issued.name + '.');
    await refreshKeys();
  } catch (error) {
    if (error.status !== 403) $('f-error').textContent = error.message;
  }
}

function showNewKey(issued) {
  $('new-key-name').textContent = issued.name;
  $('new-key-value').textContent = issued.key;
  $('copy-state').textContent = '';
  $('new-key').hidden = false;
  $('new-key').scrollIntoView({ block: 'nearest' });
}

/** Forgets the shown key: it leaves the page, as promised. */
function hideNewKey() {
  $('new-key-value').textContent = '';
  $('new-key').hidden = true;
}

async function copyKey() {
  const value = $('new-key-value').textContent;
  try {
    await navigator.clipboard.writeText(value);
    $('copy-state').textContent = 'Copied to the clipboard.';
  } catch {
    // No clipboard API (a plain-http origin other than localhost): select it for Ctrl+C.
    const range = document.createRange();
    range.selectNodeContents($('new-key-value'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    let copied = false;
    try { copied = document.execCommand('copy'); } catch { copied = false; }
    $('copy-state').textContent = copied ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (or ⌘C) to copy it.';
  }
}

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn($('admin-key').value.trim());
});
$('sign-out').addEventListener('click', () => signOut('Signed out.'));
$('show-issue').addEventListener('click', () => openIssueForm(null));
$('f-cancel').addEventListener('click', closeIssueForm);
$('f-faults').addEventListener('change', () => { $('f-json-label').hidden = $('f-faults').value !== 'json'; });
$('issue-form').addEventListener('submit', submitIssue);
$('copy-key').addEventListener('click', copyKey);
$('new-key-done').addEventListener('click', hideNewKey);
`;
