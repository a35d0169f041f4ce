// A chunk of journal events as bytes (schema step 11): what store.ts keeps in a row. A chunk as a
// JSON array cost each event its JSON.stringify (0.65 µs) and about 110 bytes of WAL, so a create's
// four events put some 13 KiB into a commit of 30 creates and took longer to commit than the
// create itself (docs/performance.md). Packed, an event is a dozen bytes: numbers as varints (ids
// and times as the step from the event before), every string once per chunk in a table at its end.
//
// Layout: version byte, event count, byte length of the events; the events (kind, id step, time
// step, workspace, then the kind's fields in the order of FIELDS); the string table (count, then
// each string's UTF-8 length and bytes). A string is its place in the table plus one, 0 for none.
// A number is a tag and its value (none; a whole number ≥ 0 or < 0; tenths, for durations; or
// the 8 bytes of a double), so every value comes back exactly as it went in.
import type { JournalEvent } from './events.ts';

const VERSION = 1;

type Kind = JournalEvent['kind'];
type Field = readonly [name: string, type: 's' | 'n'];

/** Each kind's fields after `kind`, `id`, `at` and `workspace`, as the packers write and the reader reads them. */
const FIELDS: Record<Kind, readonly Field[]> = {
  request: [
    ['method', 's'],
    ['path', 's'],
    ['status', 'n'],
    ['ms', 'n'],
    ['fault', 's'],
    ['retryAfter', 'n'],
    ['message', 's'],
    ['origin', 's'],
    ['userAgent', 's'],
  ],
  task: [
    ['transition', 's'],
    ['task', 'n'],
    ['name', 's'],
    ['type', 's'],
  ],
  'socket.open': [
    ['origin', 's'],
    ['userAgent', 's'],
    ['fault', 's'],
  ],
  'socket.close': [
    ['opened', 'n'],
    ['code', 'n'],
    ['lifetimeMs', 'n'],
    ['messages', 'n'],
    ['fault', 's'],
  ],
  'socket.refused': [
    ['status', 'n'],
    ['message', 's'],
    ['fault', 's'],
    ['origin', 's'],
    ['userAgent', 's'],
  ],
};
const KINDS = Object.keys(FIELDS) as Kind[];
const KIND_CODE = Object.fromEntries(KINDS.map((kind, code) => [kind, code])) as Record<Kind, number>;

/** How a number is written: its tag byte. */
const NONE = 0;
const WHOLE = 1;
const NEGATIVE = 2;
const TENTHS = 3;
const DOUBLE = 4;

/** Enough for any one event: five bytes of head, a dozen fields of at most nine bytes each. */
const EVENT_BYTES_AT_MOST = 160;
const utf8In = new TextEncoder();
const utf8Out = new TextDecoder();

/** The bytes being written; one buffer for every chunk, grown when a chunk needs more. */
let out = new Uint8Array(64 * 1024);
let outView = new DataView(out.buffer);
let at = 0;

function room(bytes: number): void {
  if (at + bytes <= out.length) return;
  const grown = new Uint8Array(Math.max(out.length * 2, at + bytes));
  grown.set(out.subarray(0, at));
  out = grown;
  outView = new DataView(out.buffer);
}

/** An unsigned varint of a whole number up to 2⁵³ (division past 2³¹, where shifts stop). */
function writeWhole(value: number): void {
  let left = value;
  if (left < 128) {
    out[at++] = left;
    return;
  }
  while (left > 0x7fffffff) {
    out[at++] = (left % 128) | 128;
    left = Math.floor(left / 128);
  }
  while (left >= 128) {
    out[at++] = (left & 127) | 128;
    left >>>= 7;
  }
  out[at++] = left;
}

function writeNumber(value: number | null | undefined): void {
  if (value === undefined || value === null) {
    out[at++] = NONE;
  } else if (value >= 0 && (value | 0) === value) {
    out[at++] = WHOLE;
    writeWhole(value);
  } else if (Number.isSafeInteger(value)) {
    out[at++] = value >= 0 ? WHOLE : NEGATIVE;
    writeWhole(Math.abs(value));
  } else {
    const tenths = Math.round(value * 10);
    if (tenths >= 0 && Number.isSafeInteger(tenths) && tenths / 10 === value) {
      out[at++] = TENTHS;
      writeWhole(tenths);
    } else {
      out[at++] = DOUBLE;
      outView.setFloat64(at, value);
      at += 8;
    }
  }
}

/** The strings of the chunk being packed, each with its place in the table (from 1). */
const strings = new Map<string, number>();

function writeString(value: string | null | undefined): void {
  if (value === undefined || value === null) {
    out[at++] = 0;
    return;
  }
  let place = strings.get(value);
  if (place === undefined) {
    place = strings.size + 1;
    strings.set(value, place);
  }
  writeWhole(place);
}

/**
 * Each kind's fields written by name, in FIELDS' order: a loop over FIELDS reading each field by
 * a computed name cost twice as much (0.7 against 0.3 µs an event).
 */
const PACKERS: { [K in Kind]: (event: Extract<JournalEvent, { kind: K }>) => void } = {
  request(event) {
    writeString(event.method);
    writeString(event.path);
    writeNumber(event.status);
    writeNumber(event.ms);
    writeString(event.fault);
    writeNumber(event.retryAfter);
    writeString(event.message);
    writeString(event.origin);
    writeString(event.userAgent);
  },
  task(event) {
    writeString(event.transition);
    writeNumber(event.task);
    writeString(event.name);
    writeString(event.type);
  },
  'socket.open'(event) {
    writeString(event.origin);
    writeString(event.userAgent);
    writeString(event.fault);
  },
  'socket.close'(event) {
    writeNumber(event.opened);
    writeNumber(event.code);
    writeNumber(event.lifetimeMs);
    writeNumber(event.messages);
    writeString(event.fault);
  },
  'socket.refused'(event) {
    writeNumber(event.status);
    writeString(event.message);
    writeString(event.fault);
    writeString(event.origin);
    writeString(event.userAgent);
  },
};

/** Packs `events` (one key's, in id order) into a chunk's bytes, valid until the next call. */
export function packEvents(events: readonly JournalEvent[]): Uint8Array {
  strings.clear();
  at = 0;
  room(16);
  out[at++] = VERSION;
  writeWhole(events.length);
  // The events' length is written once known; five bytes hold any length a buffer can have.
  const lengthAt = at;
  at += 5;
  let lastId = 0;
  let lastAt = 0;
  for (const event of events) {
    room(EVENT_BYTES_AT_MOST);
    out[at++] = KIND_CODE[event.kind];
    writeNumber(event.id - lastId);
    writeNumber(event.at - lastAt);
    lastId = event.id;
    lastAt = event.at;
    writeString(event.workspace);
    (PACKERS[event.kind] as (event: JournalEvent) => void)(event);
  }
  writeFixedLength(lengthAt, at - lengthAt - 5);
  room(10);
  writeWhole(strings.size);
  for (const value of strings.keys()) {
    const bytes = utf8In.encode(value);
    room(10 + bytes.length);
    writeWhole(bytes.length);
    out.set(bytes, at);
    at += bytes.length;
  }
  strings.clear();
  return out.subarray(0, at);
}

/** A varint padded to five bytes, so it can be written after what it measures. */
function writeFixedLength(position: number, value: number): void {
  let left = value;
  for (let i = 0; i < 5; i++) {
    out[position + i] = (left % 128) | (i < 4 ? 128 : 0);
    left = Math.floor(left / 128);
  }
}

export class UnreadableChunkError extends Error {
  override readonly name = 'UnreadableChunkError';
}

/** The events of a chunk packed by `packEvents`. */
export function unpackEvents(bytes: Uint8Array): JournalEvent[] {
  let from = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const readWhole = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (from >= bytes.length) throw new UnreadableChunkError('journal chunk ends early');
      const byte = bytes[from++]!;
      value += (byte & 127) * scale;
      if (byte < 128) return value;
      scale *= 128;
    }
  };
  const readNumber = (): number | undefined => {
    const tag = bytes[from++];
    if (tag === NONE) return undefined;
    if (tag === WHOLE) return readWhole();
    if (tag === NEGATIVE) return -readWhole();
    if (tag === TENTHS) return readWhole() / 10;
    if (tag === DOUBLE) {
      from += 8;
      return view.getFloat64(from - 8);
    }
    throw new UnreadableChunkError(`journal chunk has a number tagged ${tag}`);
  };

  if (bytes[from++] !== VERSION) throw new UnreadableChunkError(`journal chunk of format ${bytes[0]}`);
  const count = readWhole();
  const eventsLength = readWhole();
  const eventsFrom = from;
  from += eventsLength;
  const strings: string[] = [];
  for (let left = readWhole(); left > 0; left--) {
    const length = readWhole();
    strings.push(utf8Out.decode(bytes.subarray(from, from + length)));
    from += length;
  }
  const readString = (): string | undefined => {
    const place = readWhole();
    return place === 0 ? undefined : strings[place - 1];
  };

  from = eventsFrom;
  const events: JournalEvent[] = [];
  let lastId = 0;
  let lastAt = 0;
  for (let n = 0; n < count; n++) {
    const kind = KINDS[bytes[from++]!];
    if (!kind) throw new UnreadableChunkError(`journal chunk has an event of kind ${bytes[from - 1]}`);
    lastId += readNumber() ?? 0;
    lastAt += readNumber() ?? 0;
    const event: Record<string, unknown> = { id: lastId, at: lastAt, kind, workspace: readString() ?? null };
    for (const [name, type] of FIELDS[kind]) {
      const value = type === 'n' ? readNumber() : readString();
      if (value !== undefined) event[name] = value;
    }
    events.push(event as unknown as JournalEvent);
  }
  return events;
}
