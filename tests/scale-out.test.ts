// SPEC §14: three taskmock instances behind nginx with the shipped deploy/nginx.conf. Each key's
// traffic, whichever way it carries the key, must land on the one instance holding its state.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { tenantOf } from '../src/domain/tenant.ts';
import { buildTaskmock } from '../src/server.ts';
import { buildRequest, eventually, silentLogger, testConfig } from './helpers.ts';
import { nginxBinary, startCluster, type Cluster } from './scale-out-cluster.ts';

const KEYS = Array.from({ length: 12 }, (_, i) => `cand-${String(i + 1).padStart(2, '0')}`);
const ADMIN_KEY = 'scale-out-admin';
type Source = 'query' | 'header' | 'bearer';
const SOURCES: Source[] = ['query', 'header', 'bearer'];

if (!nginxBinary) console.warn('scale-out.test.ts skipped: nginx is not installed (.ci/run installs it)');

/** Whether this build has hosted mode (SPEC §13): without it, /admin/keys answers 404. */
async function hostedModeAvailable(): Promise<boolean> {
  const probe = buildTaskmock(testConfig([], { ADMIN_KEY }), { logger: silentLogger });
  try {
    const response = await probe.app.handle(buildRequest('GET', '/admin/keys', { headers: { 'X-Admin-Key': ADMIN_KEY } }));
    return response.status !== 404;
  } finally {
    probe.close();
  }
}
const adminAvailable = await hostedModeAvailable();
if (!adminAvailable) console.warn('scale-out.test.ts: no hosted mode yet (/admin/keys answers 404): issued-key checks skipped');

function withKey(path: string, key: string, source: Source): [string, Record<string, string>] {
  if (source === 'query') return [`${path}${path.includes('?') ? '&' : '?'}api_key=${key}`, {}];
  return [path, source === 'header' ? { 'X-API-Key': key } : { Authorization: `Bearer ${key}` }];
}

describe.skipIf(!nginxBinary)('scale-out behind nginx', () => {
  let cluster: Cluster;
  /** Index of the instance holding each configured key, found by asking the instances directly. */
  const owner = new Map<string, number>();

  const viaProxy = (method: string, path: string, key: string, source: Source, body?: unknown, tag = {}) => {
    const [url, keyHeaders] = withKey(path, key, source);
    const headers = { ...keyHeaders, ...tag };
    return fetch(`${cluster.url}${url}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  const create = (key: string, source: Source, name: string, tag = {}) =>
    viaProxy('POST', '/tasks', key, source, { name, type: 'gx.heavy' }, tag);
  const namesVia = async (key: string, source: Source) =>
    ((await (await viaProxy('GET', '/tasks', key, source)).json()) as { tasks: { name: string }[] }).tasks.map((t) => t.name);
  /** A stream socket through the proxy, recording the names in every frame and how it closed. */
  const watch = (key: string, headers: Record<string, string> = {}) => {
    // Bun's WebSocket takes headers; the DOM type this project compiles against does not know them.
    const options: Bun.WebSocketOptions = { headers };
    const socket = new WebSocket(`${cluster.url.replace('http', 'ws')}/ws/tasks?api_key=${key}`, options as string[]);
    const watcher = { socket, frames: [] as string[][], closeCode: null as number | null };
    socket.onmessage = (event) => watcher.frames.push((JSON.parse(String(event.data)) as { name: string }[]).map((t) => t.name));
    socket.onclose = (event) => {
      watcher.closeCode = event.code;
    };
    return watcher;
  };
  const sawName = (watcher: ReturnType<typeof watch>, name: string) => watcher.frames.some((names) => names.includes(name));
  /** Two keys held by different instances. */
  const keysOnTwoInstances = (): [string, string] => {
    const first = KEYS[0]!;
    const second = KEYS.find((key) => owner.get(key) !== owner.get(first));
    if (!second) throw new Error('every key landed on one instance');
    return [first, second];
  };
  const namesOn = async (instance: number, key: string) => {
    const response = await fetch(`http://127.0.0.1:${cluster.instances[instance]!.port}/tasks?api_key=${key}`);
    return ((await response.json()) as { tasks: { name: string }[] }).tasks.map((t) => t.name);
  };

  beforeAll(async () => {
    cluster = await startCluster({ instances: 3, flags: ['--api-keys', KEYS.join(',')], env: { ADMIN_KEY } });
  }, 30_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  test('each key lands on one instance through all three key sources, and only that one holds it', async () => {
    for (const key of KEYS) {
      for (const source of SOURCES) expect((await create(key, source, `${key} via ${source}`)).status).toBe(200);
      const expected = SOURCES.map((source) => `${key} via ${source}`);
      for (const source of SOURCES) expect(await namesVia(key, source)).toEqual(expected);
      const held = await Promise.all(cluster.instances.map((_, i) => namesOn(i, key)));
      const holders = held.flatMap((names, i) => (names.length > 0 ? [i] : []));
      expect(holders).toHaveLength(1);
      expect(held[holders[0]!]).toEqual(expected);
      owner.set(key, holders[0]!);
    }
    // The hash spreads keys over the instances (12 keys all on one of three: odds ~1 in 180,000).
    expect(new Set(owner.values()).size).toBeGreaterThan(1);
  });

  test('keys on different instances never see each other', async () => {
    for (const key of KEYS) {
      const names = await namesVia(key, 'bearer');
      expect(names.every((name) => name.startsWith(`${key} `))).toBe(true);
    }
  });

  test('nginx derives the tenant as tenantOf does: issued keys by name, admin routes by path', async () => {
    for (const key of KEYS) {
      const issued = `tm_${key}_s3cret_with_underscores`;
      expect(tenantOf(issued)).toBe(key);
      for (const source of SOURCES) {
        const { result, instance } = await cluster.servedBy((tag) => viaProxy('GET', '/tasks', issued, source, undefined, tag));
        expect(result.status).toBe(403); // not a key any instance knows; only the route matters here
        expect(instance).toBe(owner.get(key)!);
      }
      for (const path of [`/admin/keys/${key}`, `/admin/keys/${key}/journal`, `/admin/keys/${key}/report.html`]) {
        const { instance } = await cluster.servedBy((tag) =>
          fetch(`${cluster.url}${path}`, { headers: { 'X-Admin-Key': ADMIN_KEY, ...tag } }),
        );
        expect(instance).toBe(owner.get(key)!);
      }
    }
  });

  test('control routes of a key land on its instance, whichever way the key came, and act on its tasks', async () => {
    for (const key of KEYS) {
      for (const source of SOURCES) {
        const { result, instance } = await cluster.servedBy((tag) =>
          viaProxy('GET', '/control/clock', key, source, undefined, tag),
        );
        expect([key, source, result.status, instance]).toEqual([key, source, 200, owner.get(key)!]);
      }
    }
    const key = KEYS.at(-1)!;
    const fixtures = { tasks: [{ name: `${key} fixture`, type: 'gx.small', status: 'completed' }] };
    const added = await cluster.servedBy((tag) => viaProxy('POST', '/control/tasks', key, 'bearer', fixtures, tag));
    expect([added.result.status, added.instance]).toEqual([200, owner.get(key)!]);
    expect(await namesOn(owner.get(key)!, key)).toContain(`${key} fixture`);
  });

  test('the key taskmock uses is the key nginx routes by: query over X-API-Key over Bearer, first api_key, trimmed', async () => {
    const [a, b] = keysOnTwoInstances();
    const cases: [string, Record<string, string>][] = [
      [`/tasks?api_key=${a}`, { 'X-API-Key': b, Authorization: `Bearer ${b}` }],
      ['/tasks', { 'X-API-Key': a, Authorization: `Bearer ${b}` }],
      [`/tasks?api_key=${a}&api_key=${b}`, {}],
      [`/tasks?workspace_id=default&api_key=%20+${a}%09&api_key=${b}`, {}],
      [`/tasks?api_key=&API_KEY=${b}`, { authorization: `bearer   ${a}  ` }],
      [`/tasks?api_key=&api_key=${b}`, { 'X-API-Key': `  ${a} ` }],
    ];
    for (const [path, headers] of cases) {
      const { result, instance } = await cluster.servedBy((tag) =>
        fetch(`${cluster.url}${path}`, { headers: { ...headers, ...tag } }),
      );
      expect([path, instance]).toEqual([path, owner.get(a)!]);
      const { tasks } = (await result.json()) as { tasks: { name: string }[] };
      expect(tasks.map((t) => t.name)).toContain(`${a} via query`);
    }
  });

  test('a WebSocket through the proxy gets the list on open and again after a change', async () => {
    const key = KEYS[0]!;
    const watcher = watch(key);
    try {
      await eventually(() => watcher.frames.length > 0, 'the list on open');
      expect(watcher.frames[0]).toEqual(SOURCES.map((source) => `${key} via ${source}`));
      expect((await create(key, 'bearer', `${key} while watching`)).status).toBe(200);
      await eventually(() => sawName(watcher, `${key} while watching`), 'the change');
    } finally {
      watcher.socket.close();
    }
  });

  test('a blocking read through the proxy is answered by a change made through another key source', async () => {
    const key = KEYS[1]!;
    // The workspace's clock paused first: a start or an end of its earlier tasks would otherwise
    // answer the blocked read before the create does.
    expect((await viaProxy('POST', '/control/clock/pause', key, 'query')).status).toBe(200);
    const { version } = (await (await viaProxy('GET', '/tasks', key, 'query')).json()) as { version: number };
    let answered = false;
    const blocked = viaProxy('GET', `/tasks?index=${version}&wait=30s`, key, 'header').finally(() => {
      answered = true;
    });
    await namesVia(key, 'query'); // a round trip: the blocked read is still waiting after it
    expect(answered).toBe(false);
    expect((await create(key, 'bearer', `${key} while blocked`)).status).toBe(200);
    const answer = (await (await blocked).json()) as { version: number; tasks: { name: string }[] };
    expect(answer.version).toBeGreaterThan(version);
    expect(answer.tasks.map((t) => t.name)).toContain(`${key} while blocked`);
    expect((await viaProxy('POST', '/control/clock/resume', key, 'query')).status).toBe(200);
  });

  // A body over nginx's 16 KiB memory buffer used to be written to client_body_temp, which nginx's
  // workers (`nobody` under root) cannot open in a 0700 folder: nginx answered 500 itself.
  test('a large body reaches taskmock, whose JSON answer comes back through the proxy', async () => {
    const key = KEYS[0]!;
    const response = await create(key, 'header', 'x'.repeat(30_000));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('name_too_long');
    const tooLarge = await viaProxy('POST', '/tasks', key, 'bearer', { name: 'x', type: 'gx.small', pad: 'y'.repeat(70_000) });
    expect([tooLarge.status, ((await tooLarge.json()) as { code: string }).code]).toEqual([413, 'body_too_large']);
  });

  test("the proxy's read timeouts outlast the longest blocking read (5 min)", () => {
    const config = readFileSync(new URL('../deploy/nginx.conf', import.meta.url), 'utf8');
    const seconds = [...config.matchAll(/proxy_read_timeout (\d+)s;/g)].map((match) => Number(match[1]));
    expect(seconds.length).toBe(2);
    expect(Math.min(...seconds)).toBeGreaterThan(300);
  });

  test.skipIf(!adminAvailable)('a key issued through the proxy lives on one instance, with its admin routes', async () => {
    const admin = { 'X-Admin-Key': ADMIN_KEY };
    const adminRequest = (method: string, path: string, body?: string) =>
      cluster.servedBy((tag) =>
        fetch(`${cluster.url}${path}`, {
          method,
          body,
          headers: body ? { ...admin, ...tag, 'content-type': 'application/json' } : { ...admin, ...tag },
        }),
      );
    const issue = await adminRequest('PUT', '/admin/keys/ada', '{"label": "Ada"}');
    expect(issue.result.status).toBe(200);
    const ada = issue.instance!;
    const issuedKey = ((await issue.result.json()) as { key: string }).key;
    expect(tenantOf(issuedKey)).toBe('ada');

    for (const source of SOURCES) {
      const created = await cluster.servedBy((tag) => create(issuedKey, source, `ada via ${source}`, tag));
      expect(created.result.status).toBe(200);
      expect(created.instance).toBe(ada);
    }
    expect(await namesVia(issuedKey, 'query')).toEqual(SOURCES.map((source) => `ada via ${source}`));
    for (const [index, instance] of cluster.instances.entries()) {
      const direct = await fetch(`http://127.0.0.1:${instance.port}/admin/keys`, { headers: admin });
      const { keys } = (await direct.json()) as { keys: { name: string }[] };
      expect(keys.some((key) => key.name === 'ada')).toBe(index === ada); // the list is per instance
    }

    const info = await adminRequest('GET', '/admin/keys/ada');
    expect([info.instance, info.result.status]).toEqual([ada, 200]);
    const journal = await adminRequest('GET', '/admin/keys/ada/journal');
    expect([journal.instance, journal.result.status]).toEqual([ada, 200]);
    const events = (await journal.result.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const creates = events.filter((event) => event.kind === 'request' && event.method === 'POST' && event.path === '/tasks');
    expect(creates).toHaveLength(SOURCES.length); // every create, whichever way the key came, on one instance
    for (const path of ['/admin/keys/ada/report', '/admin/keys/ada/report.html']) {
      expect((await adminRequest('GET', path)).instance).toBe(ada);
    }
    const revoke = await adminRequest('DELETE', '/admin/keys/ada');
    expect([revoke.instance, revoke.result.status]).toEqual([ada, 204]);
    expect((await viaProxy('GET', '/tasks', issuedKey, 'bearer')).status).toBe(403);
  });

  test('an instance killed with -9 fails only its own keys, clearly, and they resume after its restart', async () => {
    const [lost, kept] = keysOnTwoInstances();
    const dead = owner.get(lost)!;
    const before = await namesVia(lost, 'query');
    const [lostWatcher, keptWatcher] = [watch(lost), watch(kept)];
    await eventually(() => lostWatcher.frames.length > 0 && keptWatcher.frames.length > 0, 'both streams to open');
    await cluster.kill(dead);
    await eventually(() => lostWatcher.closeCode !== null, "the dead instance's stream to close");

    for (const source of SOURCES) {
      for (const request of [
        (tag: Record<string, string>) => viaProxy('GET', '/tasks', lost, source, undefined, tag),
        (tag: Record<string, string>) => create(lost, source, `${lost} while down`, tag),
      ]) {
        const { result, instance } = await cluster.servedBy(request);
        expect(instance).toBe(dead); // never re-routed to an instance that holds none of its state
        expect(result.status).toBe(503);
        expect(await result.json()).toEqual({ message: 'instance unavailable', code: 'instance_unavailable' });
      }
    }
    for (const [index] of cluster.instances.entries()) {
      if (index !== dead) expect(await namesOn(index, lost)).toEqual([]); // no create went elsewhere
    }
    const refused = await cluster.servedBy(async (tag) => {
      const handshake = watch(lost, tag);
      await eventually(() => handshake.closeCode !== null, 'the refused handshake to close');
      return handshake;
    });
    expect(refused.instance).toBe(dead);
    expect(refused.result.frames).toEqual([]);

    expect((await create(kept, 'header', `${kept} while the other is down`)).status).toBe(200);
    expect(await namesVia(kept, 'bearer')).toContain(`${kept} while the other is down`);
    await eventually(() => sawName(keptWatcher, `${kept} while the other is down`), 'the other stream to carry on');
    expect(keptWatcher.closeCode).toBeNull();
    keptWatcher.socket.close();

    await cluster.restart(dead);
    expect(await namesVia(lost, 'header')).toEqual(before);
    expect((await create(lost, 'bearer', `${lost} after the restart`)).status).toBe(200);
    expect(await namesVia(lost, 'query')).toEqual([...before, `${lost} after the restart`]);
  }, 20_000);
});
