// Every failure a client can cause is an ApiError: it carries its HTTP status, the contract's
// message and a stable machine-readable code. The domain throws these; one handler renders them.

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toBody(): { message: string; code: string } {
    return { message: this.message, code: this.code };
  }
}

export const TASK_NOT_FOUND_MESSAGE = 'the task could not be found, it is either being dispatched or has already been dispatched';

export const errors = {
  forbidden: () => new ApiError(403, 'forbidden', 'Forbidden'),
  invalidWorkspaceId: () => new ApiError(400, 'invalid_workspace_id', 'invalid workspace id'),
  invalidBody: () => new ApiError(400, 'invalid_request_body', 'invalid request body'),
  nameRequired: () => new ApiError(400, 'name_required', 'name is required'),
  nameTooLong: (max: number) => new ApiError(400, 'name_too_long', `name must be at most ${max} characters`),
  invalidTaskType: () => new ApiError(400, 'invalid_task_type', 'invalid task type'),
  invalidTaskId: () => new ApiError(400, 'invalid_task_id', 'invalid task id'),
  taskNotFound: () => new ApiError(404, 'task_not_found', TASK_NOT_FOUND_MESSAGE),
  tooManyWorkspaces: () => new ApiError(429, 'too_many_workspaces', 'too many workspaces'),
  tooManyTasks: () => new ApiError(429, 'too_many_tasks', 'too many tasks in workspace'),
  tooManyConnections: () => new ApiError(429, 'too_many_connections', 'too many connections in workspace'),
  bodyTooLarge: (maxBytes: number) => new ApiError(413, 'body_too_large', `request body is larger than ${maxBytes} bytes`),
  invalidIndex: () => new ApiError(400, 'invalid_index', 'invalid index'),
  invalidWait: () => new ApiError(400, 'invalid_wait', 'invalid wait'),
  invalidFormat: () => new ApiError(400, 'invalid_format', 'invalid format'),
  invalidSince: () => new ApiError(400, 'invalid_since', 'invalid since'),
  sinceNeedsFormat: () => new ApiError(400, 'invalid_since', 'since needs format=envelope or format=patch'),
  invalidHandshake: () => new ApiError(400, 'invalid_websocket_handshake', 'invalid websocket handshake'),
  /** Refused before the upgrade once the server is closing its sockets. */
  shuttingDown: () => new ApiError(503, 'shutting_down', 'server is shutting down'),
  /** Test control (SPEC §10). */
  nothingScheduled: () => new ApiError(409, 'nothing_scheduled', 'nothing is scheduled'),
  invalidFixture: (message: string) => new ApiError(400, 'invalid_fixture', message),
  invalidMs: () => new ApiError(400, 'invalid_ms', 'ms must be a whole number of milliseconds from 0 to 31536000000'),
  invalidTimeScale: () =>
    new ApiError(400, 'invalid_time_scale', 'timeScale must be a number greater than 0 (at most 1000000), or null'),
  invalidScope: () => new ApiError(400, 'invalid_scope', 'scope must be workspace or key'),
  /** The database's volume is full: nothing of the request was kept; retry once space is freed. */
  storageFull: () => new ApiError(503, 'storage_full', 'storage is full'),
  invalidKeyName: () => new ApiError(400, 'invalid_key_name', 'invalid key name'),
  invalidKeySettings: (detail: string) => new ApiError(400, 'invalid_key_settings', detail),
  keyNotFound: () => new ApiError(404, 'key_not_found', 'key not found'),
  keyNameTaken: (name: string) => new ApiError(409, 'key_name_taken', `${name} is the name of a configured key`),
  configuredKeyFixed: () =>
    new ApiError(409, 'configured_key', 'a configured key is revoked by removing it from API_KEYS and restarting'),
  routeNotFound: () => new ApiError(404, 'not_found', 'Not Found'),
  internal: () => new ApiError(500, 'internal_error', 'internal server error'),
} as const;
