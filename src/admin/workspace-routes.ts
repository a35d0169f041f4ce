// The admin board routes (SPEC §13): a key's workspaces and their tasks, and each workspace's clock
// and faults, by key name, with X-Admin-Key. Thin: the board (workspace-board.ts) finds the
// workspace, and the clock and fault changes are made by the same services as /control's, with the
// same bodies and errors; like /control they are committed, versioned and streamed. They are not
// journaled: the journal is the candidate's behaviour, not the admin's. CONTROL does not apply
// here (it says what API keys may do; the admin key may always drive a workspace).
import { Elysia } from 'elysia';
import { errors } from '../domain/errors.ts';
import { secretsEqual } from '../domain/key-identity.ts';
import { invalidFaultProfile, readFaultsBody } from '../faults/routes.ts';
import type { Faults } from '../faults/faults.ts';
import { tooManyProfiles } from '../faults/faults.ts';
import { FaultsInForceBody, PutFaultsBody } from '../faults/schemas.ts';
import { ClockBody, ClockWithTasksBody, REQUEST_BODIES } from '../control/control-schemas.ts';
import type { ControlService } from '../control/control-service.ts';
import { MAX_BODY_BYTES, RejectedBody } from '../http/create-body.ts';
import { parseJsonObject } from '../http/json-body.ts';
import { errorResponses } from '../http/schemas.ts';
import { blockingRead } from '../http/versioned-reads.ts';
import { ADMIN_SECURITY, KeyNameParams } from './schemas.ts';
import { type WorkspaceBoard, workspaceNotFound } from './workspace-board.ts';
import { BlockingReadQuery, KeyWorkspaceParams, WorkspaceList, WorkspaceTasks } from './workspace-schemas.ts';

export interface AdminWorkspaceDependencies {
  adminKey: string;
  board: WorkspaceBoard;
  control: ControlService;
  faults: Faults;
}

const DOCS = { tags: ['admin'], security: ADMIN_SECURITY };
const BASE = '/admin/keys/:name/workspaces/:workspace';
const FOUND_ERRORS = [errors.forbidden(), errors.keyNotFound(), workspaceNotFound(), errors.invalidWorkspaceId()];
const BODY_ERRORS = [errors.invalidBody(), errors.bodyTooLarge(MAX_BODY_BYTES)];
/** Bun cuts a connection idle for 10 s; a blocking read is allowed its wait plus this margin. */
const BLOCKING_READ_SLACK_S = 10;

const sameAsControl = (path: string) =>
  `Does what \`${path}\` does for the key's own caller, with the same body, answer and errors.`;

export function adminWorkspaceRoutes({ adminKey, board, control, faults }: AdminWorkspaceDependencies) {
  // The profile's ranges are readonly tuples; the schema's arrays describe the same JSON.
  const inForce = (ref: Parameters<Faults['resolver']['inForce']>[0]) =>
    faults.resolver.inForce(ref) as unknown as typeof FaultsInForceBody.static;
  const clockResponse = { 200: ClockBody, ...errorResponses(...FOUND_ERRORS) };
  return (
    new Elysia({ name: 'taskmock/admin-workspaces' })
      // Before anything else, the body included (403 before 400).
      .onTransform(({ request }) => {
        if (!secretsEqual(request.headers.get('x-admin-key') ?? '', adminKey)) throw errors.forbidden();
      })
      .derive(({ params, body }) => {
        const { name, workspace } = params as { name: string; workspace?: string };
        const ref = workspace === undefined ? undefined : board.workspaceOf(name, workspace);
        if (body instanceof RejectedBody) throw body.error;
        return { ref: ref! };
      })
      .get('/admin/keys/:name/workspaces', ({ params }) => board.list(params.name) as Promise<typeof WorkspaceList.static>, {
        params: KeyNameParams,
        response: { 200: WorkspaceList, ...errorResponses(errors.forbidden(), errors.keyNotFound()) },
        detail: {
          ...DOCS,
          summary: "A key's workspaces: counts by status, version, clock, faults in force",
          description: 'No key secret needed (issued secrets are not kept): the key is named.',
        },
      })
      .get(
        `${BASE}/tasks`,
        ({ ref, query, request, server }) => {
          const blocking = blockingRead(query);
          if (blocking) server?.timeout(request, Math.ceil(blocking.waitMs / 1000) + BLOCKING_READ_SLACK_S);
          return board.tasksOf(ref, blocking);
        },
        {
          params: KeyWorkspaceParams,
          query: BlockingReadQuery,
          response: { 200: WorkspaceTasks, ...errorResponses(...FOUND_ERRORS, errors.invalidIndex(), errors.invalidWait()) },
          detail: {
            ...DOCS,
            summary: "A workspace's tasks, version and clock (blocking read with index and wait)",
            description:
              'The list GET /tasks gives the key, with the workspace clock. `?index=N&wait=30s` is the blocking read of GET /tasks: at once when the version is not N, else at the next change or after `wait`.',
          },
        },
      )
      .post(`${BASE}/clock/pause`, ({ ref }) => control.pause(ref), {
        params: KeyWorkspaceParams,
        response: clockResponse,
        detail: { ...DOCS, summary: "Freeze the workspace's time", description: sameAsControl('POST /control/clock/pause') },
      })
      .post(`${BASE}/clock/resume`, ({ ref }) => control.resume(ref), {
        params: KeyWorkspaceParams,
        response: clockResponse,
        detail: { ...DOCS, summary: 'Let time run on', description: sameAsControl('POST /control/clock/resume') },
      })
      .post(`${BASE}/clock/next`, ({ ref }) => control.next(ref), {
        params: KeyWorkspaceParams,
        response: { 200: ClockWithTasksBody, ...errorResponses(...FOUND_ERRORS, errors.nothingScheduled()) },
        detail: { ...DOCS, summary: 'Step to the next transition', description: sameAsControl('POST /control/clock/next') },
      })
      .post(`${BASE}/clock/advance`, ({ ref, body }) => control.advance(ref, body), {
        parse: parseJsonObject,
        params: KeyWorkspaceParams,
        response: { 200: ClockWithTasksBody, ...errorResponses(...FOUND_ERRORS, ...BODY_ERRORS, errors.invalidMs()) },
        detail: {
          ...DOCS,
          summary: "Move the workspace's time forward",
          description: sameAsControl('POST /control/clock/advance'),
          requestBody: REQUEST_BODIES.advance,
        },
      })
      .put(
        `${BASE}/faults`,
        async ({ ref, body }) => {
          await faults.putWorkspaceProfile(ref, readFaultsBody(body));
          return inForce(ref);
        },
        {
          parse: parseJsonObject,
          params: KeyWorkspaceParams,
          response: {
            200: FaultsInForceBody,
            ...errorResponses(
              ...FOUND_ERRORS,
              ...BODY_ERRORS,
              invalidFaultProfile('faults.errorRate must be a number from 0 to 1'),
              tooManyProfiles(),
            ),
          },
          detail: {
            ...DOCS,
            summary: "Set the workspace's fault profile",
            description: sameAsControl('PUT /control/faults'),
            requestBody: { required: true, content: { 'application/json': { schema: PutFaultsBody as object } } },
          },
        },
      )
      .delete(
        `${BASE}/faults`,
        async ({ ref }) => {
          await faults.dropWorkspaceProfile(ref);
          return inForce(ref);
        },
        {
          params: KeyWorkspaceParams,
          response: { 200: FaultsInForceBody, ...errorResponses(...FOUND_ERRORS) },
          detail: {
            ...DOCS,
            summary: "Drop the workspace's own fault profile",
            description: sameAsControl('DELETE /control/faults'),
          },
        },
      )
  );
}
