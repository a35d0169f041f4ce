// Each key's count of workspaces that hold tasks (src/storage/occupied-workspaces.ts), which the
// workspace limit reads instead of walking the key's workspaces in SQL: after any sequence of
// creates, fixtures, deletes, flushes, resets and commits, on two keys, the kept count equals what
// SQL counts; a rolled-back commit drops it; the limit answers 429 and frees up as before.
import { expect, test } from 'bun:test';
import fc from 'fast-check';
import { openDatabase } from '../src/storage/database.ts';
import { createCommitBatch } from '../src/storage/commit-batch.ts';
import { createStore } from '../src/storage/store.ts';
import type { TaskStatus, WorkspaceRef } from '../src/domain/model.ts';
import { json, testTaskmock } from './helpers.ts';

const KEYS = ['key-a', 'key-b'];
const WORKSPACES = ['w0', 'w1', 'w2', 'w3'];

type Step =
  | { kind: 'create' | 'flush' | 'reset'; key: number; ws: number }
  | { kind: 'fixture'; key: number; ws: number; status: TaskStatus }
  | { kind: 'delete'; key: number; ws: number; id: number }
  | { kind: 'commit' };

const where = { key: fc.nat(KEYS.length - 1), ws: fc.nat(WORKSPACES.length - 1) };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('create' as const, 'flush' as const, 'reset' as const), ...where }),
  fc.record({
    kind: fc.constant('fixture' as const),
    ...where,
    status: fc.constantFrom<TaskStatus>('queued', 'running', 'completed'),
  }),
  fc.record({ kind: fc.constant('delete' as const), ...where, id: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('commit' as const) }),
);

function freshStore() {
  const db = openDatabase(':memory:');
  const batch = createCommitBatch(db, () => {});
  return { db, batch, store: createStore(db, batch) };
}

test('the kept count of occupied workspaces equals SQL after every step', () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const { db, batch, store } = freshStore();
      // Counted (so kept) from the start: every later step must keep it right.
      for (const key of KEYS) expect(store.occupiedWorkspaces(key)).toBe(0);
      for (const s of steps) {
        if (s.kind === 'commit') {
          batch.commitNow();
          continue;
        }
        const ref: WorkspaceRef = { keyHash: KEYS[s.key]!, workspaceId: WORKSPACES[s.ws]! };
        if (s.kind === 'create') store.createTask(ref, 'task', 'gx.tiny', 1_000);
        else if (s.kind === 'flush') store.flushDispatched(ref);
        else if (s.kind === 'reset') store.resetWorkspace(ref);
        else if (s.kind === 'delete') store.deleteQueuedTask(ref, s.id);
        else if (s.kind === 'fixture') {
          const { status } = s;
          store.insertFixture(ref, () => ({
            name: 'fixture',
            type: 'gx.tiny',
            status,
            createdAt: 500,
            startedAt: status === 'queued' ? null : 600,
            endsAt: status === 'queued' ? null : 900,
            completedAt: status === 'completed' ? 900 : null,
          }));
        }
        for (const key of KEYS) expect(store.occupiedWorkspaces(key)).toBe(store.workspaceIdsWithTasks(key).length);
      }
      batch.commitNow();
      db.close();
    }),
    { numRuns: 200 },
  );
});

test('after a rolled-back commit the count is read again from the file', async () => {
  const { db, batch, store } = freshStore();
  // A deferred foreign key is checked only at COMMIT: a way to make this turn's commit fail.
  db.run('PRAGMA foreign_keys = ON');
  db.run('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
  db.run('CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
  expect(store.occupiedWorkspaces('key-a')).toBe(0);
  store.createTask({ keyHash: 'key-a', workspaceId: 'w0' }, 'task', 'gx.tiny', 1_000);
  batch.write(() => db.run('INSERT INTO child VALUES (42)'));
  expect(store.occupiedWorkspaces('key-a')).toBe(1);
  const committed = batch.committed();
  batch.commitNow();
  await expect(committed).rejects.toThrow(/FOREIGN KEY/);
  expect(store.occupiedWorkspaces('key-a')).toBe(0);
  db.close();
});

test('the workspace limit is exact as workspaces fill and empty', async () => {
  const taskmock = testTaskmock(['--max-workspaces', '3']);
  const create = (workspace: string) =>
    taskmock.request('POST', `/tasks?api_key=demo&workspace_id=${workspace}`, { body: { name: 'a', type: 'gx.tiny' } });
  try {
    for (const workspace of ['a', 'b', 'c']) expect((await create(workspace)).status).toBe(200);
    expect((await create('d')).status).toBe(429);
    const { task } = await json<{ task: { id: number } }>(await create('a'));
    expect((await taskmock.request('DELETE', `/tasks/${task.id}?api_key=demo&workspace_id=a`)).status).toBe(204);
    expect((await create('d')).status).toBe(429); // a still holds its first task
    expect((await taskmock.request('DELETE', `/tasks/1?api_key=demo&workspace_id=a`)).status).toBe(204);
    expect((await create('d')).status).toBe(200); // a is empty: its place went to d
    expect((await create('a')).status).toBe(429);
    expect((await taskmock.request('POST', '/control/reset?api_key=demo&workspace_id=b')).status).toBe(204);
    expect((await create('a')).status).toBe(200);
    expect((await create('e')).status).toBe(429);
  } finally {
    taskmock.close();
  }
});
