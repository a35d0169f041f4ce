// The behaviour report's pure functions (SPEC §13) on hand-made journals: one sequence per
// finding, with the figures and the evidence that back it.
import { describe, expect, test } from 'bun:test';
import { buildReport } from '../src/report/report.ts';
import type { Finding, Report } from '../src/report/types.ts';
import type { JournalEvent } from '../src/journal/events.ts';
import { script, T0 } from './report-events.ts';

const reportOf = (events: JournalEvent[], now = events.at(-1)?.at ?? T0) => buildReport(events, { key: 'ada', now });
const kinds = (report: Report) => report.findings.map((finding) => finding.kind);
const finding = (report: Report, kind: string): Finding => {
  const found = report.findings.find((each) => each.kind === kind);
  if (!found) throw new Error(`no ${kind} finding in ${JSON.stringify(report.findings, null, 1)}`);
  return found;
};

/** A socket that opens and drops (1006) after `lifeMs`, `times` times, with `delays[i]` before reopening. */
function dropping(delays: number[], lifeMs = 300, code = 1006) {
  const s = script();
  for (const delay of delays) {
    const socket = s.open();
    s.wait(lifeMs).close(socket, code);
    s.wait(delay);
  }
  s.open();
  return s;
}

describe('polling while subscribed', () => {
  test('counts GET /tasks only while a socket of the same workspace is open, per minute of it', () => {
    const s = script();
    for (let i = 0; i < 10; i++) s.wait(1_000).request('GET', '/tasks', 200); // before any socket
    s.in('other').open();
    s.in('w');
    for (let i = 0; i < 5; i++) s.wait(100).request('GET', '/tasks', 200); // only another workspace has a socket
    const socket = s.wait(500).open();
    for (let i = 0; i < 58; i++) s.wait(1_000).request('GET', '/tasks', 200);
    s.wait(2_000).close(socket, 1000);
    s.wait(1_000).request('GET', '/tasks', 200); // after the close
    const report = reportOf(s.events);
    const polling = report.workspaces.find((each) => each.workspace === 'w')!.figures.polling;
    expect(polling.whileSubscribed).toBe(58);
    expect(polling.subscribedMs).toBe(60_000);
    expect(polling.perMinute).toBe(58);
    const found = finding(report, 'polling-while-subscribed');
    expect(found).toMatchObject({ severity: 'problem', workspace: 'w', figures: { polls: 58, perMinute: 58 } });
    expect(found.text).toContain('polled GET /tasks 58 times a minute while subscribed');
    // Evidence: the polls themselves.
    const byId = new Map(s.events.map((event) => [event.id, event]));
    expect(found.evidence.every((id) => byId.get(id)?.kind === 'request')).toBe(true);
    expect(found.evidence).toHaveLength(50);
  });

  test('a socket still open counts until now; a client that relied on the stream gets a good finding', () => {
    const s = script();
    s.open();
    s.wait(10_000).request('GET', '/tasks', 200);
    s.wait(50_000).request('POST', '/tasks', 200);
    const report = reportOf(s.events, s.now() + 30_000);
    expect(report.figures.polling).toMatchObject({ whileSubscribed: 1, subscribedMs: 90_000 });
    expect(kinds(report)).toEqual(['relied-on-stream']);
    expect(finding(report, 'relied-on-stream').severity).toBe('good');
  });

  test('two sockets of one workspace at once are one subscribed span, not two', () => {
    const s = script();
    const a = s.open();
    const b = s.wait(5_000).open();
    s.wait(5_000).close(a, 1000);
    s.wait(5_000).close(b, 1000);
    expect(reportOf(s.events).figures.polling.subscribedMs).toBe(15_000);
  });
});

describe('reconnects', () => {
  test('delays that double after each drop back off', () => {
    const report = reportOf(dropping([100, 200, 400, 800, 1_600]).events);
    const { reconnects } = report.figures;
    expect(reconnects).toMatchObject({ count: 5, afterFailure: 5, withinOneSecond: 4, maxAttemptsIn10s: 6 });
    expect(reconnects.delays).toEqual({ count: 5, minMs: 100, medianMs: 400, maxMs: 1_600 });
    expect(reconnects.streaks).toMatchObject([{ verdict: 'backs-off', delaysMs: [100, 200, 400, 800, 1_600], reconnects: 5 }]);
    expect(kinds(report)).toEqual(['reconnect-backoff']);
    expect(finding(report, 'reconnect-backoff').text).toBe(
      'backed off after repeated socket failures: delays grew from 100 ms to 1.6 s over 5 reconnects',
    );
  });

  test('reconnecting at once, at a fixed tiny interval, is no back-off and a storm', () => {
    const report = reportOf(dropping(new Array(12).fill(20)).events);
    expect(report.figures.reconnects.streaks[0]!.verdict).toBe('fixed-interval');
    expect(report.figures.reconnects.maxAttemptsIn10s).toBe(13);
    const flat = finding(report, 'reconnect-no-backoff');
    expect(flat.severity).toBe('problem');
    expect(flat.text).toBe(
      'reconnected 12 times after socket failures at a fixed interval (20 ms), 12 of them within 1 s of the close, with no back-off',
    );
    expect(flat.figures).toMatchObject({ reconnects: 12, withinOneSecond: 12, medianDelayMs: 20 });
    expect(finding(report, 'reconnect-storm').text).toContain('opened or tried 13 sockets within 10 s');
    expect(kinds(report)).not.toContain('reconnect-backoff');
  });

  test('a fixed interval of seconds is a warning, not a problem; jittered delays that do not grow are irregular', () => {
    const fixed = reportOf(dropping([3_000, 3_100, 2_950, 3_050]).events);
    expect(finding(fixed, 'reconnect-no-backoff')).toMatchObject({ severity: 'warning' });
    expect(kinds(fixed)).not.toContain('reconnect-storm');
    const irregular = reportOf(dropping([400, 60, 900, 50, 700, 100]).events);
    expect(irregular.figures.reconnects.streaks[0]!.verdict).toBe('irregular');
    expect(finding(irregular, 'reconnect-no-backoff').text).toContain('with delays that did not grow (50 ms–900 ms)');
  });

  test('refused upgrades are failures too: retrying them with growing delays backs off', () => {
    const s = script();
    for (const delay of [500, 1_000, 2_000, 4_000]) {
      s.refused(503, 'injected fault', 'refuse');
      s.wait(delay);
    }
    s.open();
    const report = reportOf(s.events);
    expect(report.figures.reconnects.streaks).toMatchObject([{ verdict: 'backs-off', delaysMs: [500, 1_000, 2_000, 4_000] }]);
    expect(report.figures.refusedSockets).toMatchObject([{ status: 503, count: 4 }]);
    // Injected refusals are judged as reconnects, not listed as refusals.
    expect(kinds(report)).toEqual(['reconnect-backoff']);
  });

  test('a socket that had worked for a while ends the failure run: a client may reset its back-off', () => {
    const s = script();
    for (let i = 0; i < 4; i++) {
      const socket = s.open();
      s.wait(20_000).close(socket, 1006); // each lived 20 s
      s.wait(100);
    }
    s.open();
    const report = reportOf(s.events);
    expect(report.figures.reconnects).toMatchObject({ count: 4, afterFailure: 4, streaks: [] });
    expect(kinds(report)).toEqual(['relied-on-stream']);
  });

  test('a clean close then a later open is a reconnect but not a failure; an abandoned failure is reported', () => {
    const s = script();
    const a = s.open();
    s.wait(1_000).close(a, 1000);
    const b = s.wait(2_000).open();
    s.wait(1_000).close(b, 1006);
    s.wait(6_000).request('GET', '/tasks', 200);
    const report = reportOf(s.events);
    expect(report.figures.reconnects).toMatchObject({ count: 1, afterFailure: 0, notReconnected: { count: 1 } });
    expect(finding(report, 'no-reconnect')).toMatchObject({ severity: 'warning', evidence: [4] });
  });
});

describe('error handling', () => {
  test('a retry after 503 that waits its Retry-After is respected', () => {
    const s = script();
    s.request('POST', '/tasks', 503, { retryAfter: 2, fault: 'error' });
    s.wait(2_100).request('POST', '/tasks', 503, { retryAfter: 1, fault: 'error' });
    s.wait(1_000).request('POST', '/tasks', 200);
    const report = reportOf(s.events);
    expect(report.figures.errors).toMatchObject([
      {
        status: 503,
        count: 2,
        retried: 2,
        longestRun: 2,
        withRetryAfter: 2,
        retryAfterRespected: 2,
        retryAfterIgnored: 0,
        retryDelays: { minMs: 999, maxMs: 2_099 },
      },
    ]);
    expect(kinds(report)).toEqual(['retry-after-respected']);
    expect(finding(report, 'retry-after-respected').text).toContain('waited the Retry-After of 503 answers before retrying');
  });

  test('retrying a 503 at once ignores its Retry-After', () => {
    const s = script();
    for (let i = 0; i < 5; i++) s.wait(20).request('GET', '/tasks', 503, { retryAfter: 1 });
    s.wait(20).request('GET', '/tasks', 200);
    const report = reportOf(s.events);
    expect(report.figures.errors[0]).toMatchObject({ status: 503, count: 5, retried: 5, retryAfterIgnored: 5, longestRun: 5 });
    const ignored = finding(report, 'retry-after-ignored');
    expect(ignored.severity).toBe('problem');
    expect(ignored.text).toBe(
      'retried 503 answers 5 times sooner than the Retry-After they carried (median 19 ms after the error; 0 waited long enough)',
    );
    expect(ignored.evidence).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('only the same method, path and workspace is a retry; 500s retried without pause are a warning', () => {
    const s = script();
    s.request('POST', '/tasks', 503, { retryAfter: 1 });
    s.wait(10).request('GET', '/tasks', 200);
    s.in('other').wait(10).request('POST', '/tasks', 200);
    s.in('w');
    for (let i = 0; i < 4; i++) s.wait(10).request('DELETE', '/tasks/4', 500);
    const report = reportOf(s.events);
    expect(report.figures.errors).toMatchObject([
      { status: 500, count: 4, retried: 3 },
      { status: 503, count: 1, retried: 0 },
    ]);
    expect(finding(report, 'fast-retries').text).toContain('retried 500 answers 3 times without pausing');
    expect(finding(report, 'errors-not-retried').text).toBe('never retried the 1 503 answer it got');
  });

  test('the retry is timed from when it arrived, not from when its slow answer went out', () => {
    const s = script();
    s.request('GET', '/tasks', 429, { retryAfter: 1 });
    // Sent 1 s later, answered 900 ms after that (a latency fault).
    s.wait(1_900).request('GET', '/tasks', 200, { ms: 900 });
    expect(reportOf(s.events).figures.errors[0]).toMatchObject({ retryAfterRespected: 1, retryDelays: { minMs: 1_000 } });
  });
});

describe('creates, deletes, bad requests, refusals', () => {
  test('the same name and type created twice within 1 s is a duplicate; fixtures are not', () => {
    const s = script();
    s.create(1, 'render', 'gx.tiny');
    s.wait(300).create(2, 'render', 'gx.tiny'); // duplicate
    s.wait(1_500).create(3, 'render', 'gx.tiny'); // 1.5 s later: a new one
    s.wait(100).create(4, 'render', 'gx.micro'); // another type
    s.in('b').wait(100).create(1, 'render', 'gx.micro'); // another workspace
    s.in('w');
    s.task('created', 5, { name: 'fixture', type: 'gx.tiny' });
    s.task('created', 6, { name: 'fixture', type: 'gx.tiny' });
    s.request('POST', '/control/tasks', 200);
    const report = reportOf(s.events);
    expect(report.figures.duplicateCreates).toEqual({ count: 1, evidence: [1, 3] });
    expect(finding(report, 'duplicate-creates').text).toContain(
      'created the same task (same name and type) twice within 1 s once',
    );
  });

  test('deletes answered 404 acted on a stale list', () => {
    const s = script();
    s.create(1, 'a');
    s.wait(1_200).task('started', 1);
    s.wait(200).request('DELETE', '/tasks/1', 404, { message: 'the task could not be found' });
    s.request('DELETE', '/tasks/2', 204);
    s.request('DELETE', '/tasks/x', 400, { message: 'invalid task id' });
    const report = reportOf(s.events);
    expect(report.figures.staleDeletes).toEqual({ count: 1, evidence: [4] });
    expect(finding(report, 'stale-deletes').text).toBe(
      '1 delete was answered 404: the task had already started or was gone (acting on a stale list)',
    );
  });

  test('400s are counted by message, most frequent first', () => {
    const s = script();
    s.request('POST', '/tasks', 400, { message: 'name is required' });
    for (let i = 0; i < 3; i++) s.request('POST', '/tasks', 400, { message: 'invalid task type' });
    const report = reportOf(s.events);
    expect(report.figures.badRequests).toEqual([
      { message: 'invalid task type', count: 3, evidence: [2, 3, 4] },
      { message: 'name is required', count: 1, evidence: [1] },
    ]);
    expect(report.findings.filter((each) => each.kind === 'bad-request').map((each) => each.text)).toEqual([
      'sent 3 requests answered 400 "invalid task type"',
      'sent 1 request answered 400 "name is required"',
    ]);
  });

  test('sockets refused over the limits are a warning, other refusals information', () => {
    const s = script();
    for (let i = 0; i < 11; i++) s.open();
    s.refused(429, 'too many connections in workspace');
    s.wait(60_000).refused(429, 'too many connections in workspace');
    s.in('x').refused(403, 'Forbidden');
    const report = reportOf(s.events);
    expect(report.figures.refusedSockets).toMatchObject([
      { status: 429, count: 2 },
      { status: 403, count: 1 },
    ]);
    expect(finding(report, 'sockets-refused-over-limit')).toMatchObject({
      severity: 'warning',
      text: 'had 2 sockets refused with 429 "too many connections in workspace": it opened more than the limit allows',
      evidence: [12, 13],
    });
    expect(finding(report, 'sockets-refused')).toMatchObject({ severity: 'info', workspace: 'x' });
  });
});

describe('scopes and timeline', () => {
  test('figures per key and per workspace, first and last activity', () => {
    const s = script();
    s.request('GET', '/tasks', 200);
    s.in('b').wait(5_000).create(1, 'x');
    s.in('w').wait(5_000).request('POST', '/tasks/flush', 204);
    const report = reportOf(s.events);
    expect(report).toMatchObject({ key: 'ada', events: 4, dropped: 0 });
    expect(report.figures).toMatchObject({
      firstActivity: new Date(T0).toISOString(),
      lastActivity: new Date(T0 + 10_000).toISOString(),
      requests: 3,
      byEndpoint: [
        { endpoint: 'GET /tasks', count: 1 },
        { endpoint: 'POST /tasks', count: 1 },
        { endpoint: 'POST /tasks/flush', count: 1 },
      ],
    });
    expect(report.workspaces.map((each) => [each.workspace, each.figures.requests, each.figures.lastActivity])).toEqual([
      ['w', 2, new Date(T0 + 10_000).toISOString()],
      ['b', 1, new Date(T0 + 5_000).toISOString()],
    ]);
  });

  test('the timeline: requests per second by endpoint, tasks by status, socket bars, fault marks', () => {
    const s = script();
    const socket = s.open();
    s.request('GET', '/tasks', 200);
    s.wait(200).request('GET', '/tasks', 200);
    s.wait(1_000).create(1, 'a');
    s.wait(1_000).task('started', 1);
    s.request('GET', '/tasks', 503, { fault: 'error', retryAfter: 1 });
    s.wait(1_000).task('completed', 1);
    s.create(2, 'b');
    s.wait(1_000).close(socket, 1006, 'drop');
    s.request('DELETE', '/tasks/2', 204);
    s.task('deleted', 2);
    const { timeline } = reportOf(s.events);
    expect(timeline.bucketSeconds).toBe(1);
    expect(timeline.times).toEqual([0, 1, 2, 3, 4].map((n) => T0 / 1_000 + n));
    expect(timeline.requests).toEqual([
      { endpoint: 'GET /tasks', perSecond: [2, 0, 1, 0, 0] },
      { endpoint: 'POST /tasks', perSecond: [0, 1, 0, 1, 0] },
      { endpoint: 'DELETE /tasks/:id', perSecond: [0, 0, 0, 0, 1] },
      { endpoint: '/ws/tasks', perSecond: [1, 0, 0, 0, 0] },
    ]);
    expect(timeline.tasks).toEqual([
      { status: 'queued', counts: [0, 1, 0, 1, 0] },
      { status: 'running', counts: [0, 0, 1, 0, 0] },
      { status: 'completed', counts: [0, 0, 0, 1, 1] },
      { status: 'failed', counts: [0, 0, 0, 0, 0] },
    ]);
    expect(timeline.sockets).toEqual([{ id: 1, workspace: 'w', start: T0, end: T0 + 4_200, code: 1006 }]);
    expect(timeline.faults).toEqual([
      { id: 7, at: T0 + 2_200, fault: 'error', endpoint: 'GET /tasks', status: 503 },
      { id: 11, at: T0 + 4_200, fault: 'drop', endpoint: '/ws/tasks', status: 1006 },
    ]);
  });

  test('a long journal gets wider buckets, never more than 1,200 of them', () => {
    const s = script();
    s.request('GET', '/tasks', 200);
    s.wait(3 * 3_600_000).request('GET', '/tasks', 200);
    const { timeline } = reportOf(s.events);
    expect(timeline.bucketSeconds).toBe(10);
    expect(timeline.times.length).toBeLessThanOrEqual(1_200);
    expect(timeline.requests[0]!.perSecond.at(-1)).toBe(0.1);
  });

  test('an empty journal is an empty report', () => {
    const report = reportOf([], T0);
    expect(report).toMatchObject({ events: 0, findings: [], figures: { firstActivity: null, requests: 0 } });
    expect(report.timeline.times).toHaveLength(1);
  });
});
