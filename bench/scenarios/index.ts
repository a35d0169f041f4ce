// The scenarios in run order, by the names `--only` takes.
import type { Row } from '../lib/report.ts';
import { runFanout } from './fanout.ts';
import { runFeatureCosts } from './feature-costs.ts';
import { runGetTasks } from './get-tasks.ts';
import { runIdle } from './idle.ts';
import { runLifecycle } from './lifecycle.ts';
import type { ScenarioOptions } from './options.ts';
import { runPostSpread } from './post-spread.ts';
import { runPostTasks } from './post-tasks.ts';
import { runStartup } from './startup.ts';
import { runVersions } from './versions.ts';
import { runWsMemory } from './ws-memory.ts';

export interface Scenario {
  name: string;
  title: string;
  target: string;
  run(options: ScenarioOptions): Promise<Row[]>;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'get', title: '1. GET /tasks, 100 tasks', target: '≥ 0.80×', run: runGetTasks },
  { name: 'post', title: '2. POST /tasks, durable', target: '≥ 0.60×', run: runPostTasks },
  { name: 'spread', title: '2b. POST /tasks over 1,000 workspaces', target: '≥ 0.60×', run: runPostSpread },
  { name: 'fanout', title: '3. fan-out to 1,000 subscribers', target: 'p99 ≤ 20 ms', run: runFanout },
  { name: 'idle', title: '4. idle CPU, 10,000 workspaces', target: 'no measurable difference', run: runIdle },
  { name: 'startup', title: '5. compiled binary start-up and RSS', target: '≤ 3×, ≤ 100 ms; RSS ≤ 2×', run: runStartup },
  { name: 'wsmem', title: '6. memory per open WebSocket', target: '≤ 2×', run: runWsMemory },
  { name: 'lifecycle', title: '7. lifecycle throughput', target: 'reported', run: runLifecycle },
  {
    name: 'versions',
    title: '8. versions: patch bytes, parked blocking readers',
    target: '< 1 KiB; no idle CPU; ≤ 5 ms',
    run: runVersions,
  },
  { name: 'costs', title: '9. journal on, faults off', target: '≥ 0.90×', run: runFeatureCosts },
];
