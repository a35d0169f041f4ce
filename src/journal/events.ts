// What the journal records for each key (SPEC §13), as plain data: the writer stores these, the
// report's pure functions read them, the NDJSON export prints them.

interface Base {
  /** Increasing over the whole journal: the order events happened in. */
  id: number;
  /** Milliseconds since the epoch. */
  at: number;
  /** The workspace the event concerns (as given, for a refused request), or null. */
  workspace: string | null;
}

export interface RequestEvent extends Base {
  kind: 'request';
  method: string;
  /** The path without the query string (which may hold the key). */
  path: string;
  status: number;
  ms: number;
  /** The fault injected into this answer (`latency`, `error`, `refuse`, …), if any. */
  fault?: string;
  /** The Retry-After the answer carried, in seconds. */
  retryAfter?: number;
  /** The 4xx/5xx answer's message. */
  message?: string;
  origin?: string;
  userAgent?: string;
}

export interface SocketOpenEvent extends Base {
  kind: 'socket.open';
  origin?: string;
  userAgent?: string;
  /** `delay` when the fault layer delays every message of this socket (§11 `stream.delayMs`). */
  fault?: string;
}

export interface SocketCloseEvent extends Base {
  kind: 'socket.close';
  /** The id of the socket's `socket.open` event. */
  opened: number;
  code: number;
  lifetimeMs: number;
  /** Messages sent to it: the list on open plus every publish to its topic while it was open. */
  messages: number;
  /** `drop` when an injected fault cut it (§11 `stream.dropAfterMs`). */
  fault?: string;
}

export interface SocketRefusedEvent extends Base {
  kind: 'socket.refused';
  status: number;
  message?: string;
  /** `refuse` for an upgrade refused by an injected fault (§11 `stream.refuseRate`). */
  fault?: string;
  origin?: string;
  userAgent?: string;
}

export interface TaskEvent extends Base {
  kind: 'task';
  transition: 'created' | 'started' | 'completed' | 'failed' | 'deleted' | 'flushed' | 'reset';
  task: number;
  name?: string;
  type?: string;
}

export type JournalEvent = RequestEvent | SocketOpenEvent | SocketCloseEvent | SocketRefusedEvent | TaskEvent;

type Draft<E> = E extends JournalEvent ? Omit<E, 'id' | 'at'> & { at?: number } : never;
/** An event before the writer gave it an id (and, unless it says otherwise, the time now). */
export type NewEvent = Draft<JournalEvent>;

/** One NDJSON line: id and time first (ISO 8601 next to the milliseconds), then the event's fields. */
export function eventLine(event: JournalEvent): string {
  const { id, at, ...fields } = event;
  return `${JSON.stringify({ id, at, time: new Date(at).toISOString(), ...fields })}\n`;
}
