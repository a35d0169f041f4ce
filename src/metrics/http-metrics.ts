// Requests by method, route and status, and their latency by method and route. The route is the
// pattern a request matched (`/tasks/:id`), never its path: ids, key names and query strings
// never become labels, so the series stay few and say nothing about any tenant.
import { Histogram, LATENCY_BUCKETS } from './histogram.ts';

/** The label of a request that matched no route (a 404 for an unknown path). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Methods the API has; anything else is counted as `other`, so a client cannot add series. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** One method and route: answers by status, and the latency histogram. */
export class RouteStats {
  readonly byStatus = new Map<number, number>();
  readonly latency = new Histogram(LATENCY_BUCKETS);

  constructor(
    readonly method: string,
    readonly route: string,
  ) {}

  /** One answered request: an integer increment and a bucket lookup, nothing allocated. */
  observe(status: number, seconds: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.latency.observe(seconds);
  }
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;

export function createHttpMetrics() {
  const byMethod = new Map<string, Map<string, RouteStats>>();

  /** The routes of a method: one lookup for a method seen before; unknown ones share `other`. */
  function routesOf(method: string): Map<string, RouteStats> {
    const known = byMethod.get(method);
    if (known) return known;
    const name = KNOWN_METHODS.has(method) ? method : 'other';
    let routes = byMethod.get(name);
    if (!routes) byMethod.set(name, (routes = new Map()));
    return routes;
  }

  /** The stats of a method and route, made on first use (callers on a hot path keep the result). */
  function route(method: string, pattern: string | undefined): RouteStats {
    const routes = routesOf(method);
    const key = pattern || UNMATCHED_ROUTE;
    let stats = routes.get(key);
    if (!stats) routes.set(key, (stats = new RouteStats(KNOWN_METHODS.has(method) ? method : 'other', key)));
    return stats;
  }

  return {
    route,

    observe(method: string, pattern: string | undefined, status: number, seconds: number): void {
      route(method, pattern).observe(status, seconds);
    },

    /** Every method and route seen so far, in a stable order for the exposition. */
    all(): RouteStats[] {
      const all = [...byMethod.values()].flatMap((routes) => [...routes.values()]);
      return all.sort((a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method));
    },
  };
}
