// Request paths folded into the route patterns the report counts and charts by.
import { STREAM_PATH } from '../domain/model.ts';

export const ENDPOINTS = [
  'GET /tasks',
  'POST /tasks',
  'DELETE /tasks/:id',
  'POST /tasks/flush',
  STREAM_PATH,
  '/control/…',
  'other',
] as const;

export type Endpoint = (typeof ENDPOINTS)[number];

export function endpointOf(method: string, path: string): Endpoint {
  if (path === '/tasks') return method === 'GET' ? 'GET /tasks' : method === 'POST' ? 'POST /tasks' : 'other';
  if (path === '/tasks/flush') return method === 'POST' ? 'POST /tasks/flush' : 'other';
  if (method === 'DELETE' && /^\/tasks\/[^/]+$/.test(path)) return 'DELETE /tasks/:id';
  if (path === STREAM_PATH) return STREAM_PATH;
  if (path === '/control' || path.startsWith('/control/')) return '/control/…';
  return 'other';
}
