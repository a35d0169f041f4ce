// Reading a POST /tasks body the way the original's Go decoder did, and in the original's order of
// checks: not JSON or not an object → `invalid request body`; then name; then type; then the
// name's length. Keys match case-insensitively (`Name`, `TYPE`); values stay case-sensitive.
//
// Elysia parses (here) before it runs `derive`, and validates the body schema after `derive`, but
// the key must be checked first (403 before any 400 or 413). So every refusal found here is handed
// on as a RejectedBody that `derive` throws once the caller is known, and what reaches the schema
// is already valid: the schema documents the body, it never decides the error.
import { ApiError, errors } from '../domain/errors.ts';
import { readNewTask, type NewTask } from '../domain/tasks.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/** A body that cannot be used, and why. */
export class RejectedBody {
  constructor(readonly error: ApiError) {}
}

/**
 * The value of `wanted` (a lower-case key) in `object`. An exact match wins wherever it stands,
 * as in Go's decoder; otherwise the first key equal to it ignoring case.
 */
export function fieldIgnoringCase(object: Record<string, unknown>, wanted: string): unknown {
  if (Object.hasOwn(object, wanted)) return object[wanted];
  for (const key of Object.keys(object)) if (key.toLowerCase() === wanted) return object[key];
  return undefined;
}

/** One decoder for every body: without `stream`, `decode` keeps no state between calls. */
const utf8 = new TextDecoder();

function decodeObject(bytes: ArrayBuffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What the headers alone refuse (too long, not JSON), before the body is read. */
export function headerRefusal(request: Request): RejectedBody | undefined {
  // Checked here, not in a global hook, so reads pay nothing for it; chunked bodies have no length.
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
    return new RejectedBody(errors.bodyTooLarge(MAX_BODY_BYTES));
  }
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) return new RejectedBody(errors.invalidBody());
  return undefined;
}

/** The body's bytes as a checked NewTask, or a RejectedBody. */
export function readCreateBody(bytes: ArrayBuffer): NewTask | RejectedBody {
  if (bytes.byteLength > MAX_BODY_BYTES) return new RejectedBody(errors.bodyTooLarge(MAX_BODY_BYTES));
  const object = decodeObject(bytes);
  if (!object) return new RejectedBody(errors.invalidBody());
  try {
    return readNewTask({ name: fieldIgnoringCase(object, 'name'), type: fieldIgnoringCase(object, 'type') });
  } catch (error) {
    if (error instanceof ApiError) return new RejectedBody(error);
    throw error;
  }
}

/** Elysia `parse` hook of POST /tasks: a checked NewTask, or a RejectedBody. */
export async function parseCreateBody({ request }: { request: Request }): Promise<NewTask | RejectedBody> {
  return headerRefusal(request) ?? readCreateBody(await request.arrayBuffer());
}
