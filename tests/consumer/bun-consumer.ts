import { expect, test } from 'bun:test';
import { startTaskmock } from 'taskmock/testing';

test('a paused workspace moves one transition at a time; faults are set and cleared', async () => {
  const taskmock = await startTaskmock({ args: ['--seed', 'consumer'] });
  try {
    await taskmock.pause();
    await taskmock.create('resize', 'gx.small');
    expect((await taskmock.next()).tasks[0]!.status).toBe('running');
    await taskmock.advance(60_000);
    await taskmock.waitFor((tasks) => tasks[0]?.status === 'completed');
    await taskmock.reset();
    expect(await taskmock.list()).toEqual([]);
    expect((await taskmock.setFaults({ tasks: { failRate: 1 } })).scope).toBe('workspace');
    await taskmock.create('doomed', 'gx.tiny');
    expect((await taskmock.advance(10_000)).tasks[0]!.status).toBe('failed');
    expect((await taskmock.clearFaults()).scope).toBe('server');
    expect((await taskmock.faults()).profile).toEqual({});
    expect(taskmock.wsUrl).toStartWith('ws://');
  } finally {
    await taskmock.stop();
  }
});
