// Where a workspace's fault profile comes from, and what puts it back (§11, §10): a key-wide reset
// reaches every workspace of the key, even one that holds nothing but a profile; a COMMIT that
// fails after a profile changed in memory puts the profile in force back to what is stored.
import { describe, expect, test } from 'bun:test';
import { PRESETS } from '../src/faults/presets.ts';
import { json, testTaskmock, type TestTaskmock } from './helpers.ts';

const faultsOf = (taskmock: TestTaskmock, workspace: string) =>
  json(taskmock.request('GET', `/control/faults?api_key=demo&workspace_id=${workspace}`));

describe('POST /control/reset?scope=key', () => {
  test('every workspace of the key goes back to the server default, also one with no tasks, clock or socket', async () => {
    const taskmock = testTaskmock(['--faults', 'slow']);
    try {
      // "busy" exists (a task); "bare" only has a profile of its own, so the store does not list it.
      await taskmock.request('POST', '/tasks?api_key=demo&workspace_id=busy', { body: { name: 'a', type: 'gx.tiny' } });
      for (const workspace of ['busy', 'bare']) {
        const put = await taskmock.request('PUT', `/control/faults?api_key=demo&workspace_id=${workspace}`, {
          body: { preset: 'chaos' },
        });
        expect(put.status).toBe(200);
      }
      expect((await taskmock.request('POST', '/control/reset?api_key=demo&scope=key')).status).toBe(204);
      for (const workspace of ['busy', 'bare']) {
        expect(await faultsOf(taskmock, workspace)).toEqual({ scope: 'server', preset: 'slow', profile: PRESETS.slow });
      }
    } finally {
      taskmock.close();
    }
  });

  test("another key's workspace profiles are left alone", async () => {
    const taskmock = testTaskmock(['--api-keys', 'demo,other']);
    try {
      await taskmock.request('PUT', '/control/faults?api_key=other&workspace_id=w', { body: { preset: 'flaky' } });
      await taskmock.request('PUT', '/control/faults?api_key=demo&workspace_id=w', { body: { preset: 'flaky' } });
      expect((await taskmock.request('POST', '/control/reset?api_key=demo&scope=key')).status).toBe(204);
      expect((await faultsOf(taskmock, 'w')).scope).toBe('server');
      expect((await json(taskmock.request('GET', '/control/faults?api_key=other&workspace_id=w'))).scope).toBe('workspace');
    } finally {
      taskmock.close();
    }
  });
});

/** A row checked only at COMMIT (a deferred foreign key): the turn it joins fails to commit. */
function doomThisTurn(taskmock: TestTaskmock): void {
  taskmock.db.run('CREATE TABLE IF NOT EXISTS doomed_parent (id INTEGER PRIMARY KEY)');
  taskmock.db.run(
    'CREATE TABLE IF NOT EXISTS doomed_child (parent INTEGER REFERENCES doomed_parent (id) DEFERRABLE INITIALLY DEFERRED)',
  );
  taskmock.batch.write(() => taskmock.db.run('INSERT INTO doomed_child VALUES (42)'));
}

describe('a failed COMMIT puts the profile in force back', () => {
  test('PUT /control/faults whose COMMIT fails: not answered 200, and the old profile stays in force', async () => {
    const taskmock = testTaskmock(['--faults', 'slow']);
    try {
      await taskmock.request('PUT', '/control/faults?api_key=demo&workspace_id=w', { body: { preset: 'flaky' } });
      doomThisTurn(taskmock);
      const put = await taskmock.request('PUT', '/control/faults?api_key=demo&workspace_id=w', {
        body: { errorRate: 1, errorStatuses: [502] },
      });
      expect(put.status).toBeGreaterThanOrEqual(500);
      expect(await faultsOf(taskmock, 'w')).toEqual({ scope: 'workspace', preset: 'flaky', profile: PRESETS.flaky });
      // What is in force is what answers: the rolled-back errorRate 1 does not fault anything.
      expect((await taskmock.request('GET', '/tasks?api_key=demo&workspace_id=w')).status).not.toBe(502);
    } finally {
      taskmock.close();
    }
  });

  test('DELETE and reset whose COMMIT fails leave the stored profile in force', async () => {
    const taskmock = testTaskmock();
    try {
      await taskmock.request('PUT', '/control/faults?api_key=demo&workspace_id=w', { body: { preset: 'chaos' } });
      doomThisTurn(taskmock);
      expect((await taskmock.request('DELETE', '/control/faults?api_key=demo&workspace_id=w')).status).toBeGreaterThanOrEqual(
        500,
      );
      expect((await faultsOf(taskmock, 'w')).preset).toBe('chaos');
      doomThisTurn(taskmock);
      expect((await taskmock.request('POST', '/control/reset?api_key=demo&scope=key')).status).toBeGreaterThanOrEqual(500);
      expect((await faultsOf(taskmock, 'w')).preset).toBe('chaos');
      // A later commit that works still clears it.
      expect((await taskmock.request('POST', '/control/reset?api_key=demo&scope=key')).status).toBe(204);
      expect((await faultsOf(taskmock, 'w')).scope).toBe('server');
    } finally {
      taskmock.close();
    }
  });
});
