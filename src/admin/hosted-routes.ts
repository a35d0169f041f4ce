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

/**
 * The admin API's two writes. Each resolves only once committed, so no route can answer what a
 * crash could undo, and re-arms the expiry timer first (an expiry may now be due sooner).
 */
function keyWrites(keyRing: KeyRing, batch: CommitBatch, keysChanged: () => void) {
  return {
    async issue(name: string, body: unknown): Promise<ReturnType<KeyRing['issue']>> {
      const issued = keyRing.issue(name, body);
      keysChanged();
      await batch.committed();
      return issued;
    },
    async revoke(name: string): Promise<void> {
      keyRing.revoke(name);
      keysChanged();
      await batch.committed();
    },
  };
}

export type KeyWrites = ReturnType<typeof keyWrites>;

export function hostedRoutes({ config, keyRing, clock, batch, journal, version, keysChanged }: HostedRouteOptions) {
  const adminKey = config.adminKey;
  if (adminKey === undefined || !journal) return [];
  return [
    adminRoutes({ adminKey, keyRing, clock, keyWrites: keyWrites(keyRing, batch, keysChanged), journal }),
    reportRoutes({ adminKey, keyRing, clock, journal, version }),
  ];
}
