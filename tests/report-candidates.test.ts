// Scripted candidates against a real server process, each with a key of its own, and the
// behaviour report's findings for each: the poller is told it polled, the client that backs off
// and honours Retry-After is not told otherwise, the hammering and impatient ones are.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Finding, Report } from '../src/report/types.ts';
import * as candidates from './candidates/clients.ts';
import { eventually } from './helpers.ts';
import { spawnServer, type ServerProcess } from './process.ts';

const ADMIN = { 'x-admin-key': 'admin-secret-for-report-candidates', 'content-type': 'application/json' };
const DROPS = { stream: { dropAfterMs: [200, 400] } };
const ERRORS = { errorRate: 1, errorStatuses: [503] };
let server: ServerProcess;

beforeAll(async () => {
  server = await spawnServer(['--db', ':memory:', '--admin-key', ADMIN['x-admin-key'], '--log-level', 'warn']);
});
afterAll(async () => {
  server?.process.kill('SIGTERM');
  await server?.process.exited;
});

/** A candidate with a newly issued key, its workspace under `faults` (if any). */
async function candidate(name: string, faults?: object): Promise<candidates.Candidate> {
  const issued = await fetch(`${server.url}/admin/keys/${name}`, { method: 'PUT', headers: ADMIN, body: '{}' });
  expect(issued.status).toBe(200);
  const who = { url: server.url, key: ((await issued.json()) as { key: string }).key, workspace: 'board' };
  if (faults) {
    const put = await fetch(`${server.url}/control/faults?api_key=${who.key}&workspace_id=board`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    expect(put.status).toBe(200);
  }
  return who;
}

const reportOf = async (name: string) =>
  (await (await fetch(`${server.url}/admin/keys/${name}/report`, { headers: ADMIN })).json()) as Report;

/** The report once it holds every finding of `kinds` (the last events are journaled just after the answers). */
async function reportWith(name: string, kinds: string[]): Promise<Report> {
  let report: Report | undefined;
  await eventually(
    async () => {
      report = await reportOf(name);
      return kinds.every((kind) => report!.findings.some((finding) => finding.kind === kind));
    },
    `findings ${kinds.join(', ')} for ${name}`,
    10_000,
  ).catch((error) => {
    throw new Error(`${error.message}; findings: ${JSON.stringify(report?.findings.map((f) => f.text))}`);
  });
  return report!;
}

const kindsOf = (report: Report) => report.findings.map((finding) => finding.kind);
const findingOf = (report: Report, kind: string) => report.findings.find((finding) => finding.kind === kind) as Finding;

describe('the report judges scripted candidates', () => {
  test('a poller that reads GET /tasks every 100 ms while subscribed', async () => {
    const who = await candidate('poller');
    const polls = await candidates.poller(who);
    const report = await reportWith('poller', ['polling-while-subscribed']);
    const polling = findingOf(report, 'polling-while-subscribed');
    expect(polling.severity).toBe('problem');
    expect(polling.workspace).toBe('board');
    // Some polls may fall just outside the socket's life as the server saw it.
    expect(polling.figures.polls).toBeGreaterThanOrEqual(polls - 2);
    expect(polling.figures.perMinute).toBeGreaterThan(100);
    expect(polling.text).toMatch(/^polled GET \/tasks \d+ times a minute while subscribed/);
    // Nothing else happened to it: one socket, closed cleanly, no errors.
    expect(kindsOf(report)).toEqual(['polling-while-subscribed']);
    expect(report.figures.reconnects.count).toBe(0);
  }, 30_000);

  test('a good client: exponential back-off on drops, Retry-After honoured', async () => {
    const who = await candidate('good', { ...DROPS, ...ERRORS });
    const [codes, statuses] = await Promise.all([candidates.backingOffSubscriber(who), candidates.politeCreator(who)]);
    expect(codes).toEqual([1006, 1006, 1006, 1006, 1006]);
    expect(statuses).toEqual([503, 503, 503]);
    const report = await reportWith('good', ['reconnect-backoff', 'retry-after-respected']);
    const kinds = kindsOf(report);
    for (const bad of ['reconnect-no-backoff', 'reconnect-storm', 'retry-after-ignored', 'polling-while-subscribed']) {
      expect(kinds).not.toContain(bad);
    }
    expect(report.figures.reconnects).toMatchObject({ count: 5, afterFailure: 5 });
    expect(report.figures.reconnects.streaks).toMatchObject([{ verdict: 'backs-off', reconnects: 5 }]);
    expect(report.figures.errors).toMatchObject([{ status: 503, count: 3, retried: 2, retryAfterRespected: 2 }]);
  }, 30_000);

  test('a client that reconnects at once, at a fixed tiny interval', async () => {
    const who = await candidate('hammer', DROPS);
    await candidates.hammeringSubscriber(who);
    const report = await reportWith('hammer', ['reconnect-no-backoff', 'reconnect-storm']);
    const flat = findingOf(report, 'reconnect-no-backoff');
    expect(flat.severity).toBe('problem');
    expect(flat.figures.reconnects).toBe(12);
    expect(flat.text).toMatch(/^reconnected 12 times after socket failures .*within 1 s of the close, with no back-off$/);
    expect(kindsOf(report).sort()).toEqual(['reconnect-no-backoff', 'reconnect-storm']);
    expect(report.figures.reconnects.maxAttemptsIn10s).toBeGreaterThanOrEqual(10);
    expect(report.timeline.sockets.filter((socket) => socket.code === 1006)).toHaveLength(12);
  }, 30_000);

  test('a client that retries 503 at once, ignoring Retry-After', async () => {
    const who = await candidate('impatient', ERRORS);
    expect(await candidates.impatientCreator(who)).toEqual(new Array(6).fill(503));
    const report = await reportWith('impatient', ['retry-after-ignored']);
    const ignored = findingOf(report, 'retry-after-ignored');
    expect(ignored).toMatchObject({ severity: 'problem', figures: { status: 503, errors: 6, retried: 5, ignored: 5 } });
    expect(kindsOf(report)).toEqual(['retry-after-ignored']);
    expect(report.timeline.faults).toHaveLength(6);
    expect(report.timeline.faults[0]).toMatchObject({ fault: 'error', endpoint: 'POST /tasks', status: 503 });
  }, 30_000);

  test('a careless UI: double submit, bad type, delete of a started task', async () => {
    const who = await candidate('careless');
    await candidates.carelessUi(who);
    const report = await reportWith('careless', ['duplicate-creates', 'stale-deletes', 'bad-request']);
    expect(report.figures.duplicateCreates.count).toBe(1);
    expect(report.figures.badRequests).toMatchObject([{ message: 'invalid task type', count: 1 }]);
    expect(findingOf(report, 'stale-deletes').text).toStartWith('1 delete was answered 404');
    expect(kindsOf(report).sort()).toEqual(['bad-request', 'duplicate-creates', 'stale-deletes']);
  }, 30_000);
});
