// Who is calling and which workspace they mean, from the query string or headers. The key is
// checked first (403), then the workspace id (400), as the original did.
import type { KeyRing } from '../domain/keys.ts';
import { errors } from '../domain/errors.ts';
import { DEFAULT_WORKSPACE_ID, WORKSPACE_ID_PATTERN, type WorkspaceRef } from '../domain/model.ts';

type Params = Record<string, string | undefined>;
/**
 * Reads one request header. A getter rather than Elysia's `headers` record: asking for that record
 * makes Elysia copy every header of every request, and only two are ever needed here.
 */
export type HeaderReader = (name: string) => string | null | undefined;

/** The API key from `?api_key=`, `X-API-Key` or `Authorization: Bearer`, in that order. */
export function presentedKey(query: Params, header: HeaderReader): string | undefined {
  if (query.api_key) return query.api_key;
  const headerKey = header('x-api-key');
  if (headerKey) return headerKey;
  const bearer = /^Bearer\s+(.+)$/i.exec(header('authorization') ?? '');
  return bearer?.[1]?.trim();
}

export function identifyWorkspace(keyRing: KeyRing, query: Params, header: HeaderReader): WorkspaceRef {
  const keyHash = keyRing.identify(presentedKey(query, header));
  if (!keyHash) throw errors.forbidden();
  const workspaceId = query.workspace_id ?? DEFAULT_WORKSPACE_ID;
  if (!WORKSPACE_ID_PATTERN.test(workspaceId)) throw errors.invalidWorkspaceId();
  return { keyHash, workspaceId };
}
