// Who is calling and which workspace they mean, from the query string or headers. The key is
// checked first (403), then the workspace id (400), as the original did.
import type { KeyRing } from './auth.ts';
import { errors } from './errors.ts';
import { DEFAULT_WORKSPACE_ID, WORKSPACE_ID_PATTERN, type WorkspaceRef } from './model.ts';

type Params = Record<string, string | undefined>;

/** The API key from `?api_key=`, `X-API-Key` or `Authorization: Bearer`, in that order. */
export function presentedKey(query: Params, headers: Params): string | undefined {
  if (query.api_key) return query.api_key;
  if (headers['x-api-key']) return headers['x-api-key'];
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return bearer?.[1]?.trim();
}

export function identifyWorkspace(keyRing: KeyRing, query: Params, headers: Params): WorkspaceRef {
  const keyHash = keyRing.identify(presentedKey(query, headers));
  if (!keyHash) throw errors.forbidden();
  const workspaceId = query.workspace_id ?? DEFAULT_WORKSPACE_ID;
  if (!WORKSPACE_ID_PATTERN.test(workspaceId)) throw errors.invalidWorkspaceId();
  return { keyHash, workspaceId };
}
