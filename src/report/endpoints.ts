// Request paths folded into the route patterns the report counts and charts by.

export const ENDPOINTS = [
  'GET /tasks',
  'POST /tasks',
  'DELETE /tasks/:id',
  'POST /tasks/flush',
  '/ws/tasks',
  '/control/…',
  'other',
] as const;

export type Endpoint = (typeof ENDPOINTS)[number];

export function endpointOf(method: string, path: string): Endpoint {
  if (path === '/tasks') return method === 'GET' ? 'GET /tasks' : method === 'POST' ? 'POST /tasks' : 'other';
  if (path === '/tasks/flush') return method === 'POST' ? 'POST /tasks/flush' : 'other';
  if (method === 'DELETE' && /^\/tasks\/[^/]+$/.test(path)) return 'DELETE /tasks/:id';
  if (path === '/ws/tasks') return '/ws/tasks';
  if (path === '/control' || path.startsWith('/control/')) return '/control/…';
  return 'other';
}
