// Hosted mode's routes (SPEC §13): the admin API and the behaviour report, or none without
// ADMIN_KEY (every /admin route is then an unknown route).
import type { Config } from '../config/config.ts';
import type { KeyRing } from '../domain/keys.ts';
import type { Journal } from '../journal/writer.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import { reportRoutes } from './report-routes.ts';
import { adminRoutes } from './routes.ts';

export interface HostedRouteOptions {
  config: Config;
  keyRing: KeyRing;
  clock: Clock;
  batch: CommitBatch;
  journal: Journal | undefined;
  /** The program's version, shown on the report page. */
  version: string;
  /** Called after keys changed (an expiry may now be due sooner). */
  keysChanged: () => void;
}

export function hostedRoutes({ config, keyRing, clock, batch, journal, version, keysChanged }: HostedRouteOptions) {
  const adminKey = config.adminKey;
  if (adminKey === undefined || !journal) return [];
  return [
    adminRoutes({ adminKey, keyRing, clock, keysChanged, committed: batch.committed, journal }),
    reportRoutes({ adminKey, keyRing, clock, journal, version }),
  ];
}
