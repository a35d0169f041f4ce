// Polling while subscribed: `GET /tasks` answered while a socket of the same workspace was open.
// A client holding the live stream already receives every change, so each such read is redundant.
import type { JournalEvent } from '../journal/events.ts';
import { mergeIntervals, socketLives, within } from './sockets.ts';
import { byWorkspace, evidenceOf } from './stats.ts';
import type { PollingFigures } from './types.ts';

export function pollingFigures(events: readonly JournalEvent[], now: number, cap: number): PollingFigures {
  let subscribedMs = 0;
  const polls: number[] = [];
  for (const group of byWorkspace(events).values()) {
    const open = mergeIntervals(socketLives(group).map((life) => [life.start, life.end ?? Math.max(now, life.start)]));
    subscribedMs += open.reduce((sum, [start, end]) => sum + (end - start), 0);
    for (const event of group) {
      if (event.kind === 'request' && event.method === 'GET' && event.path === '/tasks' && within(open, event.at)) {
        polls.push(event.id);
      }
    }
  }
  return {
    whileSubscribed: polls.length,
    subscribedMs,
    perMinute: subscribedMs > 0 ? round1((polls.length * 60_000) / subscribedMs) : null,
    evidence: evidenceOf(polls, cap),
  };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
