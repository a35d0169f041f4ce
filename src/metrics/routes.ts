// GET /metrics, for Prometheus: no API key (it is scraped like /health, and shows no key, key
// name or workspace), never faulted (SPEC §11: it is not a task route), in the text format.
import { Elysia } from 'elysia';
import { EXPOSITION_CONTENT_TYPE } from './exposition.ts';
import type { Metrics } from './metrics.ts';
import { scrape, type ScrapeSources } from './scrape.ts';

export const METRICS_PATH = '/metrics';

const EXAMPLE = `# HELP taskmock_http_requests_total HTTP requests answered, by method, route pattern and status.
# TYPE taskmock_http_requests_total counter
taskmock_http_requests_total{method="GET",route="/tasks",status="200"} 1027
…
`;

export const metricsRoutes = (metrics: Metrics, sources: ScrapeSources) =>
  new Elysia({ name: 'taskmock/metrics' }).get(
    METRICS_PATH,
    () => new Response(scrape(metrics, sources), { headers: { 'content-type': EXPOSITION_CONTENT_TYPE } }),
    {
      detail: {
        summary: 'Prometheus metrics',
        description:
          'The Prometheus text exposition format (0.0.4): requests by route and status, request latency, open WebSockets, ' +
          'tasks by status, task transitions, commit durations, the journal size. Needs no key, like `/health`; ' +
          'labels name routes and statuses only, never a key, key name or workspace. See docs/metrics.md.',
        tags: ['system'],
        security: [],
        responses: {
          200: {
            description: 'Every metric, as Prometheus scrapes it.',
            content: { 'text/plain': { schema: { type: 'string' }, example: EXAMPLE } },
          },
        },
      },
    },
  );
