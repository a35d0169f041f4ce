// The report page's script, inlined by report-page.ts (plain browser JavaScript; the page names
// the key in <body data-key> and loads uPlot before it). It asks for the admin key once per tab (session storage,
// shared with the admin page), fetches the JSON report and draws it. Everything received is set
// with textContent: nothing in a journal becomes markup.
export const REPORT_PAGE_SCRIPT = `
const STORAGE_KEY = 'taskmock-admin-key';
const REPORT_KEY = document.body.dataset.key;
const $ = (id) => document.getElementById(id);
const ENDPOINT_COLORS = {
  'GET /tasks': '#1f6feb', 'POST /tasks': '#2da44e', 'DELETE /tasks/:id': '#bf3989', 'POST /tasks/flush': '#8250df',
  '/ws/tasks': '#d4a72c', '/control/…': '#57606a', 'other': '#9a6700',
};
const STATUS_COLORS = { queued: '#8c959f', running: '#1f6feb', completed: '#2da44e', failed: '#cf222e' };
const PRINT_WIDTH = 680;
/** One width for every chart's y axis, so that their time axes line up. */
const Y_AXIS_SIZE = 76;
let charts = [];
let report = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'text') node.textContent = value; else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 60000) return (Math.round(ms / 100) / 10) + ' s';
  if (ms < 3600000) return (Math.round(ms / 6000) / 10) + ' min';
  return (Math.round(ms / 360000) / 10) + ' h';
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '–');

function closeColor(code) {
  if (code === null) return '#1f6feb';
  if (code === 1000 || code === 1005) return '#2da44e';
  if (code === 1001) return '#8c959f';
  if (code === 1008) return '#bc4c00';
  return '#cf222e';
}

function showForm(message) {
  $('login').hidden = false;
  $('login-message').textContent = message || '';
  $('admin-key').focus();
}

async function load() {
  const adminKey = sessionStorage.getItem(STORAGE_KEY);
  if (!adminKey) return showForm('');
  $('login').hidden = true;
  $('state').textContent = 'Loading the report…';
  let response;
  try {
    response = await fetch('/admin/keys/' + encodeURIComponent(REPORT_KEY) + '/report', { headers: { 'X-Admin-Key': adminKey } });
  } catch (error) {
    $('state').textContent = 'The server could not be reached: ' + error;
    return;
  }
  if (response.status === 403) {
    sessionStorage.removeItem(STORAGE_KEY);
    $('state').textContent = '';
    return showForm('That admin key was refused. Enter the server\\'s ADMIN_KEY.');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    $('state').textContent = response.status === 404 ? 'There is no key named "' + REPORT_KEY + '".' : (body.message || 'HTTP ' + response.status);
    return;
  }
  report = body;
  $('state').textContent = '';
  render();
}

function chartWidth() {
  const printing = window.matchMedia('print').matches;
  const width = $('report').clientWidth || 800;
  return printing ? Math.min(width, PRINT_WIDTH) : width;
}

/** Every chart spans the same time: from the first bucket to the end of the last. */
function xRange(timeline) {
  return [timeline.times[0], timeline.times[timeline.times.length - 1] + timeline.bucketSeconds];
}

/** With few buckets, lines alone are hard to read: show their points too. */
const fewPoints = (timeline) => ({ show: timeline.times.length <= 60, size: 5 });

function faultSeries(timeline) {
  const counts = timeline.times.map(() => null);
  const start = timeline.times[0];
  for (const fault of timeline.faults) {
    const index = Math.min(counts.length - 1, Math.max(0, Math.floor((fault.at / 1000 - start) / timeline.bucketSeconds)));
    counts[index] = (counts[index] || 0) + 1 / timeline.bucketSeconds;
  }
  return counts;
}

function requestsChart(timeline, target) {
  const series = [{ label: 'time' }];
  const data = [timeline.times];
  for (const line of timeline.requests) {
    series.push({ label: line.endpoint, stroke: ENDPOINT_COLORS[line.endpoint] || '#000', width: 1.5, points: fewPoints(timeline) });
    data.push(line.perSecond);
  }
  series.push({
    label: 'injected faults',
    stroke: '#cf222e',
    fill: '#cf222e',
    paths: () => null,
    points: { show: true, size: 9, fill: '#cf222e', stroke: '#fff' },
  });
  data.push(faultSeries(timeline));
  return new uPlot({
    width: chartWidth(), height: 240, series,
    scales: { x: { time: true, range: xRange(timeline) } },
    axes: [{}, { label: 'per second', size: Y_AXIS_SIZE }],
    legend: { live: false },
  }, data, target);
}

function tasksChart(timeline, target) {
  const series = [{ label: 'time' }];
  const data = [timeline.times];
  for (const line of timeline.tasks) {
    if (line.status === 'failed' && line.counts.every((n) => n === 0)) continue;
    series.push({ label: line.status, stroke: STATUS_COLORS[line.status], width: 2, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } });
    data.push(line.counts);
  }
  return new uPlot({
    width: chartWidth(), height: 200, series,
    scales: { x: { time: true, range: xRange(timeline) } },
    axes: [{}, { label: 'tasks', size: Y_AXIS_SIZE }],
    legend: { live: false },
  }, data, target);
}

/**
 * Sockets as horizontal bars, one group of lanes per workspace (in order of first socket), packed
 * so that sockets open at once stack. Answers each socket's lane (0 at the top) and the groups.
 */
function lanesOf(sockets, endOf) {
  const groups = new Map();
  for (const socket of sockets) {
    if (!groups.has(socket.workspace)) groups.set(socket.workspace, { name: socket.workspace, laneEnds: [], first: 0 });
  }
  const local = sockets.map((socket) => {
    const laneEnds = groups.get(socket.workspace).laneEnds;
    let lane = laneEnds.findIndex((end) => end <= socket.start);
    if (lane === -1) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = endOf(socket);
    return lane;
  });
  let next = 0;
  for (const group of groups.values()) {
    group.first = next;
    next += group.laneEnds.length;
  }
  const lanes = sockets.map((socket, index) => groups.get(socket.workspace).first + local[index]);
  return { lanes, groups: [...groups.values()], count: Math.max(1, next) };
}

function socketsChart(timeline, target) {
  const last = xRange(timeline)[1];
  const endOf = (socket) => (socket.end === null ? last * 1000 : Math.max(socket.end, socket.start + 1));
  const { lanes, groups, count } = lanesOf(timeline.sockets, endOf);
  // Lane n is drawn from the top: y = count - n - 0.5 on a scale from 0 (bottom) to count.
  const laneY = (lane) => count - lane - 0.5;
  const draw = (u) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.font = Math.round(10 * devicePixelRatio) + 'px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const rowHeight = Math.abs(u.valToPos(1, 'y', true) - u.valToPos(0, 'y', true));
    const barHeight = Math.max(2, Math.min(rowHeight * 0.7, 18 * devicePixelRatio));
    ctx.strokeStyle = '#d1d9e0';
    for (const group of groups.slice(1)) {
      const y = u.valToPos(count - group.first, 'y', true);
      ctx.beginPath();
      ctx.moveTo(u.bbox.left, y);
      ctx.lineTo(u.bbox.left + u.bbox.width, y);
      ctx.stroke();
    }
    timeline.sockets.forEach((socket, index) => {
      const x0 = u.valToPos(socket.start / 1000, 'x', true);
      const x1 = Math.max(x0 + 2, u.valToPos(endOf(socket) / 1000, 'x', true));
      const y = u.valToPos(laneY(lanes[index]), 'y', true);
      ctx.fillStyle = closeColor(socket.code);
      ctx.fillRect(x0, y - barHeight / 2, x1 - x0, barHeight);
      const label = socket.code === null ? 'open' : String(socket.code);
      if (barHeight >= 9 * devicePixelRatio && x1 - x0 > ctx.measureText(label).width + 6) {
        ctx.fillStyle = '#fff';
        ctx.fillText(label, x0 + 3, y);
      }
    });
    ctx.restore();
  };
  // One label per workspace, at the middle of its lanes.
  const labelAt = groups.map((group) => count - group.first - group.laneEnds.length / 2);
  const short = (name) => (name === null ? '–' : name.length > 9 ? name.slice(0, 8) + '…' : name);
  return new uPlot({
    width: chartWidth(), height: Math.min(300, 70 + count * 22),
    series: [{ label: 'time' }, { label: 'sockets', show: false }],
    scales: { x: { time: true, range: xRange(timeline) }, y: { range: [0, count] } },
    axes: [{}, {
      label: 'workspace', size: Y_AXIS_SIZE, gap: 4,
      splits: () => labelAt, values: () => groups.map((group) => short(group.name)),
      ticks: { show: false }, grid: { show: false },
    }],
    legend: { show: false },
    hooks: { draw: [draw] },
  }, [timeline.times, timeline.times.map(() => null)], target);
}

function codeLegend(sockets) {
  const codes = [...new Set(sockets.map((socket) => socket.code))].sort((a, b) => (a ?? 0) - (b ?? 0));
  const legend = el('p', { class: 'code-legend' });
  const names = { 1000: 'normal', 1001: 'going away', 1005: 'no code', 1006: 'dropped (no close frame)', 1008: 'policy (revoked)', 1011: 'server error' };
  for (const code of codes) {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = closeColor(code);
    legend.append(el('span', { class: 'code' }, swatch, code === null ? 'still open' : code + ' ' + (names[code] || '')));
  }
  return legend;
}

function figureRows(figures) {
  const p = figures.polling;
  const r = figures.reconnects;
  const rows = [
    ['First activity', when(figures.firstActivity)],
    ['Last activity', when(figures.lastActivity)],
    ['Requests', figures.requests + ' to /tasks and /control' + (figures.byEndpoint.length ? '; by endpoint: ' + figures.byEndpoint.map((e) => e.endpoint + ' ' + e.count + (e.endpoint === '/ws/tasks' ? ' upgrades' : '')).join(', ') : '')],
    ['Sockets opened', String(figures.socketsOpened)],
    ['Polling while subscribed', p.whileSubscribed + ' reads in ' + duration(p.subscribedMs) + ' subscribed' + (p.perMinute === null ? '' : ' (' + p.perMinute + ' a minute)')],
    ['Reconnects', r.count + ' (' + r.afterFailure + ' after failures, ' + r.withinOneSecond + ' within 1 s; delays ' + duration(r.delays.minMs) + ' min, ' + duration(r.delays.medianMs) + ' median; at most ' + r.maxAttemptsIn10s + ' attempts in 10 s)'],
  ];
  for (const streak of r.streaks) {
    rows.push(['Failure run', streak.reconnects + ' reconnects, ' + streak.verdict + ': ' + streak.delaysMs.slice(0, 12).map(duration).join(', ') + (streak.delaysMs.length > 12 ? ', …' : '')]);
  }
  for (const status of figures.errors) {
    rows.push(['Answered ' + status.status, status.count + ' (' + status.retried + ' retried, median ' + duration(status.retryDelays.medianMs) + ' later; longest run ' + status.longestRun + (status.withRetryAfter ? '; Retry-After respected ' + status.retryAfterRespected + ', ignored ' + status.retryAfterIgnored : '') + ')']);
  }
  rows.push(['Duplicate creates', String(figures.duplicateCreates.count)]);
  rows.push(['Deletes answered 404', String(figures.staleDeletes.count)]);
  for (const bad of figures.badRequests) rows.push(['400 "' + bad.message + '"', String(bad.count)]);
  for (const refused of figures.refusedSockets) rows.push(['Sockets refused ' + refused.status + ' "' + refused.message + '"', String(refused.count)]);
  return rows;
}

function figureTable(figures) {
  const table = el('table', { class: 'figures' });
  for (const [name, value] of figureRows(figures)) table.append(el('tr', {}, el('th', { text: name }), el('td', { text: value })));
  return table;
}

function findingItem(finding) {
  const where = finding.workspace === null ? '' : 'workspace ' + finding.workspace + ': ';
  const evidence = finding.evidence.length ? el('span', { class: 'evidence', text: 'events ' + finding.evidence.slice(0, 12).join(', ') + (finding.evidence.length > 12 ? ', …' : '') }) : null;
  return el('li', { class: 'finding ' + finding.severity, 'data-kind': finding.kind },
    el('span', { class: 'severity', text: finding.severity }),
    el('span', { class: 'text', text: where + finding.text }),
    evidence);
}

function render() {
  for (const chart of charts) chart.destroy();
  charts = [];
  const timeline = report.timeline;
  $('summary').textContent = report.events + ' journal events' + (report.dropped ? ' (' + report.dropped + ' older ones dropped)' : '') +
    ', from ' + when(report.figures.firstActivity) + ' to ' + when(report.figures.lastActivity) + '. Generated ' + when(report.generatedAt) + '.';
  const findings = $('findings');
  findings.replaceChildren(...(report.findings.length ? report.findings.map(findingItem) : [el('li', { class: 'finding none', text: 'Nothing to report: no finding was triggered.' })]));
  charts.push(requestsChart(timeline, $('chart-requests')));
  charts.push(socketsChart(timeline, $('chart-sockets')));
  charts.push(tasksChart(timeline, $('chart-tasks')));
  $('sockets-legend').replaceChildren(codeLegend(timeline.sockets));
  $('sockets-note').textContent = timeline.sockets.length + ' sockets' + (timeline.socketsOmitted ? ' (the latest; ' + timeline.socketsOmitted + ' earlier ones left out)' : '') + '.';
  const byFault = {};
  for (const fault of timeline.faults) for (const name of fault.fault.split(/,\\s*/)) byFault[name] = (byFault[name] || 0) + 1;
  const faultWords = Object.entries(byFault).map(([name, n]) => n + ' ' + name).join(', ');
  $('faults-note').textContent = timeline.faults.length + ' injected faults' + (faultWords ? ' (' + faultWords + ')' : '') +
    (timeline.faultsOmitted ? ', ' + timeline.faultsOmitted + ' more left out' : '') + '. Buckets of ' + timeline.bucketSeconds + ' s, local time.';
  const figures = $('figures');
  figures.replaceChildren(el('h3', { text: 'The key as a whole' }), figureTable(report.figures));
  for (const workspace of report.workspaces) {
    figures.append(el('section', { class: 'workspace' }, el('h3', { text: 'Workspace ' + workspace.workspace }), figureTable(workspace.figures)));
  }
  $('content').hidden = false;
}

function resize() {
  for (const chart of charts) chart.setSize({ width: chartWidth(), height: chart.height });
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('admin-key').value.trim();
  if (!value) return;
  sessionStorage.setItem(STORAGE_KEY, value);
  $('admin-key').value = '';
  load();
});
$('reload').addEventListener('click', () => load());
$('forget').addEventListener('click', () => {
  sessionStorage.removeItem(STORAGE_KEY);
  $('content').hidden = true;
  showForm('Admin key forgotten for this tab.');
});
$('print').addEventListener('click', () => window.print());
window.addEventListener('resize', resize);
window.addEventListener('beforeprint', resize);
window.addEventListener('afterprint', resize);
window.matchMedia('print').addEventListener('change', resize);
load();
`;
