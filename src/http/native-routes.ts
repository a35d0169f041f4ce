// What Bun's router answers in front of Elysia: the plain GET and POST /tasks (fast-list.ts,
// fast-create.ts) and, unless CORS is limited to configured origins (Elysia's CORS layer answers
// then), `/` and `/health` (fast-system.ts). No Elysia here: these answer while the app is not
// made, or not even loaded.
import type { WorkspaceRef } from '../domain/model.ts';
import type { AppDependencies } from './app.ts';
import { createFastCreate } from './fast-create.ts';
import { createFastList } from './fast-list.ts';
import { createFastSystem } from './fast-system.ts';

export type NativeDependencies = Omit<AppDependencies, 'plugins'>;

export function createNativeRoutes(deps: NativeDependencies, elysiaFetch: (request: Request) => Response | Promise<Response>) {
  const plain = {
    keyRing: deps.keyRing,
    service: deps.service,
    logger: deps.logger,
    corsOpenToAll: deps.config.corsOrigins.includes('*'),
    // A workspace under HTTP faults is answered by Elysia's route, where the fault layer sits.
    needsFullPipeline: deps.faults ? (ref: WorkspaceRef) => deps.faults!.forRequest(ref) !== null : undefined,
    recorder: deps.recorder,
    fallback: elysiaFetch,
  };
  const fastList = createFastList({ ...plain, metrics: deps.metrics?.route('GET', '/tasks') });
  const fastCreate = createFastCreate({
    ...plain,
    metrics: deps.metrics?.route('POST', '/tasks'),
    unexpected: (error) => deps.logger.error('unhandled error', { error: error instanceof Error ? error.stack : String(error) }),
  });
  const fastSystem = deps.config.corsOrigins.includes('*')
    ? createFastSystem({
        version: deps.version,
        logger: deps.logger,
        brokenWorkspaces: () => deps.liveCounts().brokenWorkspaces,
        metrics: deps.metrics && { index: deps.metrics.route('GET', '/'), health: deps.metrics.route('GET', '/health') },
      })
    : {};
  return { ...fastSystem, '/tasks': { GET: fastList, POST: fastCreate } };
}
