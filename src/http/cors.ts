// CORS: open by default (any origin), or limited to the configured origins. Preflights are
// answered directly, for every method the API has and every header the browser asks to send (the
// original echoed Access-Control-Request-Headers: a frontend sending `Cache-Control` or
// `X-Requested-With` must not be blocked). Every other response, errors included, carries the
// allow-origin header and exposes the headers a script may need to read.
import { Elysia } from 'elysia';

import { ALLOWED_METHODS, EXPOSED_HEADERS } from './cors-headers.ts';

/** Sent when a preflight names no headers; an echo of the request's list otherwise. */
const DEFAULT_ALLOWED_HEADERS = 'Content-Type, Authorization, X-API-Key';

export function allowedOrigin(origins: readonly string[], requestOrigin: string | null): string | null {
  if (origins.includes('*')) return '*';
  return requestOrigin && origins.includes(requestOrigin) ? requestOrigin : null;
}

function originHeaders(origin: string | null): Record<string, string> {
  if (!origin) return {};
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': EXPOSED_HEADERS,
  };
  if (origin !== '*') headers.vary = 'Origin';
  return headers;
}

function preflight(request: Request, headers: Record<string, string>): Response {
  const requested = request.headers.get('access-control-request-headers')?.trim();
  const vary = [headers.vary, 'Access-Control-Request-Headers'].filter(Boolean).join(', ');
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': requested || DEFAULT_ALLOWED_HEADERS,
      'access-control-max-age': '86400',
      vary,
    },
  });
}

export const cors = (origins: readonly string[]) => {
  const openToAll = origins.includes('*');
  return new Elysia({ name: 'taskmock/cors' }).onRequest(({ request, set }) => {
    // The default (any origin) is on every request's hot path: two constant headers, no lookups.
    if (openToAll && request.method !== 'OPTIONS') {
      set.headers['access-control-allow-origin'] = '*';
      set.headers['access-control-expose-headers'] = EXPOSED_HEADERS;
      return undefined;
    }
    const headers = originHeaders(allowedOrigin(origins, request.headers.get('origin')));
    Object.assign(set.headers, headers);
    return request.method === 'OPTIONS' ? preflight(request, headers) : undefined;
  });
};
