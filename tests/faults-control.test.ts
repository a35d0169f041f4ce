// PUT / GET / DELETE /control/faults (§11): per-workspace profiles, scope, storage across a
// restart, validation; and the seeded draws: rates within a binomial bound, the same seed twice
// meeting the same faults.
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { ManualClock } from '../src/scheduler/clock.ts';
import { seededRandom } from '../src/domain/random.ts';
import { buildTaskmock } from '../src/server.ts';
import { PRESETS } from '../src/faults/presets.ts';
import { buildRequest, json, silentLogger, tempDir, testConfig, testTaskmock } from './helpers.ts';

describe('/control/faults', () => {
  test('a workspace gets a preset or a profile of its own; GET reads what is in force, and where from', async () => {
    const taskmock = testTaskmock(['--faults', 'slow']);
    try {
      expect(await json(taskmock.request('GET', '/control/faults?api_key=demo'))).toEqual({
        scope: 'server',
        preset: 'slow',
        profile: PRESETS.slow,
      });
      const set = await taskmock.request('PUT', '/control/faults?api_key=demo&workspace_id=w1', { body: { preset: 'flaky' } });
      expect(set.status).toBe(200);
      expect(await set.json()).toEqual({ scope: 'workspace', preset: 'flaky', profile: PRESETS.flaky });
      const own = await json(
        taskmock.request('PUT', '/control/faults?api_key=demo&workspace_id=w2', { body: { errorRate: 0.5 } }),
      );
      expect(own).toEqual({ scope: 'workspace', profile: { errorRate: 0.5 } });
      // Other workspaces keep the server's profile.
      expect((await json(taskmock.request('GET', '/control/faults?api_key=demo&workspace_id=w3'))).scope).toBe('server');
      const dropped = await json(taskmock.request('DELETE', '/control/faults?api_key=demo&workspace_id=w1'));
      expect(dropped).toEqual({ scope: 'server', preset: 'slow', profile: PRESETS.slow });
    } finally {
      taskmock.close();
    }
  });

  test('{"preset": "none"} stops the server\'s faults for that workspace only', async () => {
    const taskmock = testTaskmock(['--faults', '{"errorRate": 1, "errorStatuses": [502]}']);
    try {
      expect((await taskmock.request('GET', '/tasks?api_key=demo&workspace_id=calm')).status).toBe(502);
      await taskmock.request('PUT', '/control/faults?api_key=demo&workspace_id=calm', { body: { preset: 'none' } });
      expect((await taskmock.request('GET', '/tasks?api_key=demo&workspace_id=calm')).status).toBe(200);
      expect((await taskmock.request('GET', '/tasks?api_key=demo&workspace_id=other')).status).toBe(502);
    } finally {
      taskmock.close();
    }
  });

  test.each([
    [{ latencyMs: [10, 1] }, 'faults.latencyMs must be [min, max] with 0 ≤ min ≤ max'],
    [{ preset: 'wobbly' }, 'faults.preset must be one of none, slow, flaky, chaos'],
    [{ preset: 'flaky', errorRate: 0.1 }, 'send either {"preset": name} or a profile, not both'],
    [{ stream: { refuse: 1 } }, 'faults.stream has unknown field "refuse"'],
  ])('PUT %j is refused with 400 naming the field', async (body, message) => {
    const taskmock = testTaskmock();
    try {
      const response = await taskmock.request('PUT', '/control/faults?api_key=demo', { body });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ message: expect.stringContaining(message), code: 'invalid_fault_profile' });
      expect((await json(taskmock.request('GET', '/control/faults?api_key=demo'))).scope).toBe('server');
    } finally {
      taskmock.close();
    }
  });

  test('a body that is not JSON, and a wrong key, get the contract errors', async () => {
    const taskmock = testTaskmock();
    try {
      const notJson = await taskmock.request('PUT', '/control/faults?api_key=demo', {
        body: 'nope',
        headers: { 'content-type': 'application/json' },
      });
      expect([notJson.status, (await notJson.json()).message]).toEqual([400, 'invalid request body']);
      expect((await taskmock.request('GET', '/control/faults?api_key=wrong')).status).toBe(403);
      expect((await taskmock.request('GET', '/control/faults?api_key=demo&workspace_id=bad!')).status).toBe(400);
    } finally {
      taskmock.close();
    }
  });

  test('POST /control/reset puts the workspace back on the server default; CONTROL=off hides the routes', async () => {
    const taskmock = testTaskmock(['--faults', 'slow']);
    const off = testTaskmock(['--control', 'off']);
    try {
      await taskmock.request('PUT', '/control/faults?api_key=demo', { body: { preset: 'chaos' } });
      expect((await json(taskmock.request('GET', '/control/faults?api_key=demo'))).preset).toBe('chaos');
      expect((await taskmock.request('POST', '/control/reset?api_key=demo')).status).toBe(204);
      expect(await json(taskmock.request('GET', '/control/faults?api_key=demo'))).toMatchObject({
        scope: 'server',
        preset: 'slow',
      });
      expect((await off.request('GET', '/control/faults?api_key=demo')).status).toBe(404);
      expect((await off.request('PUT', '/control/faults?api_key=demo', { body: { preset: 'chaos' } })).status).toBe(404);
    } finally {
      taskmock.close();
      off.close();
    }
  });

  test("a workspace's profile is stored: it is still in force after a restart", async () => {
    const dir = tempDir();
    const flags = ['--db', join(dir.path, 'faults.sqlite')];
    const start = () =>
      buildTaskmock(testConfig(flags), { clock: new ManualClock(), random: seededRandom('t'), logger: silentLogger });
    try {
      const first = start();
      await first.app.handle(buildRequest('PUT', '/control/faults?api_key=demo&workspace_id=w', { body: { preset: 'chaos' } }));
      first.close();
      const second = start();
      const read = await json(second.app.handle(buildRequest('GET', '/control/faults?api_key=demo&workspace_id=w')));
      second.close();
      expect(read).toEqual({ scope: 'workspace', preset: 'chaos', profile: PRESETS.chaos });
    } finally {
      dir.cleanup();
    }
  });
});

describe('seeded draws', () => {
  /** Which of `count` GET /tasks requests met an injected error, under a seed. */
  async function failedRequests(seed: string, count: number, errorRate: number): Promise<number[]> {
    const taskmock = buildTaskmock(testConfig(['--faults', JSON.stringify({ errorRate, errorStatuses: [500] })]), {
      clock: new ManualClock(),
      random: seededRandom(seed),
      logger: silentLogger,
    });
    const failed: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const response = await taskmock.app.handle(buildRequest('GET', '/tasks?api_key=demo'));
        if (response.status === 500) failed.push(i);
      }
    } finally {
      taskmock.close();
    }
    return failed;
  }

  test('over 1,000 requests the share of injected errors is within a binomial bound (mean ± 4σ)', async () => {
    const n = 1000;
    const p = 0.2;
    const sigma = Math.sqrt(n * p * (1 - p));
    const failed = await failedRequests('rates', n, p);
    expect(failed.length).toBeGreaterThan(n * p - 4 * sigma);
    expect(failed.length).toBeLessThan(n * p + 4 * sigma);
  });

  test('the same seed twice meets the same faults; another seed others', async () => {
    const first = await failedRequests('again', 200, 0.3);
    expect(await failedRequests('again', 200, 0.3)).toEqual(first);
    expect(await failedRequests('another', 200, 0.3)).not.toEqual(first);
  });

  test('setting a profile starts its draws again: replaying the requests replays the faults', async () => {
    const taskmock = testTaskmock();
    const statuses = async () => {
      await taskmock.request('PUT', '/control/faults?api_key=demo', { body: { errorRate: 0.5, errorStatuses: [503] } });
      const seen: number[] = [];
      for (let i = 0; i < 40; i++) seen.push((await taskmock.request('GET', '/tasks?api_key=demo')).status);
      return seen;
    };
    try {
      const first = await statuses();
      expect(first).toContain(503);
      expect(first).toContain(200);
      expect(await statuses()).toEqual(first);
    } finally {
      taskmock.close();
    }
  });
});

test('OpenAPI and AsyncAPI document `failed`, the optional `failure` and /control/faults', async () => {
  const taskmock = testTaskmock();
  try {
    const openapi = await json(taskmock.request('GET', '/swagger/json'));
    const asyncapi = await json(taskmock.request('GET', '/asyncapi.json'));
    expect(openapi.components.schemas.TaskStatus.enum).toContain('failed');
    expect(asyncapi.components.schemas.Task.properties.status.enum).toContain('failed');
    for (const task of [openapi.components.schemas.Task, asyncapi.components.schemas.Task]) {
      expect(task.properties.failure.type).toBe('string');
      expect(task.required ?? []).not.toContain('failure');
    }
    expect(Object.keys(openapi.paths['/control/faults']).sort()).toEqual(['delete', 'get', 'put']);
    expect(openapi.components.schemas.FaultProfile).toBeDefined();
  } finally {
    taskmock.close();
  }
});
