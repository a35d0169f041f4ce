// The CORS header values, apart from cors.ts (an Elysia plugin) so that the answers Bun's router
// gives before Elysia is loaded (fast-list.ts, fast-system.ts) can send them too.
export const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';
export const EXPOSED_HEADERS = 'ETag, Retry-After, X-Taskmock-Fault';

/** What every answer carries while CORS is open to every origin (the default). */
export const OPEN_CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED_HEADERS };
