import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTaskmock } from 'taskmock/testing';

test('fixtures, waitFor and stop from Node', async () => {
  const taskmock = await startTaskmock();
  try {
    const created = await taskmock.fixtures([
      { name: 'done', type: 'gx.tiny', status: 'completed' },
      { name: 'busy', type: 'gx.tiny', status: 'running', remainingMs: 10 },
    ]);
    assert.deepEqual(
      created.map((task) => task.id),
      [1, 2],
    );
    const tasks = await taskmock.waitFor((list) => list.every((task) => task.status === 'completed'));
    assert.equal(tasks.length, 2);
    await assert.rejects(taskmock.next(), (error) => error.status === 409 && error.code === 'nothing_scheduled');
  } finally {
    await taskmock.stop();
  }
});
