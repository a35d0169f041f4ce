// Scenario 6: memory per open WebSocket. A separate process holds N sockets (taskmock: spread over
// workspaces of 100 sockets each); the server's RSS growth divided by N, against the bare Bun
// pub/sub server holding as many sockets on one topic.
import { tasksUrl } from '../lib/client.ts';
import { BUN, rssBytes, spawnChild, stopChild, waitForLine } from '../lib/proc.ts';
import { fmt, met, ratio, type Row } from '../lib/report.ts';
import { startBaseline, startTaskmock, type RunningServer } from '../lib/servers.ts';
import type { ScenarioOptions } from './options.ts';

const PER_WORKSPACE = 100;
const SETTLE_MS = 1000;

interface SocketGroup {
  url: string;
  count: number;
}

/** Server RSS growth per socket while a holder process keeps the groups' sockets open. */
async function bytesPerSocket(server: RunningServer, groups: SocketGroup[]): Promise<number> {
  const sockets = groups.reduce((sum, group) => sum + group.count, 0);
  await Bun.sleep(SETTLE_MS);
  const before = rssBytes(server.pid);
  const holder = spawnChild([BUN, 'bench/load/ws-hold.ts', JSON.stringify(groups)]);
  try {
    await waitForLine(holder, 'ready');
    await Bun.sleep(SETTLE_MS);
    return (rssBytes(server.pid) - before) / sockets;
  } finally {
    await stopChild(holder);
  }
}

async function bare(sockets: number): Promise<number> {
  const server = await startBaseline('pubsub');
  try {
    return await bytesPerSocket(server, [{ url: `${server.url.replace('http', 'ws')}/ws/tasks`, count: sockets }]);
  } finally {
    await server.stop();
  }
}

async function taskmock(sockets: number): Promise<number> {
  const workspaces = Math.ceil(sockets / PER_WORKSPACE);
  const server = await startTaskmock({ maxWorkspaces: workspaces, maxWorkspaceConnections: PER_WORKSPACE });
  try {
    const groups = Array.from({ length: workspaces }, (_, i) => ({
      url: tasksUrl(server.url, 'bench', `mem-${i}`).replace('http', 'ws').replace('/tasks?', '/ws/tasks?'),
      count: Math.min(PER_WORKSPACE, sockets - i * PER_WORKSPACE),
    }));
    return await bytesPerSocket(server, groups);
  } finally {
    await server.stop();
  }
}

export async function runWsMemory({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const sockets = quick ? 2000 : 5000;
  const base = await bare(sockets);
  const mine = await taskmock(sockets);
  note(
    `6. memory per socket: server VmRSS after ${fmt(sockets)} sockets each got their first list (+${SETTLE_MS / 1000} s) minus before, divided by ${fmt(sockets)}; taskmock spreads them over ${fmt(Math.ceil(sockets / PER_WORKSPACE))} workspaces of ${PER_WORKSPACE}.`,
  );
  return [
    {
      scenario: `6. memory per open WebSocket (${fmt(sockets)} sockets)`,
      baseline: `${fmt(base / 1024, 1)} KiB`,
      taskmock: `${fmt(mine / 1024, 1)} KiB`,
      ratio: ratio(mine, base),
      target: '≤ 2×',
      met: met(mine <= 2 * base),
    },
  ];
}
