// Builds the Elysia app from already-made services. No listening, no process state: tests call
// `app.handle(request)` directly, main.ts listens.
import { Elysia } from 'elysia';
import type { KeyRing } from '../domain/keys.ts';
import type { Config } from '../config/config.ts';
import { cors } from './cors.ts';
import { createFastList } from './fast-list.ts';
import { createFastSystem } from './fast-system.ts';
import { httpErrors } from './http-errors.ts';
import type { Logger } from '../config/logger.ts';
import { requestLog } from './request-log.ts';
import type { Recorder } from '../journal/recorder.ts';
import { taskRoutes } from './task-routes.ts';
import { systemRoutes, type LiveCounts } from './system-routes.ts';
import type { TaskService } from '../domain/tasks.ts';
import type { HttpFaults } from '../faults/http-faults.ts';
import type { HttpMetrics } from '../metrics/http-metrics.ts';

export interface AppDependencies {
  config: Config;
  service: TaskService;
  keyRing: KeyRing;
  logger: Logger;
  /** Hosted mode's journal of requests (SPEC §13). */
  recorder?: Recorder;
  startedAt: Date;
  liveCounts: () => LiveCounts;
  version: string;
  /** The fault layer around the task routes (§11). */
  faults?: HttpFaults;
  /** Requests counted for /metrics. */
  metrics?: HttpMetrics;
  /** Extra features (the live stream, the docs) mounted after the REST routes; made with the app. */
  plugins?: () => readonly Elysia<any, any, any, any, any, any, any>[];
}

export function createApp(deps: AppDependencies) {
  // Bun's router answers the plain GET /tasks before Elysia sees it (fast-list.ts); Elysia's own
  // route, registered below, answers everything else and is what `app.handle` drives in tests.
  const fastList = createFastList({
    keyRing: deps.keyRing,
    service: deps.service,
    logger: deps.logger,
    corsOpenToAll: deps.config.corsOrigins.includes('*'),
    // A workspace under HTTP faults is answered by Elysia's route, where the fault layer sits.
    needsFullPipeline: deps.faults ? (ref) => deps.faults!.forRequest(ref) !== null : undefined,
    recorder: deps.recorder,
    metrics: deps.metrics?.route('GET', '/tasks'),
    fallback: (request) => elysia().fetch(request),
  });
  // Made on first use: until then Bun's router answers `/`, `/health` and the plain GET /tasks,
  // and a start does not wait for Elysia to register some sixty routes (docs/performance.md).
  let built: ReturnType<typeof buildElysia> | undefined;
  const elysia = () => (built ??= buildElysia(deps));
  // `/` and `/health` too, unless CORS is limited to configured origins (Elysia's CORS layer answers then).
  const fastSystem = deps.config.corsOrigins.includes('*')
    ? createFastSystem({
        version: deps.version,
        logger: deps.logger,
        brokenWorkspaces: () => deps.liveCounts().brokenWorkspaces,
        metrics: deps.metrics && { index: deps.metrics.route('GET', '/'), health: deps.metrics.route('GET', '/health') },
      })
    : {};
  return {
    /** The Elysia app, made the first time it is asked for. */
    get app() {
      return elysia();
    },
    native: { ...fastSystem, '/tasks': { GET: fastList } },
  };
}

function buildElysia(deps: AppDependencies) {
  let app = new Elysia({ name: 'taskmock' })
    .use(httpErrors(deps.logger))
    .use(cors(deps.config.corsOrigins))
    .use(requestLog(deps.logger, deps.recorder, deps.metrics))
    .use(systemRoutes({ startedAt: deps.startedAt, version: deps.version, liveCounts: deps.liveCounts, config: deps.config }))
    .use(taskRoutes(deps));
  for (const plugin of deps.plugins?.() ?? []) app = app.use(plugin) as typeof app;
  return app;
}
