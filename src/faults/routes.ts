// PUT / GET / DELETE /control/faults: a workspace's own fault profile (§11), set while running so
// one test exercises the error path while the next runs clean. Same key and workspace parameters
// as /tasks; never faulted itself.
import { Elysia } from 'elysia';
import type { Config } from '../config/config.ts';
import { ApiError, errors } from '../domain/errors.ts';
import type { KeyRing } from '../domain/keys.ts';
import type { WorkspaceRef } from '../domain/model.ts';
import { adminCheck } from '../control/control-routes.ts';
import { identifyWorkspace } from '../http/caller.ts';
import { API_KEY_SECURITY, errorResponses, WorkspaceQuery } from '../http/schemas.ts';
import type { Faults } from './faults.ts';
import { tooManyProfiles } from './faults.ts';
import { isPresetName, type NamedProfile, PRESET_NAMES, presetProfile } from './presets.ts';
import { FaultProfileError, validateProfile } from './profile.ts';
import { FaultsInForceBody, PutFaultsBody } from './schemas.ts';

const MAX_PROFILE_BYTES = 16 * 1024;
const INVALID = Symbol('invalid body');

export const invalidFaultProfile = (message: string) => new ApiError(400, 'invalid_fault_profile', message);

/** `{"preset": name}` or a profile, checked field by field. */
export function readFaultsBody(body: unknown): NamedProfile {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.invalidBody();
  if ('preset' in body) {
    const { preset, ...rest } = body as { preset: unknown };
    if (Object.keys(rest).length > 0) throw invalidFaultProfile('send either {"preset": name} or a profile, not both');
    if (!isPresetName(preset)) throw invalidFaultProfile(`faults.preset must be one of ${PRESET_NAMES.join(', ')}`);
    return presetProfile(preset);
  }
  try {
    return { profile: validateProfile(body) };
  } catch (error) {
    if (error instanceof FaultProfileError) throw invalidFaultProfile(error.message);
    throw error;
  }
}

async function parseJson({ request }: { request: Request }): Promise<unknown> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_PROFILE_BYTES) return INVALID;
  if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) return INVALID;
  try {
    return JSON.parse(await request.text());
  } catch {
    return INVALID;
  }
}

interface FaultRouteDependencies {
  config: Config;
  keyRing: KeyRing;
  faults: Faults;
}

const DOCS = { tags: ['control'], security: API_KEY_SECURITY };
const ERRORS = [errors.invalidWorkspaceId(), errors.forbidden()];

export function faultRoutes({ config, keyRing, faults }: FaultRouteDependencies) {
  // The CONTROL rules of every /control route: off hides them, admin also asks for X-Admin-Key.
  const plugin = new Elysia({ name: 'taskmock/faults' });
  if (config.control === 'off') return plugin;
  const isAdmin = adminCheck(config);
  // The profile's ranges are readonly tuples; the schema's arrays describe the same JSON.
  const inForce = (workspace: WorkspaceRef) => faults.resolver.inForce(workspace) as unknown as typeof FaultsInForceBody.static;
  return plugin
    .derive(({ query, request }) => {
      const workspace = identifyWorkspace(keyRing, query, (name) => request.headers.get(name), request.url);
      if (!isAdmin(request.headers.get('x-admin-key'))) throw errors.forbidden();
      return { workspace };
    })
    .get('/control/faults', ({ workspace }) => inForce(workspace), {
      query: WorkspaceQuery,
      response: { 200: FaultsInForceBody, ...errorResponses(...ERRORS) },
      detail: {
        ...DOCS,
        summary: 'The fault profile in force',
        description: "The workspace's own, else its key's, else the server's (FAULTS).",
      },
    })
    .put(
      '/control/faults',
      async ({ workspace, body }) => {
        if (body === INVALID) throw errors.invalidBody();
        await faults.putWorkspaceProfile(workspace, readFaultsBody(body));
        return inForce(workspace);
      },
      {
        parse: parseJson,
        query: WorkspaceQuery,
        response: {
          200: FaultsInForceBody,
          ...errorResponses(
            ...ERRORS,
            errors.invalidBody(),
            invalidFaultProfile('faults.errorRate must be a number from 0 to 1'),
            tooManyProfiles(),
          ),
        },
        detail: {
          ...DOCS,
          summary: "Set the workspace's fault profile",
          // Checked by readFaultsBody, whose messages name the field; the schema only documents it.
          requestBody: { required: true, content: { 'application/json': { schema: PutFaultsBody as object } } },
          description:
            'A preset (`{"preset": "flaky"}`) or a profile. `{"preset": "none"}` turns faults off for this workspace whatever the key or server say. Stored: it survives a restart. Draws start again from the first request.',
        },
      },
    )
    .delete(
      '/control/faults',
      async ({ workspace }) => {
        await faults.dropWorkspaceProfile(workspace);
        return inForce(workspace);
      },
      {
        query: WorkspaceQuery,
        response: { 200: FaultsInForceBody, ...errorResponses(...ERRORS) },
        detail: {
          ...DOCS,
          summary: "Drop the workspace's own profile",
          description: "Back to the key's or the server's profile.",
        },
      },
    );
}
