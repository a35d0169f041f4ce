// JSON object bodies of the /control routes: at most 64 KiB, sent as application/json. Refusals are
// handed on as a RejectedBody (create-body.ts) that `derive` throws once the caller is known, so a
// missing key still answers 403 before any 400 or 413.
import { errors } from '../domain/errors.ts';
import { MAX_BODY_BYTES, RejectedBody } from './create-body.ts';

/** Elysia `parse` hook: the parsed JSON object, or a RejectedBody. */
export async function parseJsonObject({ request }: { request: Request }): Promise<unknown> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
    return new RejectedBody(errors.bodyTooLarge(MAX_BODY_BYTES));
  }
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) return new RejectedBody(errors.invalidBody());
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) return new RejectedBody(errors.bodyTooLarge(MAX_BODY_BYTES));
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : new RejectedBody(errors.invalidBody());
  } catch {
    return new RejectedBody(errors.invalidBody());
  }
}
