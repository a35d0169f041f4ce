// Hand-made journals for the report's unit tests: a script of events on a clock the test moves.
import type {
  JournalEvent,
  RequestEvent,
  SocketCloseEvent,
  SocketOpenEvent,
  SocketRefusedEvent,
  TaskEvent,
} from '../src/journal/events.ts';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

export function script(workspace = 'w', start = T0) {
  const events: JournalEvent[] = [];
  let now = start;
  let current = workspace;
  const push = <E extends JournalEvent>(event: Omit<E, 'id' | 'at' | 'workspace'> & { workspace?: string | null }): E => {
    const full = { workspace: current, ...event, id: events.length + 1, at: now } as unknown as E;
    events.push(full);
    return full;
  };
  const api = {
    events,
    now: () => now,
    wait(ms: number) {
      now += ms;
      return api;
    },
    in(name: string) {
      current = name;
      return api;
    },
    request(method: string, path: string, status: number, extra: Partial<RequestEvent> = {}) {
      return push<RequestEvent>({ kind: 'request', method, path, status, ms: 1, ...extra });
    },
    open() {
      return push<SocketOpenEvent>({ kind: 'socket.open' });
    },
    close(open: SocketOpenEvent, code: number, fault?: string) {
      return push<SocketCloseEvent>({
        kind: 'socket.close',
        opened: open.id,
        code,
        lifetimeMs: now - open.at,
        messages: 1,
        workspace: open.workspace,
        ...(fault && { fault }),
      });
    },
    refused(status: number, message: string, fault?: string) {
      return push<SocketRefusedEvent>({ kind: 'socket.refused', status, message, ...(fault && { fault }) });
    },
    task(transition: TaskEvent['transition'], task: number, extra: Partial<TaskEvent> = {}) {
      return push<TaskEvent>({ kind: 'task', transition, task, ...extra });
    },
    /** A create through POST /tasks: the task's event, then the answered request. */
    create(task: number, name: string, type = 'gx.tiny') {
      api.task('created', task, { name, type });
      return api.request('POST', '/tasks', 200);
    },
  };
  return api;
}
