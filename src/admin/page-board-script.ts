// The admin page's script, second part: a key's workspaces and the live board of one of them.
// The board follows blocking reads (`?index=<version>&wait=25s`): one request parked on the server
// at a time, answered at the workspace's next change, so the board moves within milliseconds and
// costs nothing while nothing happens. The workspace list and the keys are read every few seconds.
export const ADMIN_BOARD_SCRIPT = `
const STATUSES = ['queued', 'running', 'completed', 'failed'];
const MAX_CARDS = 100;
const board = { name: null, workspace: null, token: 0, controller: null, data: null, receivedAt: 0, summaries: [], live: [] };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const boardPath = () => '/admin/keys/' + enc(board.name) + '/workspaces/' + enc(board.workspace);

function selectKey(name) {
  state.selected = name;
  board.name = name;
  board.workspace = null;
  board.summaries = [];
  stopBoard();
  $('ws-key').textContent = name;
  $('workspaces').hidden = false;
  $('board-panel').hidden = true;
  $('workspace-tabs').replaceChildren();
  renderKeys(state.keys);
  refreshWorkspaces().catch((error) => error.status !== 403 && notice(error.message, true));
  $('workspaces').scrollIntoView({ block: 'start' });
}

function closeWorkspaces() {
  stopBoard();
  state.selected = null;
  board.name = null;
  board.workspace = null;
  board.data = null;
  $('workspaces').hidden = true;
  if (state.keys.length) renderKeys(state.keys);
}

function countsText(w) {
  const parts = [w.tasks + (w.tasks === 1 ? ' task' : ' tasks')];
  for (const status of STATUSES) if (w.byStatus[status]) parts.push(w.byStatus[status] + ' ' + status);
  if (w.clock.paused) parts.push('paused');
  if (w.sockets) parts.push(w.sockets + (w.sockets === 1 ? ' socket' : ' sockets'));
  return parts.join(' · ');
}

function faultsInForceText(faults) {
  const what = faults.preset || (Object.keys(faults.profile).length ? 'custom profile' : 'none');
  return what + ' (' + (faults.scope === 'workspace' ? "workspace's own" : faults.scope + "'s") + ')';
}

async function refreshWorkspaces() {
  const name = board.name;
  if (!name) return;
  const data = await api('GET', '/admin/keys/' + enc(name) + '/workspaces');
  if (board.name !== name) return;
  board.summaries = data.workspaces;
  const known = data.workspaces.some((w) => w.id === board.workspace);
  if (board.workspace && !known) stopBoard();
  if (!known) {
    const busy = data.workspaces.find((w) => w.tasks > 0 || w.sockets > 0) || data.workspaces[0];
    board.workspace = busy ? busy.id : null;
    if (busy) startBoard();
  }
  renderTabs();
  renderFacts();
}

function renderTabs() {
  $('workspace-tabs').replaceChildren(...board.summaries.map((w) => el('li', {},
    el('button', { type: 'button', 'aria-pressed': String(w.id === board.workspace), 'data-workspace': w.id, onclick: () => selectWorkspace(w.id) },
      el('span', { class: 'mono', text: w.id }), el('span', { class: 'counts', text: countsText(w) })))));
  $('no-workspaces').hidden = board.summaries.length > 0;
  $('board-panel').hidden = !board.workspace;
}

function selectWorkspace(id) {
  if (board.workspace === id) return;
  board.workspace = id;
  board.data = null;
  startBoard();
  renderTabs();
  renderFacts();
}

function startBoard() {
  stopBoard();
  board.controller = new AbortController();
  follow(++board.token, board.controller.signal);
}

function stopBoard() {
  board.token++;
  if (board.controller) board.controller.abort();
  board.controller = null;
}

/** The live loop: a plain read, then blocking reads on the last version; backs off on failures. */
async function follow(token, signal) {
  let version = null;
  let failures = 0;
  while (token === board.token) {
    try {
      const query = version === null ? '' : '?index=' + version + '&wait=' + ADMIN.waitSeconds + 's';
      const data = await api('GET', boardPath() + '/tasks' + query, undefined, signal);
      if (token !== board.token) return;
      failures = 0;
      $('board-error').textContent = '';
      const changed = data.version !== version;
      version = data.version;
      renderBoard(data);
      if (changed) refreshSummarySoon();
    } catch (error) {
      if (token !== board.token || signal.aborted || error.status === 403) return;
      if (error.status === 404) {
        $('board-error').textContent = 'This workspace is gone.';
        return;
      }
      failures += 1;
      $('board-error').textContent = 'The board lost the server (' + error.message + '); retrying…';
      await sleep(Math.min(10000, 500 * 2 ** failures));
    }
  }
}

let summaryTimer = null;
/** The tab counts and the keys' counters follow the board, at most twice a second. */
function refreshSummarySoon() {
  if (summaryTimer) return;
  summaryTimer = setTimeout(() => {
    summaryTimer = null;
    refreshWorkspaces().catch(() => {});
    refreshKeys().catch(() => {});
  }, 500);
}

/** The workspace's own time now: its clock at the answer, run on locally unless paused. */
function workspaceNow() {
  const clock = board.data.clock;
  return Date.parse(clock.now) + (clock.paused ? 0 : performance.now() - board.receivedAt);
}

function seconds(ms) {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return s.toFixed(1) + ' s';
  return Math.floor(s / 60) + ' min ' + pad(Math.floor(s % 60)) + ' s';
}

function elapsedText(task, now) {
  const at = (iso) => Date.parse(iso);
  if (task.status === 'queued') return 'waiting ' + seconds(now - at(task.createdAt));
  if (task.status === 'running') return 'running ' + seconds(now - at(task.startedAt));
  const ran = seconds(at(task.completedAt) - at(task.startedAt));
  return task.status === 'failed' ? 'failed after ' + ran : 'ran ' + ran;
}

function card(task, now) {
  const elapsed = el('span', { class: 'elapsed', text: elapsedText(task, now) });
  if (task.status === 'queued' || task.status === 'running') board.live.push([elapsed, task]);
  return el('li', { class: 'card', 'data-id': task.id, title: 'created ' + task.createdAt },
    el('div', { class: 'title' }, el('span', { class: 'id', text: '#' + task.id }), el('span', { class: 'task-name', text: task.name })),
    el('div', { class: 'meta' }, el('span', { class: 'mono', text: task.type }), elapsed),
    task.failure ? el('div', { class: 'failure', text: task.failure }) : null);
}

function renderBoard(data) {
  board.data = data;
  board.receivedAt = performance.now();
  $('board-title').textContent = board.workspace;
  board.live = [];
  const now = workspaceNow();
  for (const status of STATUSES) {
    const tasks = data.tasks.filter((task) => task.status === status);
    // Finished tasks newest first; queued and running in id order, the next to move on top.
    const shown = status === 'completed' || status === 'failed' ? tasks.slice(-MAX_CARDS).reverse() : tasks.slice(0, MAX_CARDS);
    const column = document.querySelector('.column[data-status="' + status + '"]');
    column.querySelector('.count').textContent = String(tasks.length);
    const items = shown.map((task) => card(task, now));
    if (tasks.length > shown.length) items.push(el('li', { class: 'more', text: '+ ' + (tasks.length - shown.length) + ' more' }));
    column.querySelector('ol').replaceChildren(...items);
  }
  renderClock();
  renderFacts();
}

function renderClock() {
  if (!board.data) return;
  const clock = board.data.clock;
  $('clock-state').textContent = clock.paused ? '❚❚ Paused' : '▶ Running';
  $('clock-state').className = 'state ' + (clock.paused ? 'paused' : 'running');
  const now = new Date(workspaceNow());
  const time = pad(now.getHours()) + ':' + pad(now.getMinutes()) + ':' + pad(now.getSeconds()) + '.' + Math.floor(now.getMilliseconds() / 100);
  $('clock-now').textContent = 'workspace time ' + time + (clock.timeScale !== 1 ? ' · time scale ' + clock.timeScale : '');
  $('c-pause').textContent = clock.paused ? 'Resume' : 'Pause';
  $('c-next').disabled = clock.nextTransitionAt === null;
  const next = clock.nextTransitionAt === null ? 'nothing scheduled'
    : 'next transition ' + (clock.paused ? 'waits (paused)' : 'in ' + seconds(Date.parse(clock.nextTransitionAt) - workspaceNow()));
  $('fact-next').textContent = next;
  $('fact-version').textContent = 'version ' + board.data.version;
}

function renderFacts() {
  const summary = board.summaries.find((w) => w.id === board.workspace);
  if (!summary) return;
  $('fact-sockets').textContent = summary.sockets + (summary.sockets === 1 ? ' socket open' : ' sockets open');
  $('fact-faults').textContent = 'faults: ' + faultsInForceText(summary.faults);
  if (document.activeElement !== $('c-faults')) {
    $('c-faults').value = summary.faults.scope === 'workspace' && summary.faults.preset ? summary.faults.preset : 'inherit';
  }
}

/** Running and waiting times tick locally between answers. */
function tick() {
  if (!board.data || $('board-panel').hidden) return;
  const now = workspaceNow();
  for (const [node, task] of board.live) node.textContent = elapsedText(task, now);
  renderClock();
}

async function clockControl(action, body, label) {
  if (!board.workspace) return;
  try {
    await api('POST', boardPath() + '/clock/' + action, body);
    notice('Workspace ' + board.workspace + ': ' + label + '.');
  } catch (error) {
    if (error.status !== 403) notice('Workspace ' + board.workspace + ': ' + action + ' failed: ' + error.message, true);
  }
}

async function applyFaults() {
  const value = $('c-faults').value;
  try {
    const inForce = value === 'inherit' ? await api('DELETE', boardPath() + '/faults') : await api('PUT', boardPath() + '/faults', { preset: value });
    notice('Faults of ' + board.workspace + ': ' + faultsInForceText(inForce) + '.');
    await refreshWorkspaces();
  } catch (error) {
    if (error.status !== 403) notice('Faults: ' + error.message, true);
  }
}

$('c-pause').addEventListener('click', () => {
  const paused = board.data && board.data.clock.paused;
  clockControl(paused ? 'resume' : 'pause', undefined, paused ? 'resumed' : 'paused');
});
$('c-next').addEventListener('click', () => clockControl('next', undefined, 'stepped to the next transition'));
$('c-advance-10').addEventListener('click', () => clockControl('advance', { ms: 10000 }, 'advanced by 10 s'));
$('c-advance-60').addEventListener('click', () => clockControl('advance', { ms: 60000 }, 'advanced by 60 s'));
$('c-faults').addEventListener('change', applyFaults);
$('ws-close').addEventListener('click', closeWorkspaces);
setInterval(tick, 200);

if (adminKey) signIn(adminKey);
else signOut('');
`;
