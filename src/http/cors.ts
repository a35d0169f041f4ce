// CORS: open by default (any origin), or limited to the configured origins. Preflights are
// answered directly; every other response, errors included, carries the allow-origin header.
import { Elysia } from 'elysia';

const ALLOWED_HEADERS = 'Content-Type, Authorization, X-API-Key';
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';

export function allowedOrigin(origins: readonly string[], requestOrigin: string | null): string | null {
  if (origins.includes('*')) return '*';
  return requestOrigin && origins.includes(requestOrigin) ? requestOrigin : null;
}

function originHeaders(origin: string | null): Record<string, string> {
  if (!origin) return {};
  return origin === '*' ? { 'access-control-allow-origin': '*' } : { 'access-control-allow-origin': origin, vary: 'Origin' };
}

export const cors = (origins: readonly string[]) => {
  const openToAll = origins.includes('*');
  return new Elysia({ name: 'taskmock/cors' }).onRequest(({ request, set }) => {
    // The default (any origin) is on every request's hot path: one header, no lookups.
    if (openToAll && request.method !== 'OPTIONS') return void (set.headers['access-control-allow-origin'] = '*');
    const headers = originHeaders(allowedOrigin(origins, request.headers.get('origin')));
    Object.assign(set.headers, headers);
    if (request.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          ...headers,
          'access-control-allow-methods': ALLOWED_METHODS,
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-max-age': '86400',
        },
      });
    }
    return undefined;
  });
};
