// The endpoints that need no API key: the index (plain text, or HTML for a browser), /stats and /health.
import { Integer } from './json-integer.ts';
import { Elysia, t } from 'elysia';
import type { Config } from '../config/config.ts';
import { health, indexPage } from './index-page.ts';
import { COMPONENT_NAME } from './schemas.ts';

/** What the server is doing right now, for /stats. */
export interface LiveCounts {
  openSockets: number;
  scheduledWorkspaces: number;
  /** Workspaces no longer scheduled because their database rows are damaged. */
  brokenWorkspaces: number;
}

const DatabaseState = t.Union([t.Literal('ok'), t.Literal('needs attention')], {
  description:
    '`needs attention` once a workspace had to be taken out of the schedule because its rows are damaged: run `taskmock check --db FILE`.',
});

const Health = t.Union(
  [
    t.Object({ status: t.Literal('ok') }),
    t.Object({ status: t.Literal('degraded'), database: t.Literal('needs attention'), brokenWorkspaces: Integer() }),
  ],
  {
    [COMPONENT_NAME]: 'Health',
    description:
      'The server is up. `degraded` (still 200: every other workspace is served, and a restart would not repair the file) when the database needs attention.',
    examples: [{ status: 'ok' }, { status: 'degraded', database: 'needs attention', brokenWorkspaces: 1 }],
  },
);

/** The time scale and limits in force, as /stats reports them. */
export function limitsInForce(config: Config) {
  return {
    timeScale: config.timeScale,
    streamResendMs: config.streamResendMs,
    maxWorkspaces: config.maxWorkspaces,
    maxWorkspaceConnections: config.maxWorkspaceConnections,
    maxRunningWorkspaceTasks: config.maxRunningWorkspaceTasks,
    maxWorkspaceTasks: config.maxWorkspaceTasks,
  };
}

export function systemRoutes({
  startedAt,
  version,
  liveCounts,
  config,
}: {
  startedAt: Date;
  version: string;
  liveCounts: () => LiveCounts;
  config: Config;
}) {
  const limits = limitsInForce(config);
  const index = indexPage(version);
  const text = index.text;
  return new Elysia({ name: 'taskmock/system' })
    .get('/', ({ request }) => index.answer(request), {
      detail: {
        summary: 'Index of the endpoints and the docs',
        description:
          'Plain text for curl and scripts; a linked HTML page when the `Accept` header asks for `text/html` (a browser).',
        tags: ['system'],
        security: [],
        responses: {
          200: {
            description: 'The banner, the endpoints and where the docs are.',
            content: { 'text/plain': { schema: { type: 'string' }, example: text }, 'text/html': { schema: { type: 'string' } } },
          },
        },
      },
    })
    .get(
      '/stats',
      () => ({
        startedAt: startedAt.toISOString(),
        requestedAt: new Date().toISOString(),
        uptimeSeconds: Math.floor((Date.now() - startedAt.getTime()) / 1000),
        version,
        ...limits,
        ...liveCounts(),
        database: liveCounts().brokenWorkspaces > 0 ? ('needs attention' as const) : ('ok' as const),
      }),
      {
        response: {
          200: t.Object(
            {
              startedAt: t.String({ format: 'date-time' }),
              requestedAt: t.String({ format: 'date-time' }),
              uptimeSeconds: Integer(),
              version: t.String(),
              timeScale: t.Number({ description: 'TIME_SCALE: every duration and delay is divided by it.' }),
              streamResendMs: Integer({ description: 'STREAM_RESEND_MS: the stream tick, real time; 0 = off.' }),
              maxWorkspaces: Integer({ description: 'MAX_WORKSPACES: existing workspaces per API key.' }),
              maxWorkspaceConnections: Integer({ description: 'MAX_WORKSPACE_CONNECTIONS: open WebSockets per workspace.' }),
              maxRunningWorkspaceTasks: Integer({
                description: 'MAX_RUNNING_WORKSPACE_TASKS: tasks running at once per workspace.',
              }),
              maxWorkspaceTasks: Integer({ description: 'MAX_WORKSPACE_TASKS: tasks held per workspace.' }),
              openSockets: Integer({ description: 'WebSockets open on /ws/tasks, all keys together.' }),
              scheduledWorkspaces: Integer({ description: 'Workspaces with a task queued or running.' }),
              brokenWorkspaces: Integer({
                description: 'Workspaces taken out of the schedule because their rows are damaged.',
              }),
              database: DatabaseState,
            },
            {
              [COMPONENT_NAME]: 'Stats',
              description:
                'When the server started and when this request was answered (RFC 3339), the time scale and limits in force.',
            },
          ),
        },
        detail: { summary: 'Server start time and the time of this request', tags: ['system'], security: [] },
      },
    )
    .get('/health', () => health(liveCounts().brokenWorkspaces), {
      response: { 200: Health },
      detail: { summary: 'Liveness probe (used by `taskmock healthcheck`)', tags: ['system'], security: [] },
    });
}
