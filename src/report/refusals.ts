// Refusals the client caused: deletes answered 404 (it acted on a stale list), 400s by message,
// and sockets refused (over a limit, 429, or otherwise).
import type { JournalEvent, RequestEvent, SocketRefusedEvent } from '../journal/events.ts';
import { endpointOf } from './endpoints.ts';
import { counted, evidenceOf } from './stats.ts';
import type { CountFigures, MessageCount, RefusalCount } from './types.ts';

export function staleDeletes(events: readonly JournalEvent[], cap: number): CountFigures {
  return counted(
    events,
    (event) => event.kind === 'request' && event.status === 404 && endpointOf(event.method, event.path) === 'DELETE /tasks/:id',
    cap,
  );
}

function groupCounts<E extends JournalEvent>(events: readonly E[], keyOf: (event: E) => string, cap: number) {
  const groups = new Map<string, E[]>();
  for (const event of events) {
    const key = keyOf(event);
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return [...groups.values()]
    .map((group) => ({
      first: group[0]!,
      count: group.length,
      evidence: evidenceOf(
        group.map((event) => event.id),
        cap,
      ),
    }))
    .sort((a, b) => b.count - a.count);
}

export function badRequests(events: readonly JournalEvent[], cap: number): MessageCount[] {
  const bad = events.filter((event): event is RequestEvent => event.kind === 'request' && event.status === 400);
  return groupCounts(bad, (event) => event.message ?? '', cap).map(({ first, count, evidence }) => ({
    message: first.message ?? '(no message)',
    count,
    evidence,
  }));
}

export function refusedSockets(events: readonly JournalEvent[], cap: number): RefusalCount[] {
  const refused = events.filter((event): event is SocketRefusedEvent => event.kind === 'socket.refused');
  return groupCounts(refused, (event) => `${event.status} ${event.message ?? ''}`, cap).map(({ first, count, evidence }) => ({
    status: first.status,
    message: first.message ?? '(no message)',
    count,
    evidence,
  }));
}
