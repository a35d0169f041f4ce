// Findings about the live stream: polling while subscribed, and how the client reconnected.
import * as limits from './thresholds.ts';
import { evidenceOf } from './stats.ts';
import type { Figures, Finding } from './types.ts';
import { duration, plural, range, times } from './words.ts';

type Scope = { workspace: string | null; cap: number };

export function pollingFindings({ polling }: Figures, { workspace, cap }: Scope): Finding[] {
  const { whileSubscribed, perMinute, subscribedMs, evidence } = polling;
  if (perMinute !== null && whileSubscribed >= limits.POLL_MIN_COUNT && perMinute >= limits.POLL_MIN_PER_MINUTE) {
    return [
      {
        kind: 'polling-while-subscribed',
        severity: perMinute >= limits.POLL_PROBLEM_PER_MINUTE ? 'problem' : 'warning',
        workspace,
        text: `polled GET /tasks ${times(Math.round(perMinute))} a minute while subscribed to the stream (${plural(whileSubscribed, 'read')} in ${duration(subscribedMs)} with a socket open): the stream already sends every change`,
        figures: { polls: whileSubscribed, perMinute, subscribedMs },
        evidence: evidenceOf(evidence, cap),
      },
    ];
  }
  if (subscribedMs >= limits.STREAM_RELIANT_MIN_MS && whileSubscribed <= limits.STREAM_RELIANT_MAX_POLLS) {
    return [
      {
        kind: 'relied-on-stream',
        severity: 'good',
        workspace,
        text: `relied on the stream: ${plural(whileSubscribed, 'read')} of GET /tasks in ${duration(subscribedMs)} with a socket open`,
        figures: { polls: whileSubscribed, subscribedMs },
        evidence,
      },
    ];
  }
  return [];
}

function backoffFindings({ reconnects }: Figures, { workspace, cap }: Scope): Finding[] {
  const { streaks } = reconnects;
  if (streaks.length === 0) return [];
  const flat = streaks.filter((streak) => streak.verdict !== 'backs-off');
  if (flat.length === 0) {
    const longest = streaks.reduce((a, b) => (b.reconnects > a.reconnects ? b : a));
    const first = longest.delaysMs[0]!;
    const last = longest.delaysMs.at(-1)!;
    return [
      {
        kind: 'reconnect-backoff',
        severity: 'good',
        workspace,
        text: `backed off after repeated socket failures: delays grew from ${duration(first)} to ${duration(last)} over ${plural(longest.reconnects, 'reconnect')}`,
        figures: { reconnects: longest.reconnects, firstDelayMs: first, lastDelayMs: last },
        evidence: longest.evidence,
      },
    ];
  }
  const delays = flat.flatMap((streak) => streak.delaysMs);
  const count = flat.reduce((sum, streak) => sum + streak.reconnects, 0);
  const quick = delays.filter((ms) => ms < 1_000).length;
  const min = delays.reduce((a, b) => Math.min(a, b));
  const max = delays.reduce((a, b) => Math.max(a, b));
  const fixed = flat.every((streak) => streak.verdict === 'fixed-interval');
  const median = flat.reduce((a, b) => (b.reconnects > a.reconnects ? b : a)).medianMs;
  const how = fixed ? `at a fixed interval (${range(min, max)})` : `with delays that did not grow (${range(min, max)})`;
  return [
    {
      kind: 'reconnect-no-backoff',
      severity: median < 1_000 ? 'problem' : 'warning',
      workspace,
      text: `reconnected ${times(count)} after socket failures ${how}, ${quick} of them within 1 s of the close, with no back-off`,
      figures: { reconnects: count, withinOneSecond: quick, minDelayMs: min, maxDelayMs: max, medianDelayMs: median },
      evidence: evidenceOf(
        flat.flatMap((streak) => streak.evidence),
        cap,
      ),
    },
  ];
}

export function reconnectFindings(figures: Figures, scope: Scope): Finding[] {
  const { reconnects } = figures;
  const found = backoffFindings(figures, scope);
  if (reconnects.maxAttemptsIn10s >= limits.STORM_ATTEMPTS_IN_10S) {
    found.push({
      kind: 'reconnect-storm',
      severity: 'problem',
      workspace: scope.workspace,
      text: `opened or tried ${reconnects.maxAttemptsIn10s} sockets within 10 s (fastest reconnect ${duration(reconnects.delays.minMs ?? 0)} after a close)`,
      figures: { maxAttemptsIn10s: reconnects.maxAttemptsIn10s, minDelayMs: reconnects.delays.minMs ?? 0 },
      evidence: reconnects.evidence,
    });
  }
  if (reconnects.notReconnected.count > 0) {
    found.push({
      kind: 'no-reconnect',
      severity: 'warning',
      workspace: scope.workspace,
      text: `did not reconnect after ${plural(reconnects.notReconnected.count, 'socket failure')} (an abnormal close or a refusal), though it went on making requests`,
      figures: { failures: reconnects.notReconnected.count },
      evidence: reconnects.notReconnected.evidence,
    });
  }
  return found;
}
