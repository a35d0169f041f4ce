// Wires config, database, domain and HTTP into one running taskmock, and takes it down again.
// Tests use this with an injected clock, random source and logger; main.ts with the real ones.
import type { Server } from 'bun';
import packageJson from '../package.json' with { type: 'json' };
import { serveApp } from './http/serve.ts';
import { createNativeRoutes } from './http/native-routes.ts';
// Loaded with `require` when the app is first needed (see buildTaskmock): a type here, nothing more.
type ElysiaAppModule = typeof import('./http/elysia-app.ts');
import { createControlService } from './control/control-service.ts';
import type { WorkspaceRef } from './domain/model.ts';
import { createKeyRing } from './domain/keys.ts';
import { createBlockingReads } from './domain/blocking-reads.ts';
import { watchExpiries } from './domain/key-expiry.ts';
import { createHosted } from './admin/hosted.ts';
import { createKeyTable } from './storage/key-table.ts';
import { createChangeFeed } from './domain/changes.ts';
import { systemClock, type Clock } from './scheduler/clock.ts';
import { displayedHost } from './config/address.ts';
import type { Config } from './config/config.ts';
import { openDatabase, readingAtStart } from './storage/database.ts';
import { createLogger, type Logger } from './config/logger.ts';
import { seededRandom, unseededRandom, type RandomSource } from './domain/random.ts';
import { createScheduler } from './scheduler/scheduler.ts';
import { createWorkspaceClocks } from './scheduler/workspace-clocks.ts';
import { createSnapshots } from './storage/snapshots.ts';
import { createCommitBatch, LATE_WAKE_MS } from './storage/commit-batch.ts';
import { createDatabaseHealth } from './storage/database-health.ts';
import { missingDatabaseFiles, removeFiles } from './storage/new-files.ts';
import { createStore } from './storage/store.ts';
import { logTransitions, notePlannedRun } from './scheduler/transition-log.ts';
import { createChangeHistory } from './stream/history.ts';
import { createLiveStream } from './stream/stream.ts';
import { createTaskService } from './domain/tasks.ts';
import { createWorkspaces } from './domain/workspaces.ts';
import { createFaults } from './faults/faults.ts';
import { checkKeyFaults } from './faults/key-profiles.ts';
import { createMetrics } from './metrics/metrics.ts';

export const VERSION: string = packageJson.version;

export interface BuildOptions {
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
}

export type Taskmock = ReturnType<typeof buildTaskmock>;

/** Everything but the listening socket: the app can be driven with `app.handle(request)`. */
export function buildTaskmock(config: Config, options: BuildOptions = {}) {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const source = options.random ?? (config.seed === undefined ? unseededRandom : seededRandom(config.seed));
  const db = openDatabase(config.databasePath);
  const batch = createCommitBatch(db);
  // Listeners hear of a change only once it is committed (see commit-batch.ts); the store is the
  // one announcer, with each change's version and contents.
  const changes = createChangeFeed(batch.afterCommit);
  const metrics = createMetrics({ batch, changes });
  const store = readingAtStart(db, config.databasePath, () => createStore(db, batch, changes));
  const snapshots = createSnapshots({ store, changes, batch });
  const blockingReads = createBlockingReads({ changes });
  const keyTable = createKeyTable(db, batch);
  const keyRing = createKeyRing({
    store: keyTable,
    configured: config.apiKeys,
    serverLimits: config,
    clock,
    onDirty: batch.wakeLate,
    checkFaults: checkKeyFaults,
  });
  // Key counters (last seen, requests) go with a commit at most every LATE_WAKE_MS: creates spread
  // over 250 keys otherwise rewrote a dozen key rows in every commit (docs/performance.md).
  let countersSavedAt = Number.NEGATIVE_INFINITY;
  batch.beforeEveryCommit(() => {
    if (performance.now() - countersSavedAt < LATE_WAKE_MS) return void (keyRing.hasDirty() && batch.wakeLate());
    countersSavedAt = performance.now();
    keyTable.saveCounters(keyRing.takeDirty());
  });
  const random: typeof source = (draw) => source(keyRing.stableDrawName(draw));
  const limitsFor = keyRing.limitsFor;
  const workspaces = createWorkspaces({ store, maxWorkspacesFor: (keyHash) => limitsFor(keyHash).maxWorkspaces });
  const databaseHealth = createDatabaseHealth();
  /** A workspace whose rows threw or contradict each other: counted for /health, named in the log. */
  const brokenWorkspace = (consequence: string) => (ref: WorkspaceRef, reason: string) => {
    databaseHealth.workspaceBroken(ref);
    logger.error(
      `workspace "${ref.workspaceId}" (key ${ref.keyHash.slice(0, 12)}…) ${consequence}: ${reason}. ` +
        'The database needs attention: stop the server and run taskmock check --db FILE (docs/reliability.md)',
    );
  };
  const clocks = createWorkspaceClocks({ store, clock, timeScale: config.timeScale });
  const faults = createFaults({ config, random, db, batch, keyFaults: keyRing });
  const plannedRuns = logTransitions(changes, logger);
  const scheduler = createScheduler({
    onStart: (ref, start) => notePlannedRun(plannedRuns, ref, start),
    store,
    clock,
    random,
    clocks,
    failureOf: faults.tasks.failureOf,
    maxRunningPerWorkspace: config.maxRunningWorkspaceTasks,
    runningCapFor: (keyHash) => limitsFor(keyHash).maxRunningWorkspaceTasks,
    onBroken: brokenWorkspace('is no longer scheduled'),
  });
  const service = createTaskService({
    store,
    batch,
    snapshots,
    scheduler,
    workspaces,
    blockingReads,
    clocks,
    maxWorkspaceTasksFor: (keyHash) => limitsFor(keyHash).maxWorkspaceTasks,
  });
  // Features that keep per-workspace state (faults) register here to be put back on a reset.
  const resetHooks: ((ref: WorkspaceRef) => void)[] = [faults.clearWorkspaceProfile];
  const control = createControlService({
    store,
    batch,
    scheduler,
    clocks,
    workspaces,
    random,
    maxWorkspaceTasks: config.maxWorkspaceTasks,
    onReset: resetHooks,
    onKeyReset: [faults.clearKeyProfiles],
  });
  const history = createChangeHistory({ changes });
  const hosted = createHosted({ config, db, batch, keyRing, store, clock });
  const stream = createLiveStream({
    keyRing,
    history,
    workspaces,
    snapshots,
    changes,
    streamResendMs: config.streamResendMs,
    logger,
    batch,
    faults: faults.stream,
    recorder: hosted.recorder,
    onOpened: metrics.socketOpened,
    onBroken: brokenWorkspace('cannot be read: its sockets were closed with 1011'),
  });
  keyRing.onEnded((keyHash) => stream.closeKey(keyHash));
  const expiries = watchExpiries(keyRing, clock);
  const appDependencies = {
    faults: faults.http,
    config,
    service,
    keyRing,
    logger,
    recorder: hosted.recorder,
    metrics: metrics.http,
    startedAt: new Date(clock.now()),
    version: VERSION,
    liveCounts: () => ({
      openSockets: stream.openCount(),
      scheduledWorkspaces: scheduler.activeWorkspaces(),
      brokenWorkspaces: databaseHealth.brokenWorkspaces(),
    }),
  };
  // The Elysia app is made, and its module (with Elysia, TypeBox and the docs) evaluated, the
  // first time it is needed: Bun's router answers `/`, `/health` and the plain GET /tasks before
  // that, so a start answers without waiting for either (docs/performance.md).
  let elysia: ReturnType<ElysiaAppModule['makeElysiaApp']> | undefined;
  const app = () =>
    (elysia ??= (require('./http/elysia-app.ts') as ElysiaAppModule).makeElysiaApp({
      ...appDependencies,
      db,
      batch,
      clock,
      control,
      faultsFeature: faults,
      metricsFeature: metrics,
      journal: hosted.journal,
      board: { store, workspaces },
      stream,
      scheduledWorkspaces: scheduler.activeWorkspaces,
      keysChanged: expiries.rearm,
    }));
  const nativeRoutes = createNativeRoutes(appDependencies, (request) => app().fetch(request));
  // A failed commit (disk full, I/O error) was rolled back: rebuild what memory had built on it.
  batch.onRollback(() => {
    logger.error('a commit failed and was rolled back; the affected requests were answered 503 (storage full) or 500');
    snapshots.clear();
    clocks.clear();
    scheduler.rebuild();
  });
  readingAtStart(db, config.databasePath, () => scheduler.start());

  return {
    /** The Elysia app (made on first use: tests drive it with `app.handle(request)`). */
    get app() {
      return app();
    },
    /** Answered by Bun's router before Elysia (native-routes.ts). */
    nativeRoutes,
    config,
    /** The connection itself, for tests that make a commit fail; the app never needs it. */
    db,
    store,
    batch,
    scheduler,
    service,
    control,
    resetHooks,
    clocks,
    workspaces,
    changes,
    snapshots,
    blockingReads,
    keyRing,
    keyTable,
    journal: hosted.journal,
    logger,
    stream,
    faults,
    /** Stops the scheduler, commits what is pending and closes the database. */
    close(): void {
      scheduler.stop();
      expiries.stop();
      // The last commit writes the counters whenever they were last written, and every
      // workspace's exact version (a restart then goes on from it, with no jump).
      countersSavedAt = Number.NEGATIVE_INFINITY;
      store.storeCountersExactly();
      batch.close();
      db.close();
    },
  };
}

/** The address could not be bound: `inUse` when another program holds the port. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  readonly inUse: boolean;
  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as { code?: string } | null)?.code;
    const inUse = code === 'EADDRINUSE' || /address.*in use|EADDRINUSE/i.test(String(cause));
    super(
      inUse
        ? `port ${port} on ${host} is already in use (set PORT or --port)`
        : `could not listen on ${host}:${port} (HOST / --host, PORT / --port): ${(cause as Error)?.message ?? cause}`,
    );
    this.inUse = inUse;
  }
}

export interface RunningTaskmock extends Taskmock {
  server: Server<unknown>;
  url: string;
  /** The database files this start created (for a start that fails after listening). */
  createdFiles: readonly string[];
  /** Stop accepting, close every socket, close the database. */
  shutdown(): Promise<void>;
}

/** When, after listening, the Elysia app is made if no request has needed it yet. */
const ELYSIA_AFTER_START_MS = 50;

/** How long shutdown waits for answers in flight; main.ts exits anyway after 5 s in all. */
const SHUTDOWN_ANSWER_MS = 2_000;

/** Resolves once Bun has no request in flight any more, or after `limitMs`. */
async function answersSent(server: Server<unknown>, limitMs = 1_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (server.pendingRequests > 0 && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
}

/** Builds and listens. A busy port is an error, never a second server sharing it. */
export function startTaskmock(config: Config, options: BuildOptions = {}): RunningTaskmock {
  // Noted before opening: a failed open removes nothing (the file may be another server's).
  const createdFiles = missingDatabaseFiles(config.databasePath);
  const taskmock = buildTaskmock(config, options);
  let server: Server<unknown>;
  try {
    server = serveApp(() => taskmock.app, {
      port: config.port,
      hostname: config.host,
      native: taskmock.nativeRoutes,
      websocket: taskmock.stream.websocket,
    });
  } catch (error) {
    taskmock.close();
    // We held the file's exclusive lock until this close: what we created is ours to remove.
    removeFiles(createdFiles);
    throw new ListenError(config.host, config.port, error);
  }
  taskmock.stream.attach(server);
  // Made once the first answers are out, in the idle time after a start (or by the first request
  // that needs it, if that comes first).
  const makeElysia = setTimeout(() => taskmock.app, ELYSIA_AFTER_START_MS).unref();
  // Assigned, not spread: spreading would read `app` now and make it before the first answer.
  return Object.assign(taskmock, {
    server,
    url: `http://${displayedHost(config.host)}:${server.port}`,
    createdFiles,
    async shutdown() {
      clearTimeout(makeElysia);
      // Stop accepting first: `stop(false)` closes the listener but lets requests in flight finish,
      // and closes each keep-alive connection once its answer is out, so a client either gets its
      // whole answer or a refused connection, never a reset on a create that was committed.
      const stopped = server.stop(false);
      // Parked blocking readers get the current list, and their answers go out, before the stop.
      taskmock.blockingReads.releaseAll();
      await answersSent(server, SHUTDOWN_ANSWER_MS);
      // Whatever timers wrote meanwhile is committed (and so announced); then sockets get the last
      // list and a proper 1001 close frame before the connections and the database go away.
      taskmock.batch.commitNow();
      await taskmock.stream.closeAll();
      await Promise.race([stopped, Bun.sleep(SHUTDOWN_ANSWER_MS)]);
      await server.stop(true);
      taskmock.close();
    },
  });
}
