// What a newcomer reads in the first hour (SPEC §5): at debug every transition is logged, the
// stream's handshake is logged as an upgrade, and /stats tells the time scale and limits in force.
import { afterEach, expect, test } from 'bun:test';
import { parseCommandLine } from '../src/config/config.ts';
import { createLogger } from '../src/config/logger.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { eventually, json, testTaskmock, type TestTaskmock } from './helpers.ts';
import { FrameQueue } from './ws-client.ts';

let inProcess: TestTaskmock | undefined;
let listening: RunningTaskmock | undefined;
afterEach(async () => {
  inProcess?.close();
  await listening?.shutdown();
  inProcess = listening = undefined;
});

test('/stats reports the time scale and the limits in force', async () => {
  inProcess = testTaskmock(['--time-scale', '4', '--stream-resend-ms', '250', '--max-workspaces', '7']);
  const stats = await json(inProcess.request('GET', '/stats'));
  expect(stats).toMatchObject({
    timeScale: 4,
    streamResendMs: 250,
    maxWorkspaces: 7,
    maxWorkspaceConnections: 10,
    maxRunningWorkspaceTasks: 6,
    maxWorkspaceTasks: 1000,
  });
});

function startLogged(level: 'debug' | 'info') {
  const lines: string[] = [];
  const { config } = parseCommandLine(
    [
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      ':memory:',
      '--time-scale',
      '50',
      '--seed',
      'logs',
      '--api-keys',
      'sekrit-key',
    ],
    {},
  );
  const logger = createLogger({ level, format: 'pretty', write: (line) => lines.push(line) });
  listening = startTaskmock(config, { logger });
  return { taskmock: listening, lines };
}

test('at debug, every transition is logged, with the run time, and never the key', async () => {
  const { taskmock, lines } = startLogged('debug');
  const created = await fetch(`${taskmock.url}/tasks?api_key=sekrit-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'logged', type: 'gx.tiny' }),
  });
  expect(created.status).toBe(200);
  await eventually(() => lines.some((line) => line.includes('task 1 completed in workspace default')), 'the completion');
  expect(lines.some((line) => line.includes('task 1 queued in workspace default'))).toBe(true);
  expect(lines.some((line) => /task 1 started in workspace default, ends in \d+\.\d s/.test(line))).toBe(true);
  expect(lines.join('\n')).not.toContain('sekrit');
});

test('the stream handshake is logged as an upgrade (101), not GET 200', async () => {
  const { taskmock, lines } = startLogged('info');
  const client = new FrameQueue(`${taskmock.url.replace('http', 'ws')}/ws/tasks?api_key=sekrit-key`);
  await client.opened;
  await eventually(() => lines.some((line) => line.includes('upgrade /ws/tasks')), 'the upgrade line');
  expect(lines.find((line) => line.includes('upgrade /ws/tasks'))).toContain('status=101');
  expect(lines.some((line) => line.includes('GET /ws/tasks'))).toBe(false);
  expect(lines.join('\n')).not.toContain('sekrit');
});
