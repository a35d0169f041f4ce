// What the answers Bun's router gives in front of Elysia share (fast-list.ts, fast-create.ts):
// which requests are plain enough to skip Elysia, and the log line, metrics and journal event
// each of them gets, as Elysia's after-response hook would have given it (request-log.ts).
import type { Logger } from '../config/logger.ts';
import type { KeyRing } from '../domain/keys.ts';
import { DEFAULT_WORKSPACE_ID, WORKSPACE_ID_PATTERN, type WorkspaceRef } from '../domain/model.ts';
import type { Recorder } from '../journal/recorder.ts';
import type { RouteStats } from '../metrics/http-metrics.ts';
import { presentedKey } from './caller.ts';

export interface PlainRequestOptions {
  keyRing: KeyRing;
  logger: Logger;
  /** Whether CORS is open to every origin (the default); otherwise every request goes to Elysia. */
  corsOpenToAll: boolean;
  /** Whether this workspace's requests must go through Elysia (a fault profile in force, say). */
  needsFullPipeline?: (ref: WorkspaceRef) => boolean;
  /** Hosted mode's journal: these requests are journaled like every other request. */
  recorder?: Recorder;
  /** The route's count and latency for /metrics (Elysia's hook never sees these requests). */
  metrics?: RouteStats;
}

/**
 * `api_key` and `workspace_id` of a plain query, or undefined when Elysia must read it. Walked
 * with `indexOf` rather than split into pairs: 0.8 → 0.5 µs a request.
 */
export function plainQuery(url: string): { api_key?: string; workspace_id?: string } | undefined {
  const query: { api_key?: string; workspace_id?: string } = {};
  let at = url.indexOf('?');
  if (at === -1) return query;
  const end = url.length;
  while (at < end) {
    const from = at + 1;
    let to = url.indexOf('&', from);
    if (to === -1) to = end;
    const equals = url.indexOf('=', from);
    const split = equals === -1 || equals > to ? to : equals;
    const name = url.slice(from, split);
    // Encoded or repeated values, and every other parameter, keep Elysia's exact rules.
    if ((name !== 'api_key' && name !== 'workspace_id') || query[name] !== undefined) return undefined;
    const value = split === to ? '' : url.slice(split + 1, to);
    if (value.includes('%') || value.includes('+')) return undefined;
    query[name] = value;
    at = to;
  }
  return query;
}

/**
 * `ref(request)`: the workspace a plain request of a known key names, or undefined when Elysia
 * must answer it. `answered(...)`: counts the key's request, and logs and journals an answer given
 * here.
 */
export function plainRequests(options: PlainRequestOptions, method: string, path: string) {
  const { keyRing, logger, needsFullPipeline, recorder, metrics } = options;
  const log = logger.enabled('info');
  const line = `${method} ${path}`;
  return {
    ref(request: Request): WorkspaceRef | undefined {
      if (!options.corsOpenToAll) return undefined;
      const query = plainQuery(request.url);
      if (!query) return undefined;
      // Not counted yet: a request handed on to Elysia is identified, and counted, there.
      const keyHash = keyRing.recognize(presentedKey(query, (name) => request.headers.get(name), request.url));
      if (!keyHash) return undefined;
      const workspaceId = query.workspace_id?.trim() || DEFAULT_WORKSPACE_ID;
      if (!WORKSPACE_ID_PATTERN.test(workspaceId)) return undefined;
      const ref = { keyHash, workspaceId };
      return needsFullPipeline?.(ref) ? undefined : ref;
    },

    /**
     * `body` is the answer's JSON body when it is an error (the journal keeps its message), and
     * `headers` what of its headers the journal reads (`retry-after`).
     */
    answered(request: Request, ref: WorkspaceRef, response: Response, began: number, body?: unknown, headers = {}): Response {
      keyRing.requested(ref.keyHash);
      const elapsed = performance.now() - began;
      metrics?.observe(response.status, elapsed / 1000);
      const ms = Math.round(elapsed * 10) / 10;
      if (log) logger.request(line, response.status, ms);
      // Handed over rather than read back: reading a sent Response's headers builds them again;
      // and the ref itself, not through a tag (a WeakMap entry per request for the collector).
      recorder?.answeredFor(ref, request, path, response.status, ms, headers, body);
      return response;
    },
  };
}
