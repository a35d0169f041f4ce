// The REST endpoints of the original API. Thin: identify the caller, call the task service,
// shape the HTTP answer. All rules live in tasks.ts, workspaces.ts and the scheduler.
import { Elysia, t } from 'elysia';
import type { KeyRing } from '../domain/keys.ts';
import { identifyWorkspace } from './caller.ts';
import type { Recorder } from '../journal/recorder.ts';
import { MAX_BODY_BYTES, parseCreateBody, RejectedBody } from './create-body.ts';
import { errors } from '../domain/errors.ts';
import { JSON_CONTENT_TYPE, MAX_NAME_LENGTH } from '../domain/model.ts';
import {
  API_KEY_SECURITY,
  CreateTaskBody,
  errorResponses,
  TaskBody,
  TaskIdParams,
  IF_NONE_MATCH_PARAMETER,
  NotModified,
  TaskListQuery,
  TaskListResponse,
  WorkspaceQuery,
} from './schemas.ts';
import type { TaskService } from '../domain/tasks.ts';
import type { HttpFaults } from '../faults/http-faults.ts';
import type { WorkspaceFaults } from '../faults/resolver.ts';
import type { WorkspaceRef } from '../domain/model.ts';
import type { ListedSnapshot } from '../storage/snapshots.ts';
import { blockingRead, noneMatchHits } from './versioned-reads.ts';

const JSON_HEADERS = { 'content-type': JSON_CONTENT_TYPE };

type SetHeaders = Record<string, string | number>;

/**
 * Moves the headers other hooks put in `set.headers` (CORS) into a Response's own. Elysia rebuilds
 * any returned Response whose `set.headers` is non-empty, re-reading its body as a stream: that
 * cost GET /tasks 40% of its throughput (`bun run bench`). Moving the headers in keeps the fast path.
 */
function takeSetHeaders(set: { headers: SetHeaders }, headers: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(set.headers)) {
    headers[name] = String(set.headers[name]);
    delete set.headers[name];
  }
  return headers;
}

/**
 * The GET /tasks answer with its `ETag`, or 304 with no body (CORS headers kept) when
 * `If-None-Match` names the current version.
 */
function listResponse(set: { headers: SetHeaders }, request: Request, listed: ListedSnapshot): Response {
  if (noneMatchHits(request.headers.get('if-none-match'), listed.etag)) {
    return new Response(null, { status: 304, headers: takeSetHeaders(set, { etag: listed.etag }) });
  }
  return new Response(listed.listBody, { headers: takeSetHeaders(set, { ...JSON_HEADERS, etag: listed.etag }) });
}

/** Bun cuts a connection idle for 10 s; a blocking read is allowed its wait plus this margin. */
const BLOCKING_READ_SLACK_S = 10;

const noContent = () => t.Void({ description: 'No content' });

const DOCS = { tags: ['tasks'], security: API_KEY_SECURITY };
const KEY_ERRORS = [errors.invalidWorkspaceId(), errors.forbidden()];

interface ListRequest {
  workspace: WorkspaceRef;
  set: unknown;
  query: Record<string, string | undefined>;
  request: Request;
  server: { timeout(request: Request, seconds: number): void } | null;
}

/** GET /tasks: the list now, or once it changes (blocking read). */
function answerList(service: TaskService, { workspace, set, query, request, server }: ListRequest): Response | Promise<Response> {
  const answer = (listed: ListedSnapshot) => listResponse(set as { headers: SetHeaders }, request, listed);
  const blocking = blockingRead(query);
  if (blocking) {
    server?.timeout(request, Math.ceil(blocking.waitMs / 1000) + BLOCKING_READ_SLACK_S);
    return service.listedAfter(workspace, blocking.index, blocking.waitMs).then(answer);
  }
  const listed = service.listed(workspace);
  return listed instanceof Promise ? listed.then(answer) : answer(listed);
}

export interface TaskRouteDependencies {
  service: TaskService;
  keyRing: KeyRing;
  /** The fault layer (§11); without it nothing is ever faulted. */
  faults?: HttpFaults;
  /** Hosted mode's journal of requests (SPEC §13). */
  recorder?: Recorder;
}

export function taskRoutes({ service, keyRing, faults, recorder }: TaskRouteDependencies) {
  // Faults are drawn only for requests that reach a handler: a request refused for its key,
  // workspace id or body is the client's own bug, answered at once and never hidden by a fault.
  const faulted = <T>(fault: WorkspaceFaults, request: Request, set: unknown, run: () => T | Promise<T>) =>
    faults!.around(fault, { request, set: set as { headers: SetHeaders } }, run);
  return new Elysia({ name: 'taskmock/tasks' })
    .derive(({ query, request, body }) => {
      const seen = recorder && ((ref: WorkspaceRef) => recorder.tag(request, ref));
      const workspace = identifyWorkspace(keyRing, query, (name) => request.headers.get(name), request.url, seen);
      if (body instanceof RejectedBody) throw body.error;
      // Two cheap tests while no profile is in force anywhere (faults/resolver.ts).
      const fault = faults ? faults.forRequest(workspace) : null;
      return { workspace, fault };
    })
    .get(
      '/tasks',
      ({ workspace, fault, set, query, request, server }): Response | Promise<Response> => {
        const list: ListRequest = { workspace, set, query, request, server };
        if (fault) return faulted(fault, request, set, () => answerList(service, list));
        return answerList(service, list);
      },
      {
        query: TaskListQuery,
        response: {
          200: TaskListResponse,
          304: NotModified,
          ...errorResponses(...KEY_ERRORS, errors.invalidIndex(), errors.invalidWait()),
        },
        detail: {
          ...DOCS,
          summary: "List the workspace's tasks",
          description: [
            'Ordered by id ascending, with the workspace\'s `version` (also the `ETag` header, e.g. `"12"`). ',
            'A workspace that does not exist reads as an empty list at version 0 and is not created.\n\n',
            '**Conditional read:** send `If-None-Match: "12"` (a list of tags, `W/` and `*` accepted); while ',
            'the version is still 12 the answer is `304 Not Modified` with no body.\n\n',
            "**Blocking read** (as Consul's): `?index=12&wait=30s` answers at once when the version is not 12, ",
            'otherwise as soon as the workspace changes, or after `wait` with the same version. Loop on it to ',
            'wait for a state without polling: `index` = the last `version` you got.',
          ].join(''),
          // Documented, not declared as a header schema: Elysia would then copy every request's headers.
          'x-header-parameters': [IF_NONE_MATCH_PARAMETER],
        },
      },
    )
    .post(
      '/tasks',
      ({ workspace, body, fault, request, set }) => {
        const create = async () => ({ task: await service.create(workspace, body) });
        return fault ? faulted(fault, request, set, create) : create();
      },
      {
        parse: parseCreateBody,
        query: WorkspaceQuery,
        body: CreateTaskBody,
        response: {
          200: TaskBody,
          ...errorResponses(
            ...KEY_ERRORS,
            errors.invalidBody(),
            errors.nameRequired(),
            errors.nameTooLong(MAX_NAME_LENGTH),
            errors.invalidTaskType(),
            errors.bodyTooLarge(MAX_BODY_BYTES),
            errors.tooManyWorkspaces(),
            errors.tooManyTasks(),
          ),
        },
        detail: {
          ...DOCS,
          summary: 'Create a task',
          description: 'The task starts `queued`; the scheduler starts it at the earliest 1 s later (divided by TIME_SCALE).',
        },
      },
    )
    .post(
      '/tasks/flush',
      ({ workspace, fault, request, set }) => {
        const flush = async () => {
          await service.flush(workspace);
          set.status = 204;
        };
        return fault ? faulted(fault, request, set, flush) : flush();
      },
      {
        query: WorkspaceQuery,
        response: { 204: noContent(), ...errorResponses(...KEY_ERRORS) },
        detail: {
          ...DOCS,
          summary: 'Remove every dispatched task',
          description:
            'Deletes running and completed tasks; running ones are cancelled and free their slots at once. Queued tasks stay.',
        },
      },
    )
    .delete(
      '/tasks/:id',
      ({ workspace, params, fault, request, set }) => {
        const remove = async () => {
          await service.delete(workspace, Number(params.id));
          set.status = 204;
        };
        return fault ? faulted(fault, request, set, remove) : remove();
      },
      {
        query: WorkspaceQuery,
        params: TaskIdParams,
        response: { 204: noContent(), ...errorResponses(...KEY_ERRORS, errors.invalidTaskId(), errors.taskNotFound()) },
        detail: {
          ...DOCS,
          summary: 'Delete a queued task',
          description: 'Only a task that is still queued can be deleted; once dispatched it answers 404.',
        },
      },
    );
}
