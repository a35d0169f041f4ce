// The /control routes (SPEC §10). Thin: identify the caller as /tasks does, check CONTROL, call the
// control service. With CONTROL=off none of them exist, so each answers 404 `Not Found`.
import { sameBytes } from '../domain/constant-time.ts';
import { Elysia, t } from 'elysia';
import type { Config } from '../config/config.ts';
import { errors } from '../domain/errors.ts';
import type { KeyRing } from '../domain/keys.ts';
import { identifyWorkspace } from '../http/caller.ts';
import { MAX_BODY_BYTES, RejectedBody } from '../http/create-body.ts';
import { parseJsonObject } from '../http/json-body.ts';
import { API_KEY_SECURITY, errorResponses, WorkspaceQuery } from '../http/schemas.ts';
import { ClockBody, ClockWithTasksBody, FixtureTasksBody, REQUEST_BODIES, ScopeQuery } from './control-schemas.ts';
import type { ControlService } from './control-service.ts';
import type { Recorder } from '../journal/recorder.ts';
import type { WorkspaceRef } from '../domain/model.ts';

const digest = (value: string) => new Bun.CryptoHasher('sha256').update(value).digest();

/** With CONTROL=admin, a request must also carry X-Admin-Key; compared in constant time. */
export function adminCheck(config: Config): (presented: string | null) => boolean {
  if (config.control !== 'admin') return () => true;
  const expected = digest(config.adminKey ?? '');
  return (presented) => presented !== null && sameBytes(digest(presented), expected);
}

const DOCS = { tags: ['control'], security: API_KEY_SECURITY };
const KEY_ERRORS = [errors.invalidWorkspaceId(), errors.forbidden()];
const BODY_ERRORS = [errors.invalidBody(), errors.bodyTooLarge(MAX_BODY_BYTES)];
const ResetQuery = t.Object({ ...WorkspaceQuery.properties, scope: ScopeQuery });

export interface ControlRouteDependencies {
  config: Config;
  keyRing: KeyRing;
  control: ControlService;
  /** Hosted mode's journal: each control request is journaled like a task request. */
  recorder?: Recorder;
}

export function controlRoutes({ config, keyRing, control, recorder }: ControlRouteDependencies) {
  const plugin = new Elysia({ name: 'taskmock/control' });
  if (config.control === 'off') return plugin;
  const isAdmin = adminCheck(config);
  const clock = { 200: ClockBody, ...errorResponses(...KEY_ERRORS) };
  const moved = (...more: ReturnType<typeof errors.invalidMs>[]) => ({
    200: ClockWithTasksBody,
    ...errorResponses(...KEY_ERRORS, ...more),
  });
  return plugin
    .derive(({ query, request, body }) => {
      const seen = recorder && ((ref: WorkspaceRef) => recorder.tag(request, ref));
      const workspace = identifyWorkspace(keyRing, query, (name) => request.headers.get(name), request.url, seen);
      if (!isAdmin(request.headers.get('x-admin-key'))) throw errors.forbidden();
      if (body instanceof RejectedBody) throw body.error;
      return { workspace };
    })
    .post(
      '/control/reset',
      async ({ workspace, query, set }) => {
        const scope = query.scope ?? 'workspace';
        if (scope !== 'workspace' && scope !== 'key') throw errors.invalidScope();
        await control.reset(workspace, scope);
        set.status = 204;
      },
      {
        query: ResetQuery,
        response: { 204: t.Void({ description: 'No content' }), ...errorResponses(...KEY_ERRORS, errors.invalidScope()) },
        detail: {
          ...DOCS,
          summary: 'Reset the workspace (or every workspace of the key)',
          description:
            'Removes every task, starts ids at 1 again, puts the clock back on real time and the faults back to the server default. The stream shows `[]`; the workspace no longer counts against MAX_WORKSPACES (unless a socket holds it).',
        },
      },
    )
    .post('/control/tasks', async ({ workspace, body }) => ({ tasks: await control.fixtures(workspace, body) }), {
      parse: parseJsonObject,
      query: WorkspaceQuery,
      response: {
        200: FixtureTasksBody,
        ...errorResponses(
          ...KEY_ERRORS,
          ...BODY_ERRORS,
          errors.invalidFixture('tasks[2].status must be one of queued, running, completed'),
          errors.tooManyWorkspaces(),
          errors.tooManyTasks(),
        ),
      },
      detail: {
        ...DOCS,
        summary: 'Load fixtures: tasks in any status',
        description:
          'Adds the tasks in order with fresh ids, stamped with the workspace time. A `running` one ends after `remainingMs` (default: a drawn duration); a `completed` one ended now. One bad entry refuses the whole body.',
        requestBody: REQUEST_BODIES.fixtures,
      },
    })
    .get('/control/clock', ({ workspace }) => control.clock(workspace), {
      query: WorkspaceQuery,
      response: clock,
      detail: { ...DOCS, summary: "The workspace's clock" },
    })
    .put('/control/clock', ({ workspace, body }) => control.setTimeScale(workspace, body), {
      parse: parseJsonObject,
      query: WorkspaceQuery,
      response: { 200: ClockBody, ...errorResponses(...KEY_ERRORS, ...BODY_ERRORS, errors.invalidTimeScale()) },
      detail: {
        ...DOCS,
        summary: "Set this workspace's time scale",
        description: 'In place of TIME_SCALE for tasks that start from now on; running tasks keep their end time.',
        requestBody: REQUEST_BODIES.timeScale,
      },
    })
    .post('/control/clock/pause', ({ workspace }) => control.pause(workspace), {
      query: WorkspaceQuery,
      response: clock,
      detail: {
        ...DOCS,
        summary: "Freeze the workspace's time",
        description:
          'What was due up to now happens first; then nothing starts or ends until resume, advance or next. Creates still queue.',
      },
    })
    .post('/control/clock/resume', ({ workspace }) => control.resume(workspace), {
      query: WorkspaceQuery,
      response: clock,
      detail: { ...DOCS, summary: 'Let time run on from where it stopped' },
    })
    .post('/control/clock/advance', ({ workspace, body }) => control.advance(workspace, body), {
      parse: parseJsonObject,
      query: WorkspaceQuery,
      response: moved(...BODY_ERRORS, errors.invalidMs()),
      detail: {
        ...DOCS,
        summary: "Move the workspace's time forward",
        description:
          'Paused or not. Every transition due in between is applied in order, each at its exact timestamp, with queue time, pacing and the running cap honoured, as if the time had passed. Never sleeps.',
        requestBody: REQUEST_BODIES.advance,
      },
    })
    .post('/control/clock/next', ({ workspace }) => control.next(workspace), {
      query: WorkspaceQuery,
      response: moved(errors.nothingScheduled()),
      detail: {
        ...DOCS,
        summary: 'Advance exactly to the next transition and apply it',
        description: 'Answers 409 `nothing is scheduled` when no task is queued or running.',
      },
    });
}
