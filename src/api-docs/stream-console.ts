// The stream page's console, as the script the page inlines (plain browser JavaScript; the page
// defines STREAM before it). Frames are shown with textContent only: nothing received is markup.
export const STREAM_PAGE_SCRIPT = `
const $ = (id) => document.getElementById(id);
const MAX_SHOWN = 200;
let socket = null;
let opened = false;
let count = 0;
let previousAt = 0;

function setState(text) {
  $('state').textContent = text;
  $('connect').textContent = socket ? 'Disconnect' : 'Connect';
}

function clock(date) {
  return date.toTimeString().slice(0, 8) + '.' + String(date.getMilliseconds()).padStart(3, '0');
}

function byStatus(tasks) {
  const counts = {};
  for (const task of tasks) counts[task.status] = (counts[task.status] || 0) + 1;
  const parts = Object.entries(counts).map(([status, n]) => n + ' ' + status);
  return tasks.length + (tasks.length === 1 ? ' task' : ' tasks') + (parts.length ? ': ' + parts.join(', ') : '');
}

/** One line for any format: a list, an envelope {version, tasks} or a patch {version, from, changes}. */
function summarize(value) {
  if (Array.isArray(value)) return byStatus(value);
  if (value && Array.isArray(value.changes)) return 'version ' + value.version + ' (from ' + value.from + '): ' + value.changes.length + ' change(s)';
  if (value && Array.isArray(value.tasks)) return 'version ' + value.version + ', ' + byStatus(value.tasks);
  return 'a JSON ' + typeof value;
}

/** The frame as received, indented when it is JSON. */
function pretty(data) {
  try { return JSON.stringify(JSON.parse(data), null, 2); } catch { return data; }
}

function show(kind, text, body) {
  const item = document.createElement('li');
  item.className = kind;
  const time = document.createElement('time');
  time.textContent = clock(new Date());
  item.append(time, text);
  if (body !== undefined) {
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = 'JSON, ' + body.length + ' bytes';
    const pre = document.createElement('pre');
    pre.textContent = pretty(body);
    details.append(summary, pre);
    item.append(details);
  }
  const list = $('frames');
  list.prepend(item);
  while (list.children.length > MAX_SHOWN) list.lastElementChild.remove();
}

function onFrame(event) {
  count += 1;
  $('count').textContent = String(count);
  const now = performance.now();
  const gap = previousAt ? ' (+' + ((now - previousAt) / 1000).toFixed(2) + ' s)' : '';
  previousAt = now;
  let summary;
  try { summary = summarize(JSON.parse(event.data)); } catch { summary = 'not JSON'; }
  show('frame', '#' + count + gap + ' ' + summary, String(event.data));
}

function query() {
  const params = new URLSearchParams({ api_key: $('key').value.trim(), workspace_id: $('workspace').value.trim() || 'default' });
  const format = STREAM.formats.find((f) => f.name === $('format').value);
  if (format && !format.isDefault) params.set('format', format.name);
  const since = $('since').value.trim();
  if (since && format && !format.isDefault) params.set('since', since);
  return params;
}

/** A browser sees a refused upgrade only as 1006: ask GET /tasks why, with the same key and workspace. */
async function explainRefusal(params) {
  const versioned = params.has('format');
  params.delete('format');
  params.delete('since');
  try {
    const response = await fetch('/tasks?' + params);
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      return show('event', 'refused: GET /tasks with this key and workspace answers ' + response.status + ' ' + (body.message || ''));
    }
    show('event', 'key and workspace are accepted: the workspace may already have its ' + STREAM.limit +
      ' sockets open, or the key its ' + STREAM.workspaces + ' workspaces (429 before the upgrade)' + (versioned ? ', or format/since is invalid (400)' : ''));
  } catch (error) {
    show('event', 'the server cannot be reached: ' + error);
  }
}

function connect() {
  const params = query();
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const ws = new WebSocket(scheme + location.host + STREAM.streamPath + '?' + params);
  socket = ws;
  opened = false;
  previousAt = 0;
  setState('connecting');
  ws.onopen = () => { opened = true; setState('open'); show('event', 'open: workspace ' + params.get('workspace_id')); };
  ws.onmessage = onFrame;
  ws.onclose = (event) => {
    if (socket === ws) socket = null;
    setState('closed');
    show('event', 'closed with code ' + event.code + (event.reason ? ' (' + event.reason + ')' : ''));
    if (!opened) explainRefusal(params);
  };
}

// A link can carry the console's settings: /docs/stream?api_key=KEY&workspace_id=ID&format=NAME.
const preset = new URLSearchParams(location.search);
if (preset.get('api_key')) $('key').value = preset.get('api_key');
if (preset.get('workspace_id')) $('workspace').value = preset.get('workspace_id');
if (STREAM.formats.some((f) => f.name === preset.get('format'))) $('format').value = preset.get('format');
if (preset.get('since')) $('since').value = preset.get('since');

$('console').addEventListener('submit', (event) => {
  event.preventDefault();
  if (socket) socket.close(1000, 'closed from the console');
  else connect();
});

$('create').addEventListener('click', async () => {
  const params = query();
  const key = params.get('api_key');
  params.delete('api_key');
  params.delete('format');
  params.delete('since');
  const response = await fetch('/tasks?' + params, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
    body: JSON.stringify({ name: 'from the stream page', type: 'gx.tiny' }),
  });
  const body = await response.json().catch(() => ({}));
  show('event', 'POST /tasks answered ' + response.status + (body.task ? ': task ' + body.task.id + ' queued' : ' ' + (body.message || '')));
});
`;
