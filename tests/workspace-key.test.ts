// workspaceKey keeps the last key it made (src/domain/model.ts); the key must still always be the
// one of the ref's current fields.
import { expect, test } from 'bun:test';
import { workspaceKey, type WorkspaceRef } from '../src/domain/model.ts';

test('the same ref asked again, another ref, and a ref changed in place each get their own key', () => {
  const ref: WorkspaceRef = { keyHash: 'k1', workspaceId: 'a' };
  expect(workspaceKey(ref)).toBe('k1/a');
  expect(workspaceKey(ref)).toBe('k1/a');
  expect(workspaceKey({ keyHash: 'k1', workspaceId: 'b' })).toBe('k1/b');
  expect(workspaceKey(ref)).toBe('k1/a');
  ref.workspaceId = 'c';
  expect(workspaceKey(ref)).toBe('k1/c');
  ref.keyHash = 'k2';
  expect(workspaceKey(ref)).toBe('k2/c');
});

test('keys tell apart workspaces whose key hash and id would run together', () => {
  const keys = [
    { keyHash: 'ab', workspaceId: 'c' },
    { keyHash: 'a', workspaceId: 'bc' },
  ].map(workspaceKey);
  expect(new Set(keys).size).toBe(2);
});
