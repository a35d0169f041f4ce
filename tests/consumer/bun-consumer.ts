import { expect, test } from 'bun:test';
import { startTaskmock } from 'taskmock/testing';

test('a paused workspace moves one transition at a time', async () => {
  const taskmock = await startTaskmock({ args: ['--seed', 'consumer'] });
  try {
    await taskmock.pause();
    await taskmock.create('resize', 'gx.small');
    expect((await taskmock.next()).tasks[0]!.status).toBe('running');
    await taskmock.advance(60_000);
    await taskmock.waitFor((tasks) => tasks[0]?.status === 'completed');
    await taskmock.reset();
    expect(await taskmock.list()).toEqual([]);
    expect(taskmock.wsUrl).toStartWith('ws://');
  } finally {
    await taskmock.stop();
  }
});
