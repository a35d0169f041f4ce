// The in-memory task list the bare baselines append to: the same JSON shape taskmock answers,
// with none of its rules, storage or scheduling.
export interface BareTask {
  id: number;
  name: string;
  type: string;
  status: 'queued';
  createdAt: string;
  startedAt: null;
  completedAt: null;
}

export function createTaskList() {
  const tasks: BareTask[] = [];
  return {
    tasks,
    /** Parses a create body and appends the task; null when the body is not an object. */
    append(body: unknown): BareTask | null {
      if (body === null || typeof body !== 'object') return null;
      const { name, type } = body as { name?: unknown; type?: unknown };
      const task: BareTask = {
        id: tasks.length + 1,
        name: String(name),
        type: String(type),
        status: 'queued',
        createdAt: new Date().toISOString(),
        startedAt: null,
        completedAt: null,
      };
      tasks.push(task);
      return task;
    },
  };
}
