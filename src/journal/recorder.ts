// Turns what the server does into journal events: requests (through the one after-response hook
// of request-log.ts), sockets (stream.ts) and task transitions (the store). The routes tag each
// request with the key that sent it, so the hook never identifies a key a second time.
import type { WorkspaceRef } from '../domain/model.ts';
import { STREAM_PATH } from '../domain/model.ts';
import type { TaskChange } from '../domain/changes.ts';
import type { RemovalCause } from '../storage/store.ts';
import type { TaskEvent } from './events.ts';
import type { Journal } from './writer.ts';

type Headers = Record<string, string | number | undefined>;
export type Recorder = ReturnType<typeof createRecorder>;

/** What a refused or failed answer said, when its body is the contract's `{"message"}`. */
function messageOf(response: unknown): string | undefined {
  const message = (response as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}

function headerOf(response: unknown, headers: Headers, name: string): string | undefined {
  const value = headers[name] ?? (response instanceof Response ? response.headers.get(name) : undefined);
  return value === undefined || value === null ? undefined : String(value);
}

/** A task written with this status has just made this transition. */
const PUT_TRANSITION: Record<string, TaskEvent['transition']> = {
  queued: 'created',
  running: 'started',
  completed: 'completed',
  failed: 'failed',
};

const journaledPath = (path: string) => path === '/tasks' || path.startsWith('/tasks/') || path.startsWith('/control');

export function createRecorder(journal: Journal) {
  const tags = new WeakMap<Request, WorkspaceRef>();

  /** Records a request from the key of `ref.keyHash`, about workspace `ref.workspaceId` (as given). */
  function answeredFor(
    ref: WorkspaceRef,
    request: Request,
    path: string,
    status: number,
    ms: number,
    headers: Headers,
    response: unknown,
  ): void {
    const origin = request.headers.get('origin') ?? undefined;
    const userAgent = request.headers.get('user-agent') ?? undefined;
    const workspace = ref.workspaceId.slice(0, 64);
    const message = status >= 400 ? messageOf(response) : undefined;
    if (path === STREAM_PATH) {
      const fault = headerOf(response, headers, 'x-taskmock-fault');
      if (status >= 400)
        journal.record(ref.keyHash, { kind: 'socket.refused', workspace, status, message, fault, origin, userAgent });
      return;
    }
    if (!journaledPath(path)) return;
    const retryAfter = headerOf(response, headers, 'retry-after');
    journal.record(ref.keyHash, {
      kind: 'request',
      workspace,
      method: request.method,
      path,
      status,
      ms,
      fault: headerOf(response, headers, 'x-taskmock-fault'),
      retryAfter: retryAfter === undefined ? undefined : Number(retryAfter),
      message,
      origin,
      userAgent,
    });
  }

  return {
    /** The request came from the key of `ref.keyHash`, about workspace `ref.workspaceId` (as given). */
    tag(request: Request, ref: WorkspaceRef): void {
      tags.set(request, ref);
    },

    /** Called once per answered request by the after-response hook. */
    answered(request: Request, path: string, status: number, ms: number, headers: Headers, response: unknown): void {
      const ref = tags.get(request);
      if (ref) answeredFor(ref, request, path, status, ms, headers, response);
    },

    /** The same, for an answer given in front of Elysia, which knows its ref without a tag. */
    answeredFor,

    /** A change being written (inside its transaction): one event per task it touches. */
    changed(ref: WorkspaceRef, changes: TaskChange[], removedBy: RemovalCause): void {
      for (const change of changes) {
        if (change.op === 'remove') {
          journal.record(ref.keyHash, { kind: 'task', workspace: ref.workspaceId, transition: removedBy, task: change.id });
          continue;
        }
        const { task } = change;
        const transition = PUT_TRANSITION[task.status] ?? 'completed';
        const created = transition === 'created';
        journal.record(ref.keyHash, {
          kind: 'task',
          workspace: ref.workspaceId,
          transition,
          task: task.id,
          name: created ? task.name : undefined,
          type: created ? task.type : undefined,
        });
      }
    },

    socketOpened(ref: WorkspaceRef, origin: string | undefined, userAgent: string | undefined, fault?: string): number {
      return journal.record(ref.keyHash, { kind: 'socket.open', workspace: ref.workspaceId, origin, userAgent, fault });
    },

    /** `fault`: `drop` when the fault layer cut the socket (§11), so a report can tell it from a client's close. */
    socketClosed(ref: WorkspaceRef, opened: number, lifetimeMs: number, code: number, messages: number, fault?: string): void {
      journal.record(ref.keyHash, {
        kind: 'socket.close',
        workspace: ref.workspaceId,
        opened,
        code,
        lifetimeMs,
        messages,
        fault,
      });
    },
  };
}
