// Property (SPEC §12): whatever the sequence of creates, deletes, flushes, clock steps and
// reconnects, a `patch` client that resumes with `since` always holds exactly what GET /tasks
// answers for its version, and the versions any client sees strictly increase. Real server on
// port 0, real sockets, manual clock; fast-check with a fixed seed (FC_SEED overrides it).
import { afterEach, expect, test } from 'bun:test';
import fc from 'fast-check';
import { seededRandom } from '../src/domain/random.ts';
import { ManualClock } from '../src/scheduler/clock.ts';
import { startTaskmock, type RunningTaskmock } from '../src/server.ts';
import { TASK_TYPES, type Task } from '../src/domain/model.ts';
import { silentLogger, testConfig } from './helpers.ts';
import { VersionedClient } from './versioned-client.ts';

type Change =
  | { kind: 'create'; type: (typeof TASK_TYPES)[number]; count: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'flush' }
  | { kind: 'advance'; ms: number };

type Step =
  | Change
  /** Disconnect, let these changes happen, reconnect with `since` = the version held. */
  | { kind: 'resume'; during: Change[] }
  /** Close and reconnect at once with `since` (nothing missed). */
  | { kind: 'reconnect' }
  /** Another patch client, with no since. */
  | { kind: 'fresh' };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    type: fc.constantFrom(...TASK_TYPES),
    count: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(20) }),
  fc.constant({ kind: 'flush' as const }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 6000 }) }),
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: change, weight: 4 },
  {
    arbitrary: fc.record({ kind: fc.constant('resume' as const), during: fc.array(change, { minLength: 1, maxLength: 3 }) }),
    weight: 3,
  },
  { arbitrary: fc.constant({ kind: 'reconnect' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'fresh' as const }), weight: 1 },
);

const open: { server?: RunningTaskmock; clients: VersionedClient[] } = { clients: [] };
afterEach(async () => {
  for (const client of open.clients.splice(0)) await client.close();
  await open.server?.shutdown();
  open.server = undefined;
});

class World {
  readonly clock = new ManualClock();
  readonly server: RunningTaskmock;
  readonly ref;
  patch: VersionedClient;
  /** The client whose state the next resume carries on. */
  held: VersionedClient;

  constructor() {
    const config = testConfig(['--port', '0', '--host', '127.0.0.1', '--max-running-workspace-tasks', '2']);
    this.server = startTaskmock(config, { clock: this.clock, random: seededRandom('property'), logger: silentLogger });
    open.server = this.server;
    this.ref = { keyHash: this.server.keyRing.identify('demo')!, workspaceId: 'default' };
    this.patch = this.connect('format=patch');
    this.held = this.patch;
  }

  connect(query: string, previous?: VersionedClient): VersionedClient {
    const client = new VersionedClient(`${this.server.url.replace(/^http/, 'ws')}/ws/tasks?api_key=demo&${query}`, previous);
    open.clients.push(client);
    return client;
  }

  async truth(): Promise<{ tasks: Task[]; version: number }> {
    await this.server.batch.committed();
    return (await fetch(`${this.server.url}/tasks?api_key=demo`)).json() as Promise<{ tasks: Task[]; version: number }>;
  }

  async apply(action: Step, tasks: Task[]): Promise<void> {
    if (action.kind === 'resume') {
      await this.patch?.close();
      for (const during of action.during) await this.change(during, (await this.truth()).tasks);
      this.resume();
    } else if (action.kind === 'reconnect') {
      await this.patch?.close();
      this.resume();
    } else if (action.kind === 'fresh') {
      await this.connect('format=patch').opened;
    } else {
      await this.change(action, tasks);
    }
  }

  resume(): void {
    this.patch = this.connect(`format=patch&since=${this.held.version}`, this.held);
    this.held = this.patch;
  }

  async change(action: Change, tasks: Task[]): Promise<void> {
    const { service } = this.server;
    if (action.kind === 'create') {
      await Promise.all(Array.from({ length: action.count }, () => service.create(this.ref, { name: 'p', type: action.type })));
    } else if (action.kind === 'delete') {
      // A 404 (already dispatched, or no task at all) is one of the cases: it changes nothing.
      await Promise.resolve()
        .then(() => service.delete(this.ref, tasks[action.pick % Math.max(1, tasks.length)]?.id ?? 1))
        .catch(() => undefined);
    } else if (action.kind === 'flush') {
      await service.flush(this.ref);
    } else {
      this.clock.advance(action.ms);
    }
  }

  /** Every open client catches up to GET /tasks's version and then holds exactly its list. */
  async check(): Promise<void> {
    const truth = await this.truth();
    for (const client of open.clients.filter((c) => c.socket.readyState <= WebSocket.OPEN)) {
      await client.reach(truth.version);
      expect(client.failure).toBeUndefined();
      expect({ version: client.version, tasks: client.tasks }).toEqual(truth);
    }
  }
}

async function run(steps: Step[]): Promise<void> {
  const world = new World();
  try {
    await world.check();
    for (const action of steps) {
      await world.apply(action, (await world.truth()).tasks);
      await world.check();
    }
    for (const client of open.clients) {
      for (let i = 1; i < client.seen.length; i++) expect(client.seen[i]!).toBeGreaterThan(client.seen[i - 1]!);
    }
  } finally {
    for (const client of open.clients.splice(0)) await client.close();
    await world.server.shutdown();
    open.server = undefined;
  }
}

/** Shrunk counterexamples found on the way, kept so they always run. */
const REGRESSIONS: Step[][] = [
  // A 404 delete threw synchronously out of the step (the harness, not the server, was wrong).
  [{ kind: 'delete', pick: 0 }],
  // Resuming across one create, then a flush: caught a history that skipped the first missed change.
  [{ kind: 'resume', during: [{ kind: 'create', type: 'gx.tiny', count: 1 }] }, { kind: 'flush' }],
];

test('a patch client resuming with since always holds GET /tasks for its version', async () => {
  await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), run), {
    examples: REGRESSIONS.map((steps) => [steps]),
    numRuns: 25,
    seed: Number(process.env.FC_SEED ?? 20261201),
  });
}, 60_000);
