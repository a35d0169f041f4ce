// The journal's packed chunks (src/journal/packing.ts): whatever the recorder gives them comes back
// exactly, every field of every kind, and they are a fraction of the JSON they replaced.
import { Database } from 'bun:sqlite';
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalEvent } from '../src/journal/events.ts';
import { packEvents, UnreadableChunkError, unpackEvents } from '../src/journal/packing.ts';
import { createJournalStore } from '../src/journal/store.ts';
import { openDatabase } from '../src/storage/database.ts';

const AT = Date.UTC(2026, 11, 3, 9, 0, 0);
/** One event of every kind with every field set. */
const EVERY_FIELD: JournalEvent[] = [
  {
    id: 7,
    at: AT,
    kind: 'request',
    workspace: 'board',
    method: 'POST',
    path: '/tasks',
    status: 503,
    ms: 12.3,
    fault: 'error',
    retryAfter: 2,
    message: 'injected fault',
    origin: 'http://localhost:5173',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
  },
  { id: 8, at: AT + 1, kind: 'task', workspace: 'board', transition: 'created', task: 41, name: 'render ✓ «ü»', type: 'gx.tiny' },
  { id: 9, at: AT + 1, kind: 'socket.open', workspace: 'board', origin: 'http://a.test', userAgent: 'curl/8', fault: 'delay' },
  {
    id: 12,
    at: AT + 90_000,
    kind: 'socket.close',
    workspace: 'board',
    opened: 9,
    code: 1006,
    lifetimeMs: 89_999.5,
    messages: 3,
    fault: 'drop',
  },
  {
    id: 13,
    at: AT + 90_001,
    kind: 'socket.refused',
    workspace: null,
    status: 429,
    message: 'too many connections',
    fault: 'refuse',
    origin: 'http://b.test',
    userAgent: '',
  },
];
/** The same kinds with none of their optional fields. */
const FEWEST_FIELDS: JournalEvent[] = [
  { id: 100, at: AT, kind: 'request', workspace: 'w', method: 'GET', path: '/tasks', status: 200, ms: 0 },
  { id: 101, at: AT, kind: 'task', workspace: 'w', transition: 'completed', task: 1 },
  { id: 102, at: AT, kind: 'socket.open', workspace: 'w' },
  { id: 103, at: AT, kind: 'socket.close', workspace: 'w', opened: 102, code: 1000, lifetimeMs: 5, messages: 1 },
  { id: 104, at: AT, kind: 'socket.refused', workspace: 'w', status: 403 },
];

const roundTrip = (events: JournalEvent[]) => unpackEvents(packEvents(events).slice());
/** The event as it reads back: a field the recorder left undefined is not there at all. */
const withoutUndefined = (event: JournalEvent): JournalEvent =>
  Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined)) as JournalEvent;

describe('packed journal chunks', () => {
  test('every field of every kind comes back, and an absent one stays absent', () => {
    expect(roundTrip(EVERY_FIELD)).toStrictEqual(EVERY_FIELD);
    expect(roundTrip(FEWEST_FIELDS)).toStrictEqual(FEWEST_FIELDS);
    expect(roundTrip([])).toStrictEqual([]);
  });

  test('numbers come back exactly: large, negative, tenths, fractions, times going backwards', () => {
    const numbers = [0, 1, 127, 128, 2 ** 31, 2 ** 31 + 1, 2 ** 53 - 1, -1, -(2 ** 40), 0.1, 2.5, 1 / 3, -0.25, 1e-9, 123456.7];
    const events = numbers.map(
      (ms, n): JournalEvent => ({
        id: n + 1,
        at: AT - n * 1_000,
        kind: 'request',
        workspace: 'w',
        method: 'GET',
        path: '/tasks',
        status: 200,
        ms,
      }),
    );
    expect(roundTrip(events).map((event) => (event as { ms: number }).ms)).toEqual(numbers);
    expect(roundTrip(events).map((event) => event.at)).toEqual(events.map((event) => event.at));
  });

  test('a create’s four events take a few dozen bytes where JSON took hundreds', () => {
    const events: JournalEvent[] = [];
    for (let task = 1; task <= 30; task++) {
      const id = task * 4;
      events.push(
        { id, at: AT + task, kind: 'request', workspace: 'w1', method: 'POST', path: '/tasks', status: 201, ms: 0.4 },
        {
          id: id + 1,
          at: AT + task,
          kind: 'task',
          workspace: 'w1',
          transition: 'created',
          task,
          name: 'bench task',
          type: 'gx.medium',
        },
        { id: id + 2, at: AT + task, kind: 'task', workspace: 'w1', transition: 'started', task },
        { id: id + 3, at: AT + task + 2, kind: 'task', workspace: 'w1', transition: 'completed', task },
      );
    }
    const packed = packEvents(events).length;
    expect(packed / 30).toBeLessThan(64);
    expect(JSON.stringify(events).length / packed).toBeGreaterThan(5);
  });

  test('a chunk bigger than the packing buffer is packed whole', () => {
    const long = 'x'.repeat(100_000);
    const events = Array.from(
      { length: 3_000 },
      (_, n): JournalEvent => ({
        id: n + 1,
        at: AT,
        kind: 'task',
        workspace: `w${n}`,
        transition: 'created',
        task: n,
        name: n % 1_000 ? `t${n}` : long,
        type: 'gx.tiny',
      }),
    );
    expect(roundTrip(events)).toStrictEqual(events);
  });

  test('bytes that are not a chunk are refused with a clear error, not read as events', () => {
    expect(() => unpackEvents(new Uint8Array([9, 1, 0]))).toThrow(UnreadableChunkError);
    const packed = packEvents(EVERY_FIELD).slice();
    expect(() => unpackEvents(packed.subarray(0, packed.length - 3))).toThrow(UnreadableChunkError);
  });

  test('property: any events, in id order, come back as they went in', () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    const optionalText = fc.option(text, { nil: undefined });
    const number = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.nat());
    const workspace = fc.option(text, { nil: null });
    const event = fc.oneof(
      fc.record(
        {
          kind: fc.constant('request' as const),
          workspace,
          method: text,
          path: text,
          status: fc.nat(999),
          ms: number,
          fault: optionalText,
          retryAfter: fc.option(number, { nil: undefined }),
          message: optionalText,
          origin: optionalText,
          userAgent: optionalText,
        },
        { requiredKeys: ['kind', 'workspace', 'method', 'path', 'status', 'ms'] },
      ),
      fc.record(
        {
          kind: fc.constant('task' as const),
          workspace,
          transition: fc.constantFrom('created' as const, 'started' as const, 'failed' as const),
          task: fc.nat(),
          name: optionalText,
          type: optionalText,
        },
        { requiredKeys: ['kind', 'workspace', 'transition', 'task'] },
      ),
      fc.record(
        {
          kind: fc.constant('socket.open' as const),
          workspace,
          origin: optionalText,
          userAgent: optionalText,
          fault: optionalText,
        },
        { requiredKeys: ['kind', 'workspace'] },
      ),
      fc.record(
        {
          kind: fc.constant('socket.close' as const),
          workspace,
          opened: fc.nat(),
          code: fc.nat(4999),
          lifetimeMs: number,
          messages: fc.nat(),
          fault: optionalText,
        },
        { requiredKeys: ['kind', 'workspace', 'opened', 'code', 'lifetimeMs', 'messages'] },
      ),
      fc.record(
        {
          kind: fc.constant('socket.refused' as const),
          workspace,
          status: fc.nat(999),
          message: optionalText,
          fault: optionalText,
          origin: optionalText,
          userAgent: optionalText,
        },
        { requiredKeys: ['kind', 'workspace', 'status'] },
      ),
    );
    const timed = fc.tuple(event, fc.integer({ min: 1, max: 5 }), fc.integer({ min: -1_000, max: 100_000 }));
    fc.assert(
      fc.property(fc.array(timed, { maxLength: 40 }), (drafts) => {
        let id = 0;
        let at = AT;
        const events = drafts.map(([draft, idStep, atStep]) => {
          id += idStep;
          at += atStep;
          return { ...draft, id, at } as JournalEvent;
        });
        expect(roundTrip(events)).toStrictEqual(events.map(withoutUndefined));
      }),
      { seed: Number(process.env.FC_SEED ?? 20261203), numRuns: 300 },
    );
  });

  test('a journal of schema version 10 (chunks as JSON arrays) reads the same once packed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-packing-'));
    try {
      const path = join(dir, 'old.sqlite');
      openDatabase(path).close();
      const old = new Database(path);
      old.run('INSERT INTO journal_chunks (id, key_name, events, data) VALUES (?1, ?2, ?3, ?4)', [
        9,
        'ada',
        5,
        JSON.stringify(EVERY_FIELD),
      ]);
      old.run('INSERT INTO journal_chunks (id, key_name, events, data) VALUES (?1, ?2, ?3, ?4)', [
        104,
        'ada',
        5,
        JSON.stringify(FEWEST_FIELDS),
      ]);
      old.run('PRAGMA user_version = 10');
      old.close();
      const db = openDatabase(path);
      try {
        expect(createJournalStore(db).read('ada')).toStrictEqual([...EVERY_FIELD, ...FEWEST_FIELDS]);
        const kinds = db.query('SELECT typeof(data) AS type FROM journal_chunks').all();
        expect(kinds).toEqual([{ type: 'blob' }, { type: 'blob' }]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
