// GET /metrics (SPEC §13): the Prometheus text format, read by the strict parser of exposition.ts
// (promtool is not available here), and what a dashboard would show after real traffic on a real
// listening server: the fast GET path, Elysia's routes, sockets, clock advances, commits, journal.
import { afterEach, describe, expect, test } from 'bun:test';
import { parseCommandLine } from '../src/config/config.ts';
import { Exposition } from '../src/metrics/exposition.ts';
import { Histogram } from '../src/metrics/histogram.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { openDatabase } from '../src/storage/database.ts';
import { createStatusTotals } from '../src/storage/status-totals.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { parseExposition, sampleValue, type Family } from './exposition.ts';
import { eventually, silentLogger } from './helpers.ts';
import { FrameQueue } from './ws-client.ts';

const KEY = 'metrics-secret-key-1';
const ADMIN_KEY = 'metrics-admin-secret-1';
const WORKSPACE = 'tenant-ws-7f3a';
let taskmock: RunningTaskmock | undefined;
afterEach(async () => {
  await taskmock?.shutdown();
  taskmock = undefined;
});

function start(flags: string[] = []): RunningTaskmock {
  const base = ['--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--log-level', 'silent', '--api-keys', KEY];
  const { config } = parseCommandLine([...base, ...flags], {});
  // A manual clock: nothing starts or ends unless a test advances a workspace's time.
  taskmock = startTaskmock(config, { clock: new ManualClock(), logger: silentLogger });
  return taskmock;
}

const tasksUrl = (path = '/tasks', query = '') => `${taskmock!.url}${path}?api_key=${KEY}&workspace_id=${WORKSPACE}${query}`;

async function create(name: string): Promise<number> {
  const response = await fetch(tasksUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type: 'gx.tiny' }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { task: { id: number } }).task.id;
}

const advance = (ms: number) =>
  fetch(tasksUrl('/control/clock/advance'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms }),
  });

async function scrape(): Promise<Family[]> {
  const response = await fetch(`${taskmock!.url}/metrics`);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

const requests = (families: Family[], method: string, route: string, status: number) =>
  sampleValue(families, 'taskmock_http_requests_total', { method, route, status: String(status) }) ?? 0;

describe('the exposition format', () => {
  test('label values and HELP text are escaped, and read back exactly', () => {
    const awkward = 'a "quoted" back\\slash\nnew line';
    const histogram = new Histogram([0.1, 1]);
    for (const value of [0.05, 0.5, 0.5, 7]) histogram.observe(value);
    const text = new Exposition()
      .family('x_total', 'counter', 'Help with a back\\slash\nand a line feed.')
      .sample('x_total', 3, { route: awkward })
      .family('y_seconds', 'histogram', 'A histogram.')
      .histogram('y_seconds', histogram, { route: awkward })
      .text();
    const [counter, durations] = parseExposition(text);
    expect(counter).toMatchObject({ name: 'x_total', help: 'Help with a back\\\\slash\\nand a line feed.' });
    expect(counter!.samples).toEqual([{ name: 'x_total', labels: { route: awkward }, value: 3 }]);
    const buckets = durations!.samples.filter((sample) => sample.name === 'y_seconds_bucket');
    expect(buckets.map((bucket) => [bucket.labels.le, bucket.value])).toEqual([
      ['0.1', 1],
      ['1', 3],
      ['+Inf', 4],
    ]);
    expect(sampleValue([durations!], 'y_seconds_sum')).toBeCloseTo(8.05);
  });

  // The parser is the only proof of the format here, so it must refuse what a scraper refuses.
  test.each([
    ['no final line feed', '# HELP a_total x\n# TYPE a_total counter\na_total 1'],
    ['a sample with no family', 'a 1\n'],
    ['TYPE without HELP', '# TYPE a gauge\na 1\n'],
    ['a family declared twice', '# HELP a x\n# TYPE a gauge\na 1\n# HELP a x\n# TYPE a gauge\n'],
    ['a sample of another family', '# HELP a x\n# TYPE a gauge\nb 1\n'],
    ['a duplicate series', '# HELP a x\n# TYPE a gauge\na{k="v"} 1\na{k="v"} 2\n'],
    ['an unquoted label value', '# HELP a x\n# TYPE a gauge\na{k=v} 1\n'],
    ['a bad escape', '# HELP a x\n# TYPE a gauge\na{k="\\t"} 1\n'],
    ['a counter not named _total', '# HELP a x\n# TYPE a counter\na 1\n'],
    ['a value that is not a number', '# HELP a x\n# TYPE a gauge\na one\n'],
    ['a timestamp', '# HELP a x\n# TYPE a gauge\na 1 1700000000\n'],
    ['a blank line', '# HELP a x\n# TYPE a gauge\n\na 1\n'],
    ['buckets that go down', histogramText(['0.1', 2], ['+Inf', 1], 1)],
    ['buckets not ending in +Inf', histogramText(['0.1', 1], ['1', 1], 1)],
    ['+Inf unequal to _count', histogramText(['0.1', 1], ['+Inf', 2], 3)],
    ['a histogram without _sum', '# HELP h x\n# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
  ])('the test parser refuses %s', (_, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});

function histogramText(first: [string, number], last: [string, number], count: number): string {
  return `# HELP h x\n# TYPE h histogram\nh_bucket{le="${first[0]}"} ${first[1]}\nh_bucket{le="${last[0]}"} ${last[1]}\nh_sum 1\nh_count ${count}\n`;
}

describe('GET /metrics on a running server', () => {
  test('is the text format 0.0.4, needs no key, and holds every family, strictly well formed', async () => {
    start(['--admin-key', ADMIN_KEY]);
    await create('first');
    await fetch(tasksUrl());
    await fetch(tasksUrl('/tasks/99'), { method: 'DELETE' });
    await fetch(tasksUrl('/tasks'), { method: 'POST', body: 'not json' });
    await fetch(`${taskmock!.url}/nowhere/${KEY}`);
    expect((await advance(1)).status).toBe(200);
    await fetch(`${taskmock!.url}/admin/keys/ada`, { method: 'PUT', headers: { 'x-admin-key': ADMIN_KEY }, body: '{}' });
    const response = await fetch(`${taskmock!.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const families = parseExposition(text);
    expect(families.map((family) => `${family.name} ${family.type}`)).toEqual([
      'taskmock_build_info gauge',
      'taskmock_http_requests_total counter',
      'taskmock_http_request_duration_seconds histogram',
      'taskmock_websocket_connections gauge',
      'taskmock_websocket_connections_opened_total counter',
      'taskmock_tasks gauge',
      'taskmock_task_transitions_total counter',
      'taskmock_scheduled_workspaces gauge',
      'taskmock_commit_duration_seconds histogram',
      'taskmock_commit_rollbacks_total counter',
      'taskmock_journal_events gauge',
      'process_start_time_seconds gauge',
      'process_resident_memory_bytes gauge',
    ]);
    // Routes are patterns, never paths: no id, key, key name or workspace becomes a label.
    const routes = new Set(families[1]!.samples.map((sample) => sample.labels.route));
    expect([...routes].sort()).toEqual(['/admin/keys/:name', '/control/clock/advance', '/tasks', '/tasks/:id', 'unmatched']);
    for (const secret of [KEY, ADMIN_KEY, WORKSPACE, 'ada', '/99']) expect(text).not.toContain(secret);
    expect(requests(families, 'DELETE', '/tasks/:id', 404)).toBe(1);
    expect(requests(families, 'POST', '/tasks', 400)).toBe(1);
    expect(requests(families, 'GET', 'unmatched', 404)).toBe(1);
    const startedAt = sampleValue(families, 'process_start_time_seconds')!;
    expect(Math.abs(startedAt - Date.now() / 1000)).toBeLessThan(3600);
    expect(sampleValue(families, 'process_resident_memory_bytes')).toBeGreaterThan(1024 * 1024);
  });

  test('counts N reads and M creates, read answered in front of Elysia or by it, each once', async () => {
    start();
    const reads = 7;
    const creates = 4;
    for (let i = 0; i < creates; i++) await create(`task ${i}`);
    for (let i = 0; i < reads; i++) expect((await fetch(tasksUrl())).status).toBe(200);
    // An encoded value goes to Elysia's own route (fast-list.ts): still one GET /tasks.
    expect((await fetch(tasksUrl('/tasks', '&x=%41'))).status).toBe(200);
    const families = await scrape();
    expect(requests(families, 'GET', '/tasks', 200)).toBe(reads + 1);
    expect(requests(families, 'POST', '/tasks', 200)).toBe(creates);
    const latency = { method: 'GET', route: '/tasks' };
    expect(sampleValue(families, 'taskmock_http_request_duration_seconds_count', latency)).toBe(reads + 1);
    expect(sampleValue(families, 'taskmock_http_request_duration_seconds_sum', latency)).toBeGreaterThan(0);
    expect(sampleValue(families, 'taskmock_http_request_duration_seconds_count', { method: 'POST', route: '/tasks' })).toBe(
      creates,
    );
    // The scrape itself is counted once it is answered.
    expect(requests(await scrape(), 'GET', '/metrics', 200)).toBe(1);
  });

  test('an open socket shows as 1 open and 1 opened, and 0 open once it closed', async () => {
    start();
    const before = await scrape();
    expect(sampleValue(before, 'taskmock_websocket_connections')).toBe(0);
    const client = new FrameQueue(tasksUrl('/ws/tasks').replace('http', 'ws'));
    await client.next();
    const open = await scrape();
    expect(sampleValue(open, 'taskmock_websocket_connections')).toBe(1);
    expect(sampleValue(open, 'taskmock_websocket_connections_opened_total')).toBe(1);
    expect(requests(open, 'GET', '/ws/tasks', 101)).toBe(1);
    client.socket.close();
    await client.closed;
    await eventually(
      async () => sampleValue(await scrape(), 'taskmock_websocket_connections') === 0,
      'the closed socket to leave the gauge',
    );
    expect(sampleValue(await scrape(), 'taskmock_websocket_connections_opened_total')).toBe(1);
  });

  test('tasks by status and transitions follow a clock advance', async () => {
    start();
    for (let i = 0; i < 3; i++) await create(`task ${i}`);
    const queued = await scrape();
    expect(['queued', 'running', 'completed'].map((status) => sampleValue(queued, 'taskmock_tasks', { status }))).toEqual([
      3, 0, 0,
    ]);
    expect(sampleValue(queued, 'taskmock_task_transitions_total', { kind: 'created' })).toBe(3);
    expect(sampleValue(queued, 'taskmock_task_transitions_total', { kind: 'started' })).toBe(0);
    expect(sampleValue(queued, 'taskmock_scheduled_workspaces')).toBe(1);
    // gx.tiny runs under 3 s: ten minutes of the workspace's time start and finish all three.
    expect((await advance(600_000)).status).toBe(200);
    const done = await scrape();
    expect(['queued', 'running', 'completed'].map((status) => sampleValue(done, 'taskmock_tasks', { status }))).toEqual([
      0, 0, 3,
    ]);
    expect(sampleValue(done, 'taskmock_task_transitions_total', { kind: 'started' })).toBe(3);
    expect(sampleValue(done, 'taskmock_task_transitions_total', { kind: 'completed' })).toBe(3);
    expect(sampleValue(done, 'taskmock_task_transitions_total', { kind: 'failed' })).toBe(0);
    expect(sampleValue(done, 'taskmock_scheduled_workspaces')).toBe(0);
    expect((await fetch(tasksUrl('/tasks/flush'), { method: 'POST' })).status).toBe(204);
    const flushed = await scrape();
    expect(sampleValue(flushed, 'taskmock_tasks', { status: 'completed' })).toBe(0);
    expect(sampleValue(flushed, 'taskmock_task_transitions_total', { kind: 'removed' })).toBe(3);
  });

  test('failed tasks are counted apart from completed ones', async () => {
    start(['--faults', JSON.stringify({ tasks: { failRate: 1 } }), '--seed', 'metrics']);
    for (let i = 0; i < 2; i++) await create(`doomed ${i}`);
    expect((await advance(600_000)).status).toBe(200);
    const families = await scrape();
    expect(['completed', 'failed'].map((status) => sampleValue(families, 'taskmock_tasks', { status }))).toEqual([0, 2]);
    expect(sampleValue(families, 'taskmock_task_transitions_total', { kind: 'failed' })).toBe(2);
    expect(sampleValue(families, 'taskmock_task_transitions_total', { kind: 'completed' })).toBe(0);
  });

  test('the commit histogram counts every group commit of the writes', async () => {
    start();
    const before = await scrape();
    const commitsBefore = sampleValue(before, 'taskmock_commit_duration_seconds_count')!;
    // Each create is answered only after its own COMMIT, so three awaited creates are three commits.
    for (let i = 0; i < 3; i++) await create(`task ${i}`);
    const after = await scrape();
    expect(sampleValue(after, 'taskmock_commit_duration_seconds_count')).toBeGreaterThanOrEqual(commitsBefore + 3);
    expect(sampleValue(after, 'taskmock_commit_duration_seconds_sum')).toBeGreaterThan(
      sampleValue(before, 'taskmock_commit_duration_seconds_sum')!,
    );
    expect(sampleValue(after, 'taskmock_commit_rollbacks_total')).toBe(0);
  });

  test('the journal size grows with requests when ADMIN_KEY is set, and is absent without it', async () => {
    start(['--admin-key', ADMIN_KEY]);
    const before = sampleValue(await scrape(), 'taskmock_journal_events')!;
    await create('journaled');
    await fetch(tasksUrl());
    // The journal writes at the next commit; the gauge counts buffered events too.
    const after = sampleValue(await scrape(), 'taskmock_journal_events')!;
    expect(after).toBeGreaterThanOrEqual(before + 3);
    await taskmock!.shutdown();
    start();
    await create('not journaled');
    expect(sampleValue(await scrape(), 'taskmock_journal_events')).toBeUndefined();
  });

  test('is never faulted, even under the chaos preset', async () => {
    start(['--faults', 'chaos', '--seed', 'metrics']);
    for (let i = 0; i < 40; i++) {
      const response = await fetch(`${taskmock!.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-taskmock-fault')).toBeNull();
      await response.text();
    }
  });
});

test('tasks by status, read through the indexes, agree with a GROUP BY over every row', () => {
  const db = openDatabase(':memory:');
  const insert = db.prepare("INSERT INTO tasks (ws, id, name, type, status, created_at) VALUES (?, ?, 'n', 'gx.tiny', ?, 0)");
  const statuses = ['queued', 'running', 'completed', 'failed', 'completed', 'queued', 'completed'];
  for (let i = 0; i < 500; i++) insert.run(i % 7, i + 1, statuses[(i * 5) % statuses.length]!);
  const grouped = Object.fromEntries(
    db
      .query<{ status: string; n: number }, []>('SELECT status, count(*) AS n FROM tasks GROUP BY status')
      .all()
      .map(({ status, n }) => [status, n]),
  );
  expect(createStatusTotals(db)()).toEqual(grouped as never);
  db.close();
});

describe('the docs list /metrics', () => {
  test('in OpenAPI under system, with no key and a text/plain answer, and in the index', async () => {
    start();
    const document = await (await fetch(`${taskmock!.url}/swagger/json`)).json();
    const operation = document.paths['/metrics'].get;
    expect(operation.tags).toEqual(['system']);
    expect(operation.security).toEqual([]);
    expect(operation.summary).toBe('Prometheus metrics');
    expect(Object.keys(operation.responses[200].content)).toEqual(['text/plain']);
    expect(await (await fetch(`${taskmock!.url}/`)).text()).toMatch(/GET\s+\/metrics\s+Prometheus metrics/);
  });
});
