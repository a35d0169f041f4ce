// Properties of the behaviour report over arbitrary journals: it never throws, every evidence id
// is an event of the journal, counts add up, and the result matches its documented schema.
import { Value } from '@sinclair/typebox/value';
import { expect, test } from 'bun:test';
import fc from 'fast-check';
import { Report } from '../src/admin/report-schemas.ts';
import type { JournalEvent } from '../src/journal/events.ts';
import { buildReport } from '../src/report/report.ts';
import { T0 } from './report-events.ts';

const workspace = fc.constantFrom('w', 'b', null);
const path = fc.constantFrom('/tasks', '/tasks/1', '/tasks/x', '/tasks/flush', '/control/reset', '/elsewhere');
const draft = fc.oneof(
  fc.record({
    kind: fc.constant('request' as const),
    method: fc.constantFrom('GET', 'POST', 'DELETE'),
    path,
    status: fc.constantFrom(200, 204, 304, 400, 404, 429, 500, 503),
    ms: fc.integer({ min: -5, max: 3_000 }),
    retryAfter: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    fault: fc.option(fc.constantFrom('error', 'latency'), { nil: undefined }),
    message: fc.option(fc.constantFrom('invalid task type', 'name is required'), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('socket.open' as const) }),
  fc.record({
    kind: fc.constant('socket.close' as const),
    opened: fc.nat(60),
    code: fc.constantFrom(1000, 1001, 1005, 1006, 1008, 1011),
    lifetimeMs: fc.integer({ min: -10, max: 60_000 }),
    messages: fc.nat(10),
    fault: fc.option(fc.constant('drop'), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('socket.refused' as const),
    status: fc.constantFrom(403, 429, 503),
    message: fc.option(fc.constantFrom('too many connections in workspace', 'injected fault'), { nil: undefined }),
    fault: fc.option(fc.constant('refuse'), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('task' as const),
    transition: fc.constantFrom('created', 'started', 'completed', 'failed', 'deleted', 'flushed', 'reset'),
    task: fc.nat(8),
    name: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
    type: fc.option(fc.constantFrom('gx.tiny', 'gx.micro'), { nil: undefined }),
  }),
);
// Times mostly increase, as in a journal, but not always (clocks step, answers overlap).
const journal = fc.array(fc.tuple(draft, workspace, fc.integer({ min: -200, max: 4_000 })), { maxLength: 60 }).map((steps) => {
  let at = T0;
  return steps.map(([event, ws], index) => {
    at += steps[index]![2];
    return { ...event, id: index + 1, at, workspace: ws } as JournalEvent;
  });
});

function evidenceLists(value: unknown, found: number[][] = []): number[][] {
  if (Array.isArray(value)) for (const item of value) evidenceLists(item, found);
  else if (value && typeof value === 'object') {
    for (const [name, inner] of Object.entries(value)) {
      if (name === 'evidence') found.push(inner as number[]);
      else evidenceLists(inner, found);
    }
  }
  return found;
}

test('any journal gives a report that matches its schema, with evidence drawn from the journal', () => {
  fc.assert(
    fc.property(journal, fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 1, max: 20 }), (events, later, cap) => {
      const now = (events.at(-1)?.at ?? T0) + later;
      const report = buildReport(events, { key: 'k', now, evidenceCap: cap });
      const ids = new Set(events.map((event) => event.id));
      for (const list of evidenceLists(report)) {
        expect(list.length).toBeLessThanOrEqual(cap);
        for (const id of list) expect(ids.has(id)).toBe(true);
      }
      expect(Value.Check(Report, JSON.parse(JSON.stringify(report)))).toBe(true);
      const upgrades = events.filter((event) => event.kind === 'socket.open' || event.kind === 'socket.refused').length;
      expect(report.figures.byEndpoint.reduce((sum, each) => sum + each.count, 0)).toBe(report.figures.requests + upgrades);
      const perWorkspace = report.workspaces.reduce((sum, each) => sum + each.figures.requests, 0);
      expect(perWorkspace).toBe(report.figures.requests);
      for (const line of report.timeline.requests) expect(line.perSecond).toHaveLength(report.timeline.times.length);
    }),
    { numRuns: 300 },
  );
});
