// Group commit: the writes of one turn share one transaction; nothing is answered or announced
// before its COMMIT; a failed COMMIT rolls everything back and says so.
import { Database } from 'bun:sqlite';
import { describe, expect, test } from 'bun:test';
import { createCommitBatch, LATE_WAKE_MS } from '../src/storage/commit-batch.ts';
import { testTaskmock } from './helpers.ts';

/** A batch whose end-of-turn commit runs only when the test says so. */
function manualBatch(db: Database) {
  const scheduled: (() => void)[] = [];
  const batch = createCommitBatch(db, (commit) => scheduled.push(commit));
  return {
    batch,
    endTurn: () => {
      for (const commit of scheduled.splice(0)) commit();
    },
  };
}

describe('commit batch', () => {
  test('writes of one turn share one transaction, committed at the end of the turn', async () => {
    const db = new Database(':memory:');
    db.run('CREATE TABLE t (x INTEGER)');
    const { batch, endTurn } = manualBatch(db);
    const order: string[] = [];
    batch.write(() => db.run('INSERT INTO t VALUES (1)'));
    batch.write(() => db.run('INSERT INTO t VALUES (2)'));
    batch.afterCommit(() => order.push('announced'));
    void batch.committed().then(() => order.push('answered'));
    expect(db.inTransaction).toBe(true);
    expect(batch.hasPendingWrites()).toBe(true);
    await Bun.sleep(0);
    expect(order).toEqual([]);
    endTurn();
    await batch.committed();
    expect(db.inTransaction).toBe(false);
    expect(order).toEqual(['announced', 'answered']);
    expect(db.query('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });
  });

  test('with nothing pending, afterCommit runs at once and committed() is already settled', async () => {
    const { batch } = manualBatch(new Database(':memory:'));
    let ran = false;
    batch.afterCommit(() => (ran = true));
    expect(ran).toBe(true);
    await batch.committed();
  });

  test('a failed COMMIT rolls the whole turn back, rejects its waiters and tells the listeners', async () => {
    const db = new Database(':memory:');
    // A deferred foreign key is checked only at COMMIT: the simplest way to make one fail.
    db.run('PRAGMA foreign_keys = ON');
    db.run('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    db.run('CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
    const { batch, endTurn } = manualBatch(db);
    let rolledBack = 0;
    let announced = false;
    batch.onRollback(() => rolledBack++);
    batch.write(() => db.run('INSERT INTO child VALUES (42)'));
    batch.afterCommit(() => (announced = true));
    const waiting = batch.committed();
    endTurn();
    await expect(waiting).rejects.toThrow(/FOREIGN KEY/);
    expect(rolledBack).toBe(1);
    expect(announced).toBe(false);
    expect(db.inTransaction).toBe(false);
    expect(db.query('SELECT count(*) AS n FROM child').get()).toEqual({ n: 0 });
  });
});

describe('rows that may wait (wakeLate)', () => {
  /** A batch whose pre-commit writer writes one buffered row per call of `buffer`, counting COMMITs. */
  function bufferedRows() {
    const db = new Database(':memory:');
    db.run('CREATE TABLE t (x INTEGER)');
    const { batch, endTurn } = manualBatch(db);
    let buffered = 0;
    let commits = 0;
    batch.beforeEveryCommit(() => {
      for (; buffered > 0; buffered--) db.run('INSERT INTO t VALUES (0)');
      commits++;
    });
    const rows = () => (db.query('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    const buffer = () => {
      buffered++;
      batch.wakeLate();
    };
    return { db, batch, endTurn, buffer, rows, commits: () => commits };
  }

  test('ride along with the next write: no transaction of their own', () => {
    const { db, batch, endTurn, buffer, rows, commits } = bufferedRows();
    buffer();
    buffer();
    expect(db.inTransaction).toBe(false);
    batch.write(() => db.run('INSERT INTO t VALUES (1)'));
    endTurn();
    expect(rows()).toBe(3);
    expect(commits()).toBe(1);
  });

  test('with nothing else written, commit on their own within LATE_WAKE_MS', async () => {
    const { endTurn, buffer, rows, commits } = bufferedRows();
    buffer();
    buffer();
    await Bun.sleep(LATE_WAKE_MS / 2);
    endTurn();
    expect(rows()).toBe(0);
    await Bun.sleep(LATE_WAKE_MS);
    endTurn();
    expect(rows()).toBe(2);
    expect(commits()).toBe(1);
  });

  test('are written by the commit at shutdown', () => {
    const { batch, buffer, rows } = bufferedRows();
    buffer();
    batch.close();
    expect(rows()).toBe(1);
  });
});

test('after a failed COMMIT the next turn begins and commits again', async () => {
  const db = new Database(':memory:');
  db.run('PRAGMA foreign_keys = ON');
  db.run('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
  db.run('CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
  const { batch, endTurn } = manualBatch(db);
  batch.write(() => db.run('INSERT INTO child VALUES (42)'));
  const failed = batch.committed();
  endTurn();
  await expect(failed).rejects.toThrow(/FOREIGN KEY/);
  batch.write(() => db.run('INSERT INTO parent VALUES (1)'));
  const next = batch.committed();
  endTurn();
  await next;
  expect(db.query('SELECT count(*) AS n FROM parent').get()).toEqual({ n: 1 });
});

describe('group commit through the API', () => {
  test('creates, deletes and flushes are answered only once committed', async () => {
    const taskmock = testTaskmock(['--max-workspace-tasks', '100']);
    try {
      const answers = Array.from({ length: 50 }, (_, i) =>
        taskmock.request('POST', '/tasks?api_key=demo', { body: { name: `t${i}`, type: 'gx.tiny' } }).then((response) => {
          // By the time any answer exists, nothing of its turn is still uncommitted.
          expect(taskmock.batch.hasPendingWrites()).toBe(false);
          return response.status;
        }),
      );
      expect(await Promise.all(answers)).toEqual(Array(50).fill(200));
      for (const [method, path] of [
        ['DELETE', '/tasks/50?api_key=demo'],
        ['POST', '/tasks/flush?api_key=demo'],
      ] as const) {
        const response = await taskmock.request(method, path);
        expect(response.status).toBe(204);
        expect(taskmock.batch.hasPendingWrites()).toBe(false);
      }
    } finally {
      taskmock.close();
    }
  });
});
