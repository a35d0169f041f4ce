// The common `GET /tasks` (a key, maybe a workspace id, nothing else) answered straight from Bun's
// router, in front of Elysia: clients poll it, and Elysia's per-request work (query parsing, the
// CORS, log and derive hooks, handler composition) cost a third of its throughput
// (`bun run bench --only get`). Anything out of the ordinary (another parameter, an encoded value,
// an unknown key, configured CORS origins, a fault in force) goes to Elysia's own route, which stays
// the definition of the endpoint: it is documented, and tests compare both answers byte for byte.
import type { Server } from 'bun';
import type { Logger } from '../config/logger.ts';
import type { KeyRing } from '../domain/keys.ts';
import { DEFAULT_WORKSPACE_ID, JSON_CONTENT_TYPE, WORKSPACE_ID_PATTERN, type WorkspaceRef } from '../domain/model.ts';
import type { TaskService } from '../domain/tasks.ts';
import type { ListedSnapshot } from '../storage/snapshots.ts';
import { OPEN_CORS } from './cors-headers.ts';
import { presentedKey } from './caller.ts';
import { noneMatchHits } from './versioned-reads.ts';
import type { Recorder } from '../journal/recorder.ts';
import type { RouteStats } from '../metrics/http-metrics.ts';

export interface FastListOptions {
  keyRing: KeyRing;
  service: TaskService;
  logger: Logger;
  /** Whether CORS is open to every origin (the default); otherwise every request goes to Elysia. */
  corsOpenToAll: boolean;
  /** Whether this workspace's requests must go through Elysia (a fault profile in force, say). */
  needsFullPipeline?: (ref: WorkspaceRef) => boolean;
  /** Hosted mode's journal: these reads are journaled like every other request. */
  recorder?: Recorder;
  /** The count and latency of `GET /tasks` for /metrics (Elysia's hook never sees these requests). */
  metrics?: RouteStats;
  /** Elysia's own handling of the request. */
  fallback: (request: Request) => Response | Promise<Response>;
}

/** `api_key` and `workspace_id` of a plain query, or undefined when Elysia must read it. */
function plainQuery(url: string): { api_key?: string; workspace_id?: string } | undefined {
  const start = url.indexOf('?');
  const query: { api_key?: string; workspace_id?: string } = {};
  if (start === -1) return query;
  for (const pair of url.slice(start + 1).split('&')) {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    const value = equals === -1 ? '' : pair.slice(equals + 1);
    // Encoded or repeated values, and every other parameter, keep Elysia's exact rules.
    if ((name !== 'api_key' && name !== 'workspace_id') || query[name] !== undefined) return undefined;
    if (value.includes('%') || value.includes('+')) return undefined;
    query[name] = value;
  }
  return query;
}

function answer(request: Request, listed: ListedSnapshot): Response {
  if (noneMatchHits(request.headers.get('if-none-match'), listed.etag)) {
    return new Response(null, { status: 304, headers: { ...OPEN_CORS, etag: listed.etag } });
  }
  return new Response(listed.listBody, { headers: { ...OPEN_CORS, 'content-type': JSON_CONTENT_TYPE, etag: listed.etag } });
}

export function createFastList(options: FastListOptions) {
  const { keyRing, service, logger, fallback, needsFullPipeline, recorder, metrics } = options;
  const log = logger.enabled('info');
  const logging = log || recorder !== undefined || metrics !== undefined;

  /** The ref this request reads, or undefined when Elysia must answer it. */
  function plainRef(request: Request): WorkspaceRef | undefined {
    if (!options.corsOpenToAll) return undefined;
    const query = plainQuery(request.url);
    if (!query) return undefined;
    const keyHash = keyRing.identify(presentedKey(query, (name) => request.headers.get(name), request.url));
    if (!keyHash) return undefined;
    const workspaceId = query.workspace_id?.trim() || DEFAULT_WORKSPACE_ID;
    if (!WORKSPACE_ID_PATTERN.test(workspaceId)) return undefined;
    const ref = { keyHash, workspaceId };
    return needsFullPipeline?.(ref) ? undefined : ref;
  }

  function logged(request: Request, ref: WorkspaceRef, response: Response, began: number): Response {
    const elapsed = performance.now() - began;
    metrics?.observe(response.status, elapsed / 1000);
    const ms = Math.round(elapsed * 10) / 10;
    if (log) logger.info('GET /tasks', { status: response.status, ms });
    if (recorder) {
      recorder.tag(request, ref);
      // A plain read's answer carries no fault, no Retry-After and no message: the recorder need not
      // look into it (reading a sent Response's headers builds them again).
      recorder.answered(request, '/tasks', response.status, ms, {}, undefined);
    }
    return response;
  }

  /** A Bun route handler for `GET /tasks`. */
  return (request: Request, _server: Server<unknown>): Response | Promise<Response> => {
    const ref = plainRef(request);
    if (!ref) return fallback(request);
    const began = logging ? performance.now() : 0;
    let listed: ReturnType<typeof service.listed>;
    try {
      listed = service.listed(ref);
    } catch {
      // The rows cannot be read (a damaged file): Elysia's route answers, logs and counts the 500
      // in the contract's JSON, where Bun's router would answer it in plain text.
      return fallback(request);
    }
    if (listed instanceof Promise)
      return listed.then(
        (value) => (logging ? logged(request, ref, answer(request, value), began) : answer(request, value)),
        () => fallback(request),
      );
    const response = answer(request, listed);
    return logging ? logged(request, ref, response, began) : response;
  };
}
