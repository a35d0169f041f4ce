// The endpoints that need no API key: the plain-text index, /stats and /health.
import { Elysia, t } from 'elysia';
import { DEFAULT_WORKSPACE_ID, WORKSPACE_ID_PATTERN } from '../domain/model.ts';
import { COMPONENT_NAME } from './schemas.ts';

export function indexText(version: string): string {
  return [
    `taskmock ${version}: a mock task queue for building frontends against`,
    '',
    'Every task endpoint takes ?api_key=KEY (or X-API-Key / Authorization: Bearer) and',
    `an optional ?workspace_id=ID (default "${DEFAULT_WORKSPACE_ID}", pattern ${WORKSPACE_ID_PATTERN.source}).`,
    '',
    '  GET    /tasks           list the workspace\'s tasks          200 {"tasks": Task[]}',
    '  POST   /tasks           create {"name", "type"}            200 {"task": Task}',
    '  DELETE /tasks/:id       delete a task still queued         204',
    '  POST   /tasks/flush     remove running and completed tasks 204',
    '  GET    /ws/tasks        WebSocket: the task list on every change',
    '  GET    /stats           server start time and request time',
    '  GET    /health          liveness probe',
    '',
    'Task types: gx.tiny gx.micro gx.small gx.medium gx.large gx.heavy',
    '',
    'Docs: /swagger (interactive), /swagger/json (OpenAPI 3), /asyncapi.json (the WebSocket, AsyncAPI 3)',
    '',
  ].join('\n');
}

/** What the server is doing right now, for /stats. */
export interface LiveCounts {
  openSockets: number;
  scheduledWorkspaces: number;
}

export function systemRoutes({
  startedAt,
  version,
  liveCounts,
}: {
  startedAt: Date;
  version: string;
  liveCounts: () => LiveCounts;
}) {
  const index = indexText(version);
  return new Elysia({ name: 'taskmock/system' })
    .get('/', () => new Response(index, { headers: { 'content-type': 'text/plain; charset=utf-8' } }), {
      detail: {
        summary: 'Plain-text index of the endpoints',
        tags: ['system'],
        security: [],
        responses: {
          200: {
            description: 'The banner, the endpoints and where the docs are.',
            content: { 'text/plain': { schema: { type: 'string' }, example: index } },
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
        ...liveCounts(),
      }),
      {
        response: {
          200: t.Object(
            {
              startedAt: t.String({ format: 'date-time' }),
              requestedAt: t.String({ format: 'date-time' }),
              uptimeSeconds: t.Integer(),
              version: t.String(),
              openSockets: t.Integer({ description: 'WebSockets open on /ws/tasks, all keys together.' }),
              scheduledWorkspaces: t.Integer({ description: 'Workspaces with a task queued or running.' }),
            },
            { [COMPONENT_NAME]: 'Stats', description: 'When the server started and when this request was answered (RFC 3339).' },
          ),
        },
        detail: { summary: 'Server start time and the time of this request', tags: ['system'], security: [] },
      },
    )
    .get('/health', () => ({ status: 'ok' as const }), {
      response: { 200: t.Object({ status: t.Literal('ok') }, { [COMPONENT_NAME]: 'Health', description: 'The server is up.' }) },
      detail: { summary: 'Liveness probe (used by `taskmock healthcheck`)', tags: ['system'], security: [] },
    });
}
