// The scenarios in run order, by the names `--only` takes.
import type { Row } from '../lib/report.ts';
import { runGetTasks } from './get-tasks.ts';
import type { ScenarioOptions } from './options.ts';
import { runPostTasks } from './post-tasks.ts';

export interface Scenario {
  name: string;
  title: string;
  target: string;
  run(options: ScenarioOptions): Promise<Row[]>;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'get', title: '1. GET /tasks, 100 tasks', target: '≥ 0.80×', run: runGetTasks },
  { name: 'post', title: '2. POST /tasks, durable', target: '≥ 0.60×', run: runPostTasks },
];
