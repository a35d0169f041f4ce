// When each workspace had a socket open: the intervals the polling and timeline figures need.
import type { JournalEvent, SocketCloseEvent, SocketOpenEvent } from '../journal/events.ts';

export interface SocketLife {
  /** The id of its open event, or of its close when the open was dropped from the journal. */
  id: number;
  closeId: number | null;
  workspace: string | null;
  start: number;
  /** Null while still open. */
  end: number | null;
  code: number | null;
}

/** Every socket of `events`, by its open and close events; one seen only closing is rebuilt from its lifetime. */
export function socketLives(events: readonly JournalEvent[]): SocketLife[] {
  const opens = new Map<number, SocketOpenEvent>();
  const closes = new Map<number, SocketCloseEvent>();
  for (const event of events) {
    if (event.kind === 'socket.open') opens.set(event.id, event);
    else if (event.kind === 'socket.close') closes.set(event.opened, event);
  }
  const lives: SocketLife[] = [];
  for (const open of opens.values()) {
    const close = closes.get(open.id);
    lives.push({
      id: open.id,
      closeId: close?.id ?? null,
      workspace: open.workspace,
      start: open.at,
      end: close?.at ?? null,
      code: close?.code ?? null,
    });
  }
  for (const [opened, close] of closes) {
    if (opens.has(opened)) continue;
    const start = close.at - Math.max(0, close.lifetimeMs);
    lives.push({ id: close.id, closeId: close.id, workspace: close.workspace, start, end: close.at, code: close.code });
  }
  return lives.sort((a, b) => a.start - b.start || a.id - b.id);
}

/** The union of `[start, end)` intervals, merged and in order. */
export function mergeIntervals(intervals: readonly [number, number][]): [number, number][] {
  const sorted = intervals.filter(([start, end]) => end > start).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Whether `at` falls inside one of the merged, ordered `intervals` (binary search). */
export function within(intervals: readonly [number, number][], at: number): boolean {
  let low = 0;
  let high = intervals.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [start, end] = intervals[middle]!;
    if (at < start) high = middle - 1;
    else if (at >= end) low = middle + 1;
    else return true;
  }
  return false;
}
