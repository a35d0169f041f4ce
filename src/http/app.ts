// Builds the Elysia app from already-made services. No listening, no process state: tests call
// `app.handle(request)` directly, main.ts listens.
import { Elysia } from 'elysia';
import type { KeyRing } from '../domain/keys.ts';
import type { Config } from '../config/config.ts';
import { cors } from './cors.ts';
import { httpErrors } from './http-errors.ts';
import type { Logger } from '../config/logger.ts';
import { requestLog } from './request-log.ts';
import { taskRoutes } from './task-routes.ts';
import { systemRoutes, type LiveCounts } from './system-routes.ts';
import type { TaskService } from '../domain/tasks.ts';

export interface AppDependencies {
  config: Config;
  service: TaskService;
  keyRing: KeyRing;
  logger: Logger;
  startedAt: Date;
  liveCounts: () => LiveCounts;
  version: string;
  /** Extra features (the live stream, the docs) mounted after the REST routes. */
  plugins?: readonly Elysia<any, any, any, any, any, any, any>[];
}

export function createApp(deps: AppDependencies) {
  let app = new Elysia({ name: 'taskmock' })
    .use(httpErrors(deps.logger))
    .use(cors(deps.config.corsOrigins))
    .use(requestLog(deps.logger))
    .use(systemRoutes({ startedAt: deps.startedAt, version: deps.version, liveCounts: deps.liveCounts }))
    .use(taskRoutes(deps));
  for (const plugin of deps.plugins ?? []) app = app.use(plugin) as typeof app;
  return app;
}
