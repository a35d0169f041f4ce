// Error handling: for every answer with a server error or 429, whether the same request (method,
// path, workspace) came again, how soon, and whether it waited the Retry-After it was told.
import type { JournalEvent, RequestEvent } from '../journal/events.ts';
import { delayStats, evidenceOf } from './stats.ts';
import type { StatusFigures } from './types.ts';

/** The next identical request within this long counts as a retry. */
export const RETRY_WINDOW_MS = 60_000;
/** Timers fire a little early and clocks differ by a tick: this much short of Retry-After still counts. */
export const RETRY_AFTER_TOLERANCE_MS = 50;

export const isErrorStatus = (status: number) => status === 429 || status >= 500;

interface Tally {
  count: number;
  retried: number;
  longestRun: number;
  delays: number[];
  withRetryAfter: number;
  respected: number;
  ignored: number;
  ids: number[];
}

const identityOf = (event: RequestEvent) => `${event.method} ${event.path} ${event.workspace ?? ''}`;

/** When the request arrived: the journal stamps a request when its answer went out. */
const arrivalOf = (event: RequestEvent) => event.at - Math.max(0, event.ms);

function tallyFor(tallies: Map<number, Tally>, status: number): Tally {
  let tally = tallies.get(status);
  if (!tally) {
    tally = { count: 0, retried: 0, longestRun: 0, delays: [], withRetryAfter: 0, respected: 0, ignored: 0, ids: [] };
    tallies.set(status, tally);
  }
  return tally;
}

function tallySeries(series: readonly RequestEvent[], tallies: Map<number, Tally>): void {
  let run = 0;
  for (const [index, event] of series.entries()) {
    if (!isErrorStatus(event.status)) {
      run = 0;
      continue;
    }
    const tally = tallyFor(tallies, event.status);
    tally.count++;
    tally.ids.push(event.id);
    tally.longestRun = Math.max(tally.longestRun, ++run);
    if (event.retryAfter !== undefined) tally.withRetryAfter++;
    const next = series[index + 1];
    if (!next) continue;
    const delayMs = Math.max(0, arrivalOf(next) - event.at);
    if (delayMs > RETRY_WINDOW_MS) continue;
    tally.retried++;
    tally.delays.push(delayMs);
    tally.ids.push(next.id);
    if (event.retryAfter === undefined) continue;
    if (delayMs >= event.retryAfter * 1_000 - RETRY_AFTER_TOLERANCE_MS) tally.respected++;
    else tally.ignored++;
  }
}

export function errorFigures(events: readonly JournalEvent[], cap: number): StatusFigures[] {
  const series = new Map<string, RequestEvent[]>();
  for (const event of events) {
    if (event.kind !== 'request') continue;
    const identity = identityOf(event);
    const list = series.get(identity);
    if (list) list.push(event);
    else series.set(identity, [event]);
  }
  const tallies = new Map<number, Tally>();
  for (const list of series.values()) tallySeries(list, tallies);
  return [...tallies]
    .sort(([a], [b]) => a - b)
    .map(([status, tally]) => ({
      status,
      count: tally.count,
      retried: tally.retried,
      longestRun: tally.longestRun,
      retryDelays: delayStats(tally.delays),
      withRetryAfter: tally.withRetryAfter,
      retryAfterRespected: tally.respected,
      retryAfterIgnored: tally.ignored,
      evidence: evidenceOf(tally.ids, cap),
    }));
}
