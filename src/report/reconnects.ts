// Reconnects: per workspace, each close or refused upgrade paired with the next attempt (an open
// or another refused upgrade). A run of failures (abnormal closes of short-lived sockets, refused
// upgrades) is judged for back-off: delays that grow, a fixed interval, or neither.
import type { JournalEvent, SocketCloseEvent, SocketOpenEvent, SocketRefusedEvent } from '../journal/events.ts';
import { byWorkspace, delayStats, evidenceOf, median } from './stats.ts';
import type { BackoffVerdict, FailureStreak, ReconnectFigures } from './types.ts';

/** Closes that mean the connection failed; 1000 (and 1005, no code) are clean closes. */
const CLEAN_CLOSE_CODES = new Set([1000, 1005]);
/** A socket that lived this long was a working connection: a client may reset its back-off. */
export const STABLE_MS = 10_000;
/** Reconnects after failures in a row needed to judge back-off. */
export const STREAK_MIN = 3;
const WINDOW_MS = 10_000;
const MAX_DELAYS_LISTED = 100;
/** A failure counts as "never reconnected" when the client was still active this long after. */
const STILL_ACTIVE_MS = 5_000;

type Ending = SocketCloseEvent | SocketRefusedEvent;
type Attempt = SocketOpenEvent | SocketRefusedEvent;

interface Reconnect {
  ending: Ending;
  attempt: Attempt;
  delayMs: number;
  /** After a failure that keeps a failure run going (not a socket that had worked for a while). */
  repeatedFailure: boolean;
  failure: boolean;
}

const isFailure = (ending: Ending) => ending.kind === 'socket.refused' || !CLEAN_CLOSE_CODES.has(ending.code);

export function backoffVerdict(delaysMs: readonly number[]): BackoffVerdict {
  const min = delaysMs.reduce((a, b) => Math.min(a, b));
  const max = delaysMs.reduce((a, b) => Math.max(a, b));
  if (max <= Math.max(min * 1.5, min + 250)) return 'fixed-interval';
  // Halves compared by their medians, so jittered back-off still reads as growing.
  const half = delaysMs.length >> 1;
  const early = median(delaysMs.slice(0, half))!;
  const late = median(delaysMs.slice(delaysMs.length - half))!;
  return late >= early * 1.8 && late - early >= 250 ? 'backs-off' : 'irregular';
}

function reconnectsOf(group: readonly JournalEvent[]) {
  const pending: Ending[] = [];
  const reconnects: Reconnect[] = [];
  const attempts: Attempt[] = [];
  for (const event of group) {
    if (event.kind === 'socket.open' || event.kind === 'socket.refused') {
      attempts.push(event);
      const ending = pending.shift();
      if (ending) {
        const failure = isFailure(ending);
        const repeatedFailure = failure && (ending.kind === 'socket.refused' || ending.lifetimeMs < STABLE_MS);
        reconnects.push({ ending, attempt: event, delayMs: Math.max(0, event.at - ending.at), failure, repeatedFailure });
      }
    }
    if (event.kind === 'socket.close' || event.kind === 'socket.refused') pending.push(event);
  }
  const lastAt = group.at(-1)?.at ?? 0;
  const abandoned = pending.filter((ending) => isFailure(ending) && lastAt - ending.at >= STILL_ACTIVE_MS);
  return { reconnects, attempts, abandoned };
}

function streaksOf(workspace: string | null, reconnects: readonly Reconnect[], cap: number): FailureStreak[] {
  const streaks: FailureStreak[] = [];
  let run: Reconnect[] = [];
  const close = () => {
    if (run.length >= STREAK_MIN) {
      const delaysMs = run.map((each) => each.delayMs);
      const ids = run.flatMap((each) => [each.ending.id, each.attempt.id]);
      streaks.push({
        workspace,
        reconnects: run.length,
        delaysMs: delaysMs.slice(0, MAX_DELAYS_LISTED),
        medianMs: median(delaysMs)!,
        verdict: backoffVerdict(delaysMs),
        evidence: evidenceOf(ids, cap),
      });
    }
    run = [];
  };
  for (const reconnect of reconnects) {
    if (!reconnect.repeatedFailure) close();
    else run.push(reconnect);
  }
  close();
  return streaks;
}

function maxInWindow(times: readonly number[]): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while (times[to]! - times[from]! >= WINDOW_MS) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

export function reconnectFigures(events: readonly JournalEvent[], cap: number): ReconnectFigures {
  const all: Reconnect[] = [];
  const streaks: FailureStreak[] = [];
  const abandoned: Ending[] = [];
  let maxAttemptsIn10s = 0;
  for (const [workspace, group] of byWorkspace(events)) {
    const found = reconnectsOf(group);
    all.push(...found.reconnects);
    abandoned.push(...found.abandoned);
    streaks.push(...streaksOf(workspace, found.reconnects, cap));
    maxAttemptsIn10s = Math.max(maxAttemptsIn10s, maxInWindow(found.attempts.map((attempt) => attempt.at)));
  }
  const delays = all.map((each) => each.delayMs);
  return {
    count: all.length,
    afterFailure: all.filter((each) => each.failure).length,
    withinOneSecond: delays.filter((ms) => ms < 1_000).length,
    delays: delayStats(delays),
    streaks,
    maxAttemptsIn10s,
    notReconnected: {
      count: abandoned.length,
      evidence: evidenceOf(
        abandoned.map((each) => each.id),
        cap,
      ),
    },
    evidence: evidenceOf(
      all.flatMap((each) => [each.ending.id, each.attempt.id]),
      cap,
    ),
  };
}
