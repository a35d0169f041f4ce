// The endpoints that need no API key: the index (plain text, or HTML for a browser), /stats and /health.
import { Elysia, t } from 'elysia';
import { indexHtml, indexText, wantsHtml } from './index-page.ts';
import { COMPONENT_NAME } from './schemas.ts';

/** What the server is doing right now, for /stats. */
export interface LiveCounts {
  openSockets: number;
  scheduledWorkspaces: number;
}

const page = (body: string, type: string) =>
  new Response(body, { headers: { 'content-type': `${type}; charset=utf-8`, vary: 'Accept' } });

export function systemRoutes({
  startedAt,
  version,
  liveCounts,
}: {
  startedAt: Date;
  version: string;
  liveCounts: () => LiveCounts;
}) {
  const text = indexText(version);
  const html = indexHtml(version);
  return new Elysia({ name: 'taskmock/system' })
    .get('/', ({ request }) => (wantsHtml(request) ? page(html, 'text/html') : page(text, 'text/plain')), {
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
