// Every figure of one scope (the whole key, or one workspace), from its events. Each family groups
// by workspace itself, so the key's figures are the same functions over all of its events.
import { STREAM_PATH } from '../domain/model.ts';
import type { JournalEvent } from '../journal/events.ts';
import { duplicateCreates } from './creates.ts';
import { ENDPOINTS, endpointOf } from './endpoints.ts';
import { pollingFigures } from './polling.ts';
import { reconnectFigures } from './reconnects.ts';
import { badRequests, refusedSockets, staleDeletes } from './refusals.ts';
import { errorFigures } from './retries.ts';
import type { EndpointCount, Figures } from './types.ts';

/** Requests per endpoint; upgrades (opened or refused) count as `/ws/tasks` requests. */
function endpointCounts(events: readonly JournalEvent[]): EndpointCount[] {
  const counts = new Map<string, number>();
  const add = (endpoint: string) => counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
  for (const event of events) {
    if (event.kind === 'request') add(endpointOf(event.method, event.path));
    else if (event.kind === 'socket.open' || event.kind === 'socket.refused') add(STREAM_PATH);
  }
  return ENDPOINTS.filter((endpoint) => counts.has(endpoint)).map((endpoint) => ({ endpoint, count: counts.get(endpoint)! }));
}

const isoOrNull = (at: number | undefined) => (at === undefined ? null : new Date(at).toISOString());

export function figuresOf(events: readonly JournalEvent[], now: number, cap: number): Figures {
  const times = events.map((event) => event.at);
  return {
    firstActivity: isoOrNull(times.length ? times.reduce((a, b) => Math.min(a, b)) : undefined),
    lastActivity: isoOrNull(times.length ? times.reduce((a, b) => Math.max(a, b)) : undefined),
    requests: events.filter((event) => event.kind === 'request').length,
    byEndpoint: endpointCounts(events),
    socketsOpened: events.filter((event) => event.kind === 'socket.open').length,
    polling: pollingFigures(events, now, cap),
    reconnects: reconnectFigures(events, cap),
    errors: errorFigures(events, cap),
    duplicateCreates: duplicateCreates(events, cap),
    staleDeletes: staleDeletes(events, cap),
    badRequests: badRequests(events, cap),
    refusedSockets: refusedSockets(events, cap),
  };
}
