// Who is calling and which workspace they mean, from the query string or headers. The key is
// checked first (403), then the workspace id (400), as the original did. As in the original, both
// values are trimmed of white space, an empty workspace id means `default`, and only the first
// value of a repeated query parameter counts.
import type { KeyRing } from '../domain/keys.ts';
import { errors } from '../domain/errors.ts';
import { DEFAULT_WORKSPACE_ID, WORKSPACE_ID_PATTERN, type WorkspaceRef } from '../domain/model.ts';

type Params = Record<string, string | undefined>;
/**
 * Reads one request header. A getter rather than Elysia's `headers` record: asking for that record
 * makes Elysia copy every header of every request, and only two are ever needed here.
 */
export type HeaderReader = (name: string) => string | null | undefined;

/**
 * The first value of query parameter `name`. Elysia keeps the last of repeated parameters; the URL
 * is parsed again only when the parameter appears more than once, so the usual request pays two
 * `indexOf`s and nothing else.
 */
export function firstQueryValue(query: Params, url: string, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  const needle = `${name}=`;
  const first = url.indexOf(needle);
  if (first === -1 || url.indexOf(needle, first + needle.length) === -1) return value;
  return new URL(url).searchParams.get(name) ?? value;
}

/** The API key from `?api_key=`, `X-API-Key` or `Authorization: Bearer`, in that order, trimmed. */
export function presentedKey(query: Params, header: HeaderReader, url: string): string | undefined {
  const queryKey = firstQueryValue(query, url, 'api_key')?.trim();
  if (queryKey) return queryKey;
  const headerKey = header('x-api-key')?.trim();
  if (headerKey) return headerKey;
  const bearer = /^\s*Bearer\s+(.+)$/i.exec(header('authorization') ?? '');
  return bearer?.[1]?.trim() || undefined;
}

/**
 * `url` is the request's URL, needed only to find the first of repeated parameters. `seen` hears
 * of a known key before the workspace id is checked (the journal records refusals too).
 */
export function identifyWorkspace(
  keyRing: KeyRing,
  query: Params,
  header: HeaderReader,
  url: string,
  seen?: (ref: WorkspaceRef) => void,
): WorkspaceRef {
  const keyHash = keyRing.identify(presentedKey(query, header, url));
  if (!keyHash) throw errors.forbidden();
  const workspaceId = firstQueryValue(query, url, 'workspace_id')?.trim() || DEFAULT_WORKSPACE_ID;
  seen?.({ keyHash, workspaceId });
  if (!WORKSPACE_ID_PATTERN.test(workspaceId)) throw errors.invalidWorkspaceId();
  return { keyHash, workspaceId };
}
