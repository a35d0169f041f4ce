// Smoke-tests the compiled executable the way a user meets it: dist/taskmock copied alone into an
// empty folder, started with no Bun or Node on PATH, driven over HTTP and WebSocket, stopped with
// SIGTERM. Prints one PASS/FAIL line per check; exits 1 if any failed. Run after `bun run build`.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import packageJson from '../package.json' with { type: 'json' };

const SOURCE = join(import.meta.dir, '..', 'dist', process.platform === 'win32' ? 'taskmock.exe' : 'taskmock');
const KEY = 'smoke-key';
const ADMIN_KEY = 'smoke-admin-key';
let failures = 0;
let passes = 0;

function report(ok: boolean, name: string, detail = ''): void {
  if (ok) passes += 1;
  else failures += 1;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
}

/** Runs one check; a string it returns is shown as the check's detail. */
async function check(name: string, run: () => unknown): Promise<void> {
  try {
    const detail = await run();
    report(true, name, typeof detail === 'string' ? detail : '');
  } catch (error) {
    report(false, name, error instanceof Error ? error.message : String(error));
  }
}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** PATH without any folder holding bun or node, so the binary cannot lean on either. */
function pathWithoutRuntimes(): string {
  return (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => dir && !['bun', 'node', 'bun.exe', 'node.exe'].some((name) => existsSync(join(dir, name))))
    .join(':');
}

const folder = mkdtempSync(join(tmpdir(), 'taskmock-smoke-'));
const binary = join(folder, 'taskmock');
const env = { PATH: pathWithoutRuntimes(), HOME: folder, API_KEYS: KEY };

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn([binary, ...args], { cwd: folder, env, stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

async function waitUntilUp(base: string, child: Bun.Subprocess): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 10_000) {
    if (child.exitCode !== null) throw new Error(`exited early with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return performance.now() - started;
    } catch {
      await Bun.sleep(10);
    }
  }
  throw new Error('no answer on /health within 10 s');
}

function firstStreamMessage(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5000);
    socket.onmessage = (event) => {
      clearTimeout(timer);
      socket.close();
      resolve(JSON.parse(String(event.data)));
    };
    socket.onerror = () => reject(new Error('WebSocket error'));
  });
}

async function main(): Promise<void> {
  if (!existsSync(SOURCE)) {
    report(false, 'dist/taskmock exists', 'run `bun run build` first');
    return;
  }
  copyFileSync(SOURCE, binary);
  report(true, 'copied dist/taskmock alone into', folder);

  await check('--version prints the package version', async () => {
    const { code, stdout } = await run(['--version']);
    expect(code === 0 && stdout.trim() === packageJson.version, `exit ${code}, printed "${stdout.trim()}"`);
  });
  await check('--help lists the settings', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code === 0 && stdout.includes('--port') && stdout.includes('DATABASE_PATH'), `exit ${code}`);
  });
  await check('a bad flag value exits non-zero naming the setting', async () => {
    const { code, stderr } = await run(['--port', 'nope']);
    expect(code !== 0 && stderr.includes('--port'), `exit ${code}, stderr "${stderr.trim()}"`);
  });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = Bun.spawn([binary, '--port', String(port), '--host', '127.0.0.1', '--db', join(folder, 'taskmock.sqlite')], {
    cwd: folder,
    // Hosted mode on, so the admin routes and the report page (embedded uPlot) are checked too.
    env: { ...env, ADMIN_KEY },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  try {
    await check(
      'starts and answers /health',
      async () => `first answer after ${(await waitUntilUp(base, server)).toFixed(0)} ms`,
    );
    const api = (path: string, init?: RequestInit) =>
      fetch(`${base}${path}${path.includes('?') ? '&' : '?'}api_key=${KEY}`, init);
    const create = (name: string) =>
      api('/tasks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, type: 'gx.tiny' }),
      });

    await check('POST /tasks creates a queued task', async () => {
      const response = await create('smoke');
      const body = (await response.json()) as { task: { id: number; status: string } };
      expect(response.status === 200 && body.task.id === 1 && body.task.status === 'queued', JSON.stringify(body));
    });
    await check('GET /tasks lists it', async () => {
      const body = (await (await api('/tasks')).json()) as { tasks: unknown[] };
      expect(body.tasks.length === 1, JSON.stringify(body));
    });
    await check('GET /ws/tasks streams the list on open', async () => {
      const message = await firstStreamMessage(`ws://127.0.0.1:${port}/ws/tasks?api_key=${KEY}`);
      expect(Array.isArray(message) && message.length === 1, JSON.stringify(message));
    });
    await check('DELETE /tasks/2 of a second task answers 204', async () => {
      await create('second');
      const response = await api('/tasks/2', { method: 'DELETE' });
      expect(response.status === 204, `status ${response.status}`);
    });
    await check('POST /tasks/flush answers 204', async () => {
      const response = await api('/tasks/flush', { method: 'POST' });
      expect(response.status === 204, `status ${response.status}`);
    });
    await check('a wrong key is 403 {"message":"Forbidden"}', async () => {
      const response = await fetch(`${base}/tasks?api_key=wrong`);
      const body = (await response.json()) as { message: string };
      expect(response.status === 403 && body.message === 'Forbidden', `${response.status} ${JSON.stringify(body)}`);
    });
    // Elysia reads the request-log hook's source to learn it uses `route`: the binary must still see it.
    await check('GET /metrics counts requests by route pattern', async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(
        text.includes('taskmock_http_requests_total{method="DELETE",route="/tasks/:id",status="204"} 1'),
        text.slice(0, 400),
      );
    });
    await check("an issued key's behaviour report counts its requests", async () => {
      const admin = { 'x-admin-key': ADMIN_KEY };
      const issued = (await (await fetch(`${base}/admin/keys/smoke`, { method: 'PUT', headers: admin })).json()) as {
        key: string;
      };
      await fetch(`${base}/tasks?api_key=${issued.key}`);
      let requests = 0;
      for (let tries = 0; tries < 50 && requests === 0; tries++) {
        const report = (await (await fetch(`${base}/admin/keys/smoke/report`, { headers: admin })).json()) as {
          figures: { requests: number };
        };
        requests = report.figures.requests;
        if (requests === 0) await Bun.sleep(20);
      }
      expect(requests === 1, `report counts ${requests} requests`);
    });
    for (const [path, type] of [
      ['/admin/keys/smoke/report.html', 'text/html'],
      ['/admin/assets/uplot.min.js', 'javascript'],
      ['/admin/assets/uplot.min.css', 'text/css'],
      ['/swagger', 'text/html'],
      ['/docs/stream', 'text/html'],
      ['/swagger/json', 'application/json'],
      ['/asyncapi.json', 'application/json'],
      ['/swagger/assets/swagger-ui-bundle.js', 'javascript'],
    ] as const) {
      await check(`GET ${path} is served from the binary`, async () => {
        const response = await fetch(`${base}${path}`);
        const text = await response.text();
        expect(
          response.status === 200 && (response.headers.get('content-type') ?? '').includes(type),
          `${response.status} ${response.headers.get('content-type')}`,
        );
        return `${text.length} bytes`;
      });
    }
    await check('taskmock healthcheck --port N exits 0 against the server', async () => {
      const { code } = await run(['healthcheck', '--port', String(port), '--host', '127.0.0.1']);
      expect(code === 0, `exit ${code}`);
    });
    await check('taskmock healthcheck exits non-zero against a closed port', async () => {
      const { code } = await run(['healthcheck', '--port', String(await freePort()), '--host', '127.0.0.1']);
      expect(code !== 0, `exit ${code}`);
    });
  } finally {
    server.kill('SIGTERM');
    const code = await Promise.race([server.exited, Bun.sleep(10_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') server.kill('SIGKILL');
    report(code === 0, 'SIGTERM stops the server with exit code 0', `exit ${code}`);
  }
}

try {
  await main();
} finally {
  rmSync(folder, { recursive: true, force: true });
}
console.log(`smoke: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
