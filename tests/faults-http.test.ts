// HTTP faults (§11) seen from a client of a real listening server: latency, injected errors that
// change nothing, resets, the header that names them, and the routes that are never faulted.
import { afterEach, describe, expect, test } from 'bun:test';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { eventually, testConfig } from './helpers.ts';

let running: RunningTaskmock[] = [];
afterEach(async () => {
  await Promise.all(running.map((taskmock) => taskmock.shutdown()));
  running = [];
});

function serve(profile: object, flags: string[] = []): string {
  const taskmock = startTaskmock(
    testConfig(['--port', '0', '--host', '127.0.0.1', '--faults', JSON.stringify(profile), ...flags]),
  );
  running.push(taskmock);
  return taskmock.url.replace('localhost', '127.0.0.1');
}

const create = (url: string, name = 'a') =>
  fetch(`${url}/tasks?api_key=demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type: 'gx.tiny' }),
  });

describe('latencyMs', () => {
  test('each task answer waits a delay within the range and says so', async () => {
    const url = serve({ latencyMs: [30, 60] });
    for (const request of [() => fetch(`${url}/tasks?api_key=demo`), () => create(url)]) {
      const began = performance.now();
      const response = await request();
      const took = performance.now() - began;
      expect(response.status).toBe(200);
      expect(response.headers.get('x-taskmock-fault')).toBe('latency');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(took).toBeGreaterThanOrEqual(29);
      expect(took).toBeLessThan(2_000);
    }
  });
});

describe('errorRate', () => {
  test('an injected 503 has its header, body and Retry-After, and changed nothing', async () => {
    const url = serve({ errorRate: 1, errorStatuses: [503] });
    const response = await create(url);
    expect(response.status).toBe(503);
    expect(response.headers.get('x-taskmock-fault')).toBe('error');
    expect(Number(response.headers.get('retry-after'))).toBeWithin(1, 4);
    expect(await response.json()).toEqual({ message: 'injected fault', code: 'injected_fault' });
    const flush = await fetch(`${url}/tasks/flush?api_key=demo`, { method: 'POST' });
    expect(flush.status).toBe(503);
    // Reads are faulted too; PUT none for this workspace to see the list as it is: empty.
    await fetch(`${url}/control/faults?api_key=demo`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"preset":"none"}',
    });
    // Version 0: nothing was ever committed in this workspace.
    expect(await (await fetch(`${url}/tasks?api_key=demo`)).json()).toEqual({ tasks: [], version: 0 });
  });

  test('latency and an error together are both named; a 500 has no Retry-After', async () => {
    const url = serve({ latencyMs: [5, 10], errorRate: 1, errorStatuses: [500] });
    const response = await fetch(`${url}/tasks?api_key=demo`);
    expect(response.status).toBe(500);
    expect(response.headers.get('x-taskmock-fault')).toBe('latency, error');
    expect(response.headers.get('retry-after')).toBeNull();
  });

  test('a request refused for its key is answered at once and never faulted', async () => {
    const url = serve({ errorRate: 1 });
    const response = await fetch(`${url}/tasks?api_key=wrong`);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-taskmock-fault')).toBeNull();
  });
});

describe('resetRate', () => {
  test('the connection is closed with no answer: the client sees a network error', async () => {
    const url = serve({ resetRate: 1 });
    await expect(fetch(`${url}/tasks?api_key=demo`)).rejects.toThrow();
    await expect(create(url)).rejects.toThrow();
  });

  test('a reset is journaled as one (status 0, fault "reset"), never as the 200 it was not', async () => {
    const admin = { 'x-admin-key': 'admin-secret-for-tests' };
    const url = serve({ resetRate: 1, latencyMs: [1, 2] }, ['--admin-key', admin['x-admin-key']]);
    await expect(create(url)).rejects.toThrow();
    const keys = (await (await fetch(`${url}/admin/keys`, { headers: admin })).json()) as { keys: { name: string }[] };
    const journal = async () =>
      (await (await fetch(`${url}/admin/keys/${keys.keys[0]!.name}/journal`, { headers: admin })).text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
    let requests: { kind: string; status: number; fault?: string }[] = [];
    const journaled = async () => (requests = (await journal()).filter((event) => event.kind === 'request')).length > 0;
    await eventually(journaled, 'the reset journaled');
    expect(requests).toEqual([expect.objectContaining({ method: 'POST', path: '/tasks', status: 0, fault: 'latency, reset' })]);
    // Nothing was carried out: no task was created.
    expect((await journal()).filter((event) => event.kind === 'task')).toEqual([]);
  });

  test('/health, /stats, /, the docs and /control are never faulted', async () => {
    const url = serve({ resetRate: 1, errorRate: 1 });
    for (const path of ['/health', '/stats', '/', '/swagger/json', '/asyncapi.json', '/control/faults?api_key=demo']) {
      const response = await fetch(`${url}${path}`);
      expect({ path, status: response.status, fault: response.headers.get('x-taskmock-fault') }).toEqual({
        path,
        status: 200,
        fault: null,
      });
    }
  });
});
