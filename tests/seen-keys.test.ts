// The cheaper second lookup of a key (src/domain/seen-keys.ts): only keys that matched a record
// are remembered, a remembered key needs no stored lookup again, and a forgotten one does.
import { expect, test } from 'bun:test';
import type { KeyRecord } from '../src/domain/key-record.ts';
import { emptyRecord } from '../src/domain/key-record.ts';
import { createSeenKeys } from '../src/domain/seen-keys.ts';

function ring(records: Record<string, KeyRecord>) {
  const asked: string[] = [];
  const identify = (key: string) => {
    asked.push(key);
    return records[key];
  };
  return { seen: createSeenKeys(), identify, asked };
}

const ada = emptyRecord('ada', 'issued', 'identity-ada', 0);
const bob = emptyRecord('bob', 'issued', 'identity-bob', 0);

test('a key that matched is found again without the stored lookup; an unknown key is looked up every time', () => {
  const { seen, identify, asked } = ring({ tm_ada_1: ada, tm_bob_2: bob });
  expect(seen.find('tm_ada_1', identify)).toBe(ada);
  expect(seen.find('tm_ada_1', identify)).toBe(ada);
  expect(seen.find('tm_bob_2', identify)).toBe(bob);
  expect(seen.find('nope', identify)).toBeUndefined();
  expect(seen.find('nope', identify)).toBeUndefined();
  expect(asked).toEqual(['tm_ada_1', 'tm_bob_2', 'nope', 'nope']);
});

test('keys that differ only slightly are told apart', () => {
  const { seen, identify } = ring({ tm_ada_1: ada });
  expect(seen.find('tm_ada_1', identify)).toBe(ada);
  for (const near of ['tm_ada_1 ', 'tm_ada_10', 'tm_ada_', 'TM_ADA_1']) expect(seen.find(near, identify)).toBeUndefined();
});

test('a forgotten key is looked up again, and no longer found once its record is gone', () => {
  const records: Record<string, KeyRecord> = { tm_ada_1: ada, tm_bob_2: bob };
  const { seen, identify, asked } = ring(records);
  seen.find('tm_ada_1', identify);
  seen.find('tm_bob_2', identify);
  delete records.tm_ada_1;
  seen.forget(ada);
  expect(seen.find('tm_ada_1', identify)).toBeUndefined();
  expect(seen.find('tm_bob_2', identify)).toBe(bob);
  expect(asked).toEqual(['tm_ada_1', 'tm_bob_2', 'tm_ada_1']);
});
