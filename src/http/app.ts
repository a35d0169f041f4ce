// Builds the Elysia app from already-made services. No listening, no process state: tests call
// `app.handle(request)` directly, main.ts listens. server.ts loads this module (and Elysia) only
// when the app is first needed; Bun's router answers before that (native-routes.ts).
import { Elysia } from 'elysia';
import type { KeyRing } from '../domain/keys.ts';
import type { Config } from '../config/config.ts';
import { cors } from './cors.ts';
import { createNativeRoutes } from './native-routes.ts';
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

/** The Bun-router answers and the Elysia app (made on first use), as server.ts wires them. */
export function createApp(deps: AppDependencies) {
  let built: ReturnType<typeof buildElysia> | undefined;
  const elysia = () => (built ??= buildElysia(deps));
  return {
    /** The Elysia app, made the first time it is asked for. */
    get app() {
      return elysia();
    },
    native: createNativeRoutes(deps, (request) => elysia().fetch(request)),
  };
}

export function buildElysia(deps: AppDependencies) {
  // Elysia by default finds a URL's path from its 11th character on, assuming a host of four or
  // more; a proxy or container network may call this server `api` or `x`.
  let app = new Elysia({ name: 'taskmock', handler: { standardHostname: false } })
    .use(httpErrors(deps.logger))
    .use(cors(deps.config.corsOrigins))
    .use(requestLog(deps.logger, deps.recorder, deps.metrics))
    .use(systemRoutes({ startedAt: deps.startedAt, version: deps.version, liveCounts: deps.liveCounts, config: deps.config }))
    .use(taskRoutes(deps));
  for (const plugin of deps.plugins?.() ?? []) app = app.use(plugin) as typeof app;
  return app;
}
