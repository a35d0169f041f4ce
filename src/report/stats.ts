// Small numeric helpers shared by the figure families.
import type { DelayStats, Evidence } from './types.ts';
import type { JournalEvent } from '../journal/events.ts';

export const DEFAULT_EVIDENCE_CAP = 50;

/** The first `cap` ids, sorted: enough to find the events, bounded however long the journal. */
export function evidenceOf(ids: Iterable<number>, cap: number): Evidence {
  return [...new Set(ids)].sort((a, b) => a - b).slice(0, cap);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

export function delayStats(delaysMs: readonly number[]): DelayStats {
  return {
    count: delaysMs.length,
    // A reduce, not Math.min(...): a long journal would overflow the argument list.
    minMs: delaysMs.length ? delaysMs.reduce((a, b) => Math.min(a, b)) : null,
    medianMs: median(delaysMs),
    maxMs: delaysMs.length ? delaysMs.reduce((a, b) => Math.max(a, b)) : null,
  };
}

/** Events grouped by workspace, each group in journal order. */
export function byWorkspace<E extends JournalEvent>(events: readonly E[]): Map<string | null, E[]> {
  const groups = new Map<string | null, E[]>();
  for (const event of events) {
    const group = groups.get(event.workspace);
    if (group) group.push(event);
    else groups.set(event.workspace, [event]);
  }
  return groups;
}

/** How many times `pick` is true, and the ids of those events. */
export function counted<E extends JournalEvent>(events: readonly E[], pick: (event: E) => boolean, cap: number) {
  const picked = events.filter(pick);
  return {
    count: picked.length,
    evidence: evidenceOf(
      picked.map((event) => event.id),
      cap,
    ),
  };
}
