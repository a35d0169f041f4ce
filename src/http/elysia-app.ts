// Every Elysia route of a running taskmock, mounted on one app: the REST routes (app.ts), then
// control, faults, the stream's handshake, metrics, hosted mode's routes and pages, the docs.
// server.ts loads this module with `require` the first time the app is needed, so Elysia, TypeBox
// and the docs are evaluated after the first answers, not before (docs/performance.md).
import type { Database } from 'bun:sqlite';
import { adminBoard, type AdminBoardOptions } from '../admin/admin-board.ts';
import { hostedRoutes } from '../admin/hosted-routes.ts';
import { docs } from '../api-docs/docs.ts';
import { controlRoutes } from '../control/control-routes.ts';
import type { ControlService } from '../control/control-service.ts';
import type { Faults } from '../faults/faults.ts';
import { faultRoutes } from '../faults/routes.ts';
import type { Journal } from '../journal/writer.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { metricsRoutes } from '../metrics/routes.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import { createStatusTotals } from '../storage/status-totals.ts';
import { streamRoute } from '../stream/stream-route.ts';
import type { Handshake } from '../stream/stream.ts';
import { buildElysia, type AppDependencies } from './app.ts';

export interface ElysiaParts extends Omit<AppDependencies, 'plugins'> {
  db: Database;
  batch: CommitBatch;
  clock: Clock;
  control: ControlService;
  faultsFeature: Faults;
  metricsFeature: Metrics;
  journal: Journal | undefined;
  board: Omit<AdminBoardOptions, 'config' | 'version' | 'keyRing' | 'service' | 'control' | 'faults' | 'batch'>;
  stream: { handshake: (context: Handshake) => undefined; openCount: () => number };
  scheduledWorkspaces: () => number;
  keysChanged: () => void;
}

/** @public server.ts loads it with `require`, which knip does not follow. */
export function makeElysiaApp(parts: ElysiaParts) {
  const { config, keyRing, control, batch, version } = parts;
  const faults = parts.faultsFeature;
  return buildElysia({
    ...parts,
    plugins: () => [
      controlRoutes({ config, keyRing, control, recorder: parts.recorder }),
      faultRoutes({ config, keyRing, faults }),
      streamRoute(parts.stream.handshake),
      metricsRoutes(parts.metricsFeature, {
        version,
        openSockets: parts.stream.openCount,
        tasksByStatus: createStatusTotals(parts.db),
        scheduledWorkspaces: parts.scheduledWorkspaces,
        journalSize: parts.journal?.size,
      }),
      ...hostedRoutes({
        config,
        keyRing,
        clock: parts.clock,
        batch,
        journal: parts.journal,
        version,
        keysChanged: parts.keysChanged,
      }),
      ...adminBoard({ ...parts.board, config, version, keyRing, service: parts.service, control, faults }),
      docs({ version, config }),
    ],
  });
}
