// A tiny taskmock client for setting scenarios up (not for measuring): create tasks, read lists.

export interface TaskView {
  id: number;
  name: string;
  status: 'queued' | 'running' | 'completed';
  startedAt: string | null;
  completedAt: string | null;
}

export const tasksUrl = (base: string, key: string, workspace: string) =>
  `${base}/tasks?api_key=${encodeURIComponent(key)}&workspace_id=${encodeURIComponent(workspace)}`;

export async function createTask(
  base: string,
  key: string,
  workspace: string,
  name: string,
  type = 'gx.tiny',
): Promise<TaskView> {
  const response = await fetch(tasksUrl(base, key, workspace), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, type }),
  });
  if (!response.ok) throw new Error(`POST /tasks answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { task: TaskView }).task;
}

export async function listTasks(base: string, key: string, workspace: string): Promise<TaskView[]> {
  const response = await fetch(tasksUrl(base, key, workspace));
  if (!response.ok) throw new Error(`GET /tasks answered ${response.status}`);
  return ((await response.json()) as { tasks: TaskView[] }).tasks;
}

/** Runs `jobs` with at most `concurrency` in flight. */
export async function inParallel<T>(items: readonly T[], concurrency: number, job: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Waits until every task in the workspace is completed (polling; for set-up only). */
export async function waitAllCompleted(base: string, key: string, workspace: string, timeoutMs = 60_000): Promise<TaskView[]> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const tasks = await listTasks(base, key, workspace);
    if (tasks.every((task) => task.status === 'completed')) return tasks;
    await Bun.sleep(20);
  }
  throw new Error(`workspace ${workspace} did not complete within ${timeoutMs} ms`);
}
