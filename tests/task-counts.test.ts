// Task counts kept in memory (src/storage/task-counts.ts): read from SQL once, then kept by the
// writes; only the most recently counted 1,000 workspaces are kept.
import { expect, test } from 'bun:test';
import type { WorkspaceRef } from '../src/domain/model.ts';
import { createTaskCounts } from '../src/storage/task-counts.ts';

const ref = (workspaceId: string): WorkspaceRef => ({ keyHash: 'k', workspaceId });

function counted(inDatabase: (ref: WorkspaceRef) => number = () => 1) {
  const reads: string[] = [];
  const counts = createTaskCounts((r) => {
    reads.push(r.workspaceId);
    return inDatabase(r);
  });
  return { counts, reads };
}

test('a count is read once, then kept by creates and removals', () => {
  const { counts, reads } = counted(() => 5);
  expect(counts.count(ref('a'))).toBe(5);
  counts.added(ref('a'));
  counts.added(ref('a'));
  counts.adjust(ref('a'), -3);
  expect(counts.count(ref('a'))).toBe(4);
  expect(counts.knownToHoldTasks(ref('a'))).toBe(true);
  counts.adjust(ref('a'), -4);
  expect(counts.knownToHoldTasks(ref('a'))).toBe(false);
  expect(reads).toEqual(['a']);
});

test('a workspace counted again is kept over ones counted since, and the least recent one is dropped', () => {
  const { counts, reads } = counted();
  counts.count(ref('busy'));
  counts.count(ref('quiet'));
  counts.added(ref('busy')); // busy is the most recent again
  for (let i = 0; i < 999; i++) counts.count(ref(`other-${i}`));
  reads.length = 0;
  expect(counts.count(ref('busy'))).toBe(2);
  expect(counts.count(ref('quiet'))).toBe(1);
  expect(reads).toEqual(['quiet']);
});

test('creates in a row into one workspace keep it, however many others were counted before', () => {
  const { counts, reads } = counted();
  for (let i = 0; i < 999; i++) counts.count(ref(`other-${i}`));
  counts.count(ref('busy'));
  for (let i = 0; i < 50; i++) counts.added(ref('busy'));
  counts.count(ref('one-more'));
  reads.length = 0;
  expect(counts.count(ref('busy'))).toBe(51);
  expect(counts.count(ref('other-0'))).toBe(1);
  expect(reads).toEqual(['other-0']);
});
