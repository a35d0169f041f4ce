// The report page's timeline: requests per second by endpoint, tasks by status, socket lifetimes
// and injected faults, from the first event to the last. Buckets are 1 s wide unless that spans
// more than MAX_BUCKETS seconds.
import { STREAM_PATH } from '../domain/model.ts';
import type { JournalEvent, TaskEvent } from '../journal/events.ts';
import { ENDPOINTS, endpointOf } from './endpoints.ts';
import { socketLives } from './sockets.ts';
import type { FaultMark, Timeline } from './types.ts';

export const MAX_BUCKETS = 1_200;
export const MAX_SOCKET_BARS = 1_000;
export const MAX_FAULT_MARKS = 2_000;
const STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
type Status = (typeof STATUSES)[number];

/** A task's status after each transition; null: it is gone. */
const AFTER: Record<TaskEvent['transition'], Status | null> = {
  created: 'queued',
  started: 'running',
  completed: 'completed',
  failed: 'failed',
  deleted: null,
  flushed: null,
  reset: null,
};

function bucketing(events: readonly JournalEvent[], now: number) {
  // From the first event to the last (a report read hours later is not mostly empty space).
  const first = events.length ? events.reduce((a, event) => Math.min(a, event.at), Number.POSITIVE_INFINITY) : now;
  const last = events.length ? events.reduce((a, event) => Math.max(a, event.at), first) : now;
  const start = Math.floor(first / 1_000);
  const end = Math.floor(last / 1_000);
  const bucketSeconds = Math.max(1, Math.ceil((end - start + 1) / MAX_BUCKETS));
  const buckets = Math.max(1, Math.ceil((end - start + 1) / bucketSeconds));
  const indexOf = (at: number) => Math.min(buckets - 1, Math.max(0, Math.floor((at / 1_000 - start) / bucketSeconds)));
  return { start, bucketSeconds, buckets, indexOf };
}

function taskSeries(events: readonly JournalEvent[], buckets: number, indexOf: (at: number) => number) {
  const statusOf = new Map<string, Status>();
  const current: Record<Status, number> = { queued: 0, running: 0, completed: 0, failed: 0 };
  const series = STATUSES.map((status) => ({ status, counts: new Array<number>(buckets).fill(0) }));
  let bucket = 0;
  const fillTo = (until: number) => {
    for (; bucket < until; bucket++) for (const line of series) line.counts[bucket] = current[line.status];
  };
  for (const event of events) {
    if (event.kind !== 'task') continue;
    fillTo(indexOf(event.at));
    const id = `${event.workspace ?? ''} ${event.task}`;
    const before = statusOf.get(id);
    if (before) current[before]--;
    const after = AFTER[event.transition];
    if (after) {
      statusOf.set(id, after);
      current[after]++;
    } else statusOf.delete(id);
  }
  fillTo(buckets);
  return series;
}

export function timelineOf(events: readonly JournalEvent[], now: number): Timeline {
  const { start, bucketSeconds, buckets, indexOf } = bucketing(events, now);
  const perEndpoint = new Map<string, number[]>();
  const add = (endpoint: string, at: number) => {
    let counts = perEndpoint.get(endpoint);
    if (!counts) perEndpoint.set(endpoint, (counts = new Array<number>(buckets).fill(0)));
    counts[indexOf(at)]! += 1 / bucketSeconds;
  };
  const faults: FaultMark[] = [];
  for (const event of events) {
    if (event.kind === 'request') {
      const endpoint = endpointOf(event.method, event.path);
      add(endpoint, event.at);
      if (event.fault) faults.push({ id: event.id, at: event.at, fault: event.fault, endpoint, status: event.status });
    } else if (event.kind === 'socket.close' && event.fault) {
      // A socket the fault layer cut: its mark carries the close code in place of a status.
      faults.push({ id: event.id, at: event.at, fault: event.fault, endpoint: STREAM_PATH, status: event.code });
    } else if (event.kind === 'socket.open' || event.kind === 'socket.refused') {
      add(STREAM_PATH, event.at);
      if (event.kind === 'socket.refused' && event.fault) {
        faults.push({ id: event.id, at: event.at, fault: event.fault, endpoint: STREAM_PATH, status: event.status });
      }
    }
  }
  const sockets = socketLives(events);
  return {
    times: Array.from({ length: buckets }, (_, index) => start + index * bucketSeconds),
    bucketSeconds,
    requests: ENDPOINTS.filter((endpoint) => perEndpoint.has(endpoint)).map((endpoint) => ({
      endpoint,
      perSecond: perEndpoint.get(endpoint)!.map((value) => Math.round(value * 100) / 100),
    })),
    tasks: taskSeries(events, buckets, indexOf),
    sockets: sockets.slice(-MAX_SOCKET_BARS).map(({ id, workspace, start, end, code }) => ({ id, workspace, start, end, code })),
    socketsOmitted: Math.max(0, sockets.length - MAX_SOCKET_BARS),
    faults: faults.slice(0, MAX_FAULT_MARKS),
    faultsOmitted: Math.max(0, faults.length - MAX_FAULT_MARKS),
  };
}
