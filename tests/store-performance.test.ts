// Guards for the store's hot paths, found by `bun run bench` (POST /tasks fell to ~500/s once a
// workspace held 20,000 tasks): creates must not walk every row of the workspace.
import { describe, expect, test } from 'bun:test';
import { openDatabase } from '../src/database.ts';
import type { WorkspaceRef } from '../src/model.ts';
import { createStore } from '../src/store.ts';

const ref: WorkspaceRef = { keyHash: 'hash', workspaceId: 'w' };
const other: WorkspaceRef = { keyHash: 'hash', workspaceId: 'other' };

function withStore(run: (store: ReturnType<typeof createStore>) => void): void {
  const store = createStore(openDatabase(':memory:'));
  try {
    run(store);
  } finally {
    store.close();
  }
}

describe('task counts kept in memory stay exact', () => {
  test('through creates, deletes of queued tasks and flushes, per workspace', () => {
    withStore((store) => {
      for (let i = 0; i < 5; i++) store.createTask(ref, `t${i}`, 'gx.tiny', 1000);
      store.createTask(other, 'elsewhere', 'gx.tiny', 1000);
      expect(store.countTasks(ref)).toBe(5);
      expect(store.deleteQueuedTask(ref, 2)).toBe(true);
      expect(store.deleteQueuedTask(ref, 2)).toBe(false);
      expect(store.countTasks(ref)).toBe(4);
      // Start and complete task 1, then flush it away.
      store.advanceWorkspace(ref, 5000, () => ({ id: 1, startedAt: 5000, endsAt: 5001 }));
      store.advanceWorkspace(ref, 6000, () => null);
      expect(store.flushDispatched(ref)).toBe(1);
      expect(store.countTasks(ref)).toBe(3);
      expect(store.countTasks(other)).toBe(1);
    });
  });

  test('a count first read after tasks exist, and one that fell to zero, come from SQL again', () => {
    withStore((store) => {
      expect(store.countTasks(ref)).toBe(0);
      store.createTask(ref, 'only', 'gx.tiny', 1000);
      expect(store.countTasks(ref)).toBe(1);
      expect(store.deleteQueuedTask(ref, 1)).toBe(true);
      expect(store.countTasks(ref)).toBe(0);
      store.createTask(ref, 'again', 'gx.tiny', 1000);
      expect(store.countTasks(ref)).toBe(1);
    });
  });
});

test('scheduler progress reads the index of unfinished tasks, not every completed row', () => {
  const db = openDatabase(':memory:');
  try {
    const plans = [
      `SELECT count(*) FROM tasks INDEXED BY tasks_unfinished
       WHERE key_hash = ?1 AND workspace_id = ?2 AND status = 'running' AND status != 'completed'`,
    ].map((sql) => db.query(`EXPLAIN QUERY PLAN ${sql}`).all('h', 'w') as { detail: string }[]);
    expect(plans.flat().map((row) => row.detail).join()).toContain('tasks_unfinished');
    // And the store prepares its statements (INDEXED BY fails at prepare if the index is unusable).
    const store = createStore(db);
    expect(store.progress(ref)).toEqual({ running: 0, nextEndAt: null, firstQueued: null });
  } finally {
    db.close();
  }
});
