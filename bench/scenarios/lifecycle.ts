// Scenario 7: lifecycle throughput. Tasks are created while time stands (nearly) still, then the
// server is restarted on the same database at --time-scale 1000 so every workspace is due at once;
// transitions per second = 2 × tasks / (time all were seen completed − first start).
import { createTask, inParallel, listTasks, type TaskView } from '../lib/client.ts';
import { tempDir } from '../lib/proc.ts';
import { fmt, type Row } from '../lib/report.ts';
import { startTaskmock } from '../lib/servers.ts';
import type { ScenarioOptions } from './options.ts';

const KEY = 'bench';
const SWEEP_PAUSE_MS = 100;

interface Shape {
  workspaces: string[];
  tasksPerWorkspace: number;
}

const flags = (db: string, shape: Shape, timeScale: number) => ({
  db,
  timeScale,
  maxWorkspaces: shape.workspaces.length,
  maxWorkspaceTasks: shape.tasksPerWorkspace,
});

async function createAll(db: string, shape: Shape): Promise<void> {
  const server = await startTaskmock(flags(db, shape, 0.0001));
  try {
    const names = Array.from({ length: shape.tasksPerWorkspace }, (_, i) => `life ${i}`);
    await inParallel(shape.workspaces, 8, async (workspace) => {
      for (const name of names) await createTask(server.url, KEY, workspace, name);
    });
  } finally {
    await server.stop();
  }
}

/** Sweeps the unfinished workspaces until each lists only completed tasks; returns every task. */
async function awaitCompletion(url: string, workspaces: string[]): Promise<{ tasks: TaskView[]; doneAt: number }> {
  const finished: TaskView[] = [];
  let pending = workspaces;
  while (pending.length > 0) {
    const still: string[] = [];
    await inParallel(pending, 4, async (workspace) => {
      const tasks = await listTasks(url, KEY, workspace);
      if (tasks.every((task) => task.status === 'completed')) finished.push(...tasks);
      else still.push(workspace);
    });
    pending = still;
    if (pending.length > 0) await Bun.sleep(SWEEP_PAUSE_MS);
  }
  return { tasks: finished, doneAt: Date.now() };
}

export async function runLifecycle({ quick, note }: ScenarioOptions): Promise<Row[]> {
  const shape: Shape = {
    workspaces: Array.from({ length: quick ? 100 : 200 }, (_, i) => `life-${i}`),
    tasksPerWorkspace: quick ? 50 : 100,
  };
  const dir = tempDir('lifecycle');
  try {
    const db = `${dir.path}/life.sqlite`;
    await createAll(db, shape);
    const server = await startTaskmock(flags(db, shape, 1000));
    try {
      const { tasks, doneAt } = await awaitCompletion(server.url, shape.workspaces);
      const firstStart = Math.min(...tasks.map((task) => Date.parse(task.startedAt!)));
      const transitions = 2 * tasks.length;
      const perSecond = transitions / ((doneAt - firstStart) / 1000);
      note(
        `7. lifecycle: ${fmt(tasks.length)} gx.tiny tasks in ${shape.workspaces.length} workspaces, created at --time-scale 0.0001 and run after a restart at --time-scale 1000 (max 6 running per workspace); completion seen by sweeping GET /tasks every ${SWEEP_PAUSE_MS} ms, so the rate is a lower bound and includes that polling load.`,
      );
      return [
        {
          scenario: `7. lifecycle: transitions/s (${fmt(tasks.length)} tasks, ${shape.workspaces.length} workspaces)`,
          baseline: 'n/a',
          taskmock: `${fmt(perSecond)} /s (${fmt(transitions)} in ${fmt((doneAt - firstStart) / 1000, 2)} s)`,
          ratio: 'n/a',
          target: 'reported',
          met: 'n/a',
        },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    dir.remove();
  }
}
