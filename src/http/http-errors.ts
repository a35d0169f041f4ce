// One global error handler: contract errors render as {"message","code"} with their status;
// validation and parse failures map to the original's 400 messages; anything else is a plain 500
// that never leaks internals.
import { Elysia } from 'elysia';
import { ApiError, errors } from '../domain/errors.ts';
import type { Logger } from '../config/logger.ts';
import { JSON_CONTENT_TYPE } from '../domain/model.ts';

const FROM_SCHEMA_ERROR: Record<string, () => ApiError> = {
  name_required: errors.nameRequired,
  invalid_task_type: errors.invalidTaskType,
  invalid_request_body: errors.invalidBody,
  invalid_workspace_id: errors.invalidWorkspaceId,
  invalid_task_id: errors.invalidTaskId,
  invalid_index: errors.invalidIndex,
  invalid_wait: errors.invalidWait,
};

export function toApiError(code: string | number, error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  switch (code) {
    case 'VALIDATION': {
      const named = FROM_SCHEMA_ERROR[String((error as { customError?: unknown }).customError)];
      return named ? named() : errors.invalidBody();
    }
    case 'PARSE':
      return errors.invalidBody();
    case 'NOT_FOUND':
      return errors.routeNotFound();
    default:
      return null;
  }
}

/** A contract error as a complete Response, for handlers that answer outside Elysia's pipeline. */
export function errorResponse(error: ApiError, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(error.toBody()), {
    status: error.status,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...headers },
  });
}

export const httpErrors = (logger: Logger) =>
  new Elysia({ name: 'taskmock/http-errors' }).onError({ as: 'global' }, ({ code, error, set }) => {
    const apiError = toApiError(code, error);
    if (apiError) {
      set.status = apiError.status;
      // A full disk clears when someone frees space: say when a client might try again.
      if (apiError.code === 'storage_full') set.headers['retry-after'] = '5';
      return apiError.toBody();
    }
    logger.error('unhandled error', { error: error instanceof Error ? error.stack : String(error) });
    set.status = 500;
    return errors.internal().toBody();
  });
