// GET / and GET /health answered straight from Bun's router, like the plain GET /tasks
// (fast-list.ts): a CI job or an orchestrator polling /health while the server starts gets its
// first answer without waiting for Elysia to compose its router (≈6 ms of a start,
// docs/performance.md). Elysia's routes stay the definition: they are documented, they answer
// whenever CORS is limited to configured origins, and tests compare both answers.
import type { Logger } from '../config/logger.ts';
import type { RouteStats } from '../metrics/http-metrics.ts';
import { OPEN_CORS } from './cors-headers.ts';
import { health, indexPage } from './index-page.ts';

export interface FastSystemOptions {
  version: string;
  logger: Logger;
  /** Workspaces taken out of the schedule (a degraded /health). */
  brokenWorkspaces: () => number;
  metrics?: { index?: RouteStats; health?: RouteStats };
}

// Elysia's own spelling for a JSON answer, so both paths send the same bytes.
const HEALTH_HEADERS = { ...OPEN_CORS, 'content-type': 'application/json;charset=utf-8' };

/** Bun route handlers for `/` and `/health`, for a server whose CORS is open to every origin. */
export function createFastSystem({ version, logger, brokenWorkspaces, metrics }: FastSystemOptions) {
  const log = logger.enabled('info');
  const index = indexPage(version);
  const answered = (path: string, response: Response, began: number, stats: RouteStats | undefined): Response => {
    const elapsed = performance.now() - began;
    stats?.observe(response.status, elapsed / 1000);
    if (log) logger.request(`GET ${path}`, response.status, Math.round(elapsed * 10) / 10);
    return response;
  };
  return {
    '/': {
      GET: (request: Request): Response => answered('/', index.answer(request, OPEN_CORS), performance.now(), metrics?.index),
    },
    '/health': {
      GET: (): Response =>
        answered(
          '/health',
          new Response(JSON.stringify(health(brokenWorkspaces())), { headers: HEALTH_HEADERS }),
          performance.now(),
          metrics?.health,
        ),
    },
  };
}
