// HTTP faults around the task routes (§11): latency, injected errors and connection resets. The
// routes ask `forRequest` once per request (null when nothing is in force: two cheap tests) and
// hand the work to `around`, which decides this request's faults from its sequence number.
import { ApiError } from '../domain/errors.ts';
import type { WorkspaceRef } from '../domain/model.ts';
import { delay, pickOne, retryAfterSeconds, uniformMs } from './draws.ts';
import { type FaultEvents, type FaultKind, pathOf } from './events.ts';
import { DEFAULT_ERROR_STATUSES } from './profile.ts';
import type { FaultResolver, WorkspaceFaults } from './resolver.ts';

/** Names the faults an answer met: `latency`, `error`, `refuse` (comma-separated). */
export const FAULT_HEADER = 'x-taskmock-fault';

/** The answer to a request picked for an injected error: nothing was carried out. */
export class InjectedFault extends ApiError {
  constructor(status: number) {
    super(status, 'injected_fault', 'injected fault');
  }
}

interface RequestContext {
  request: Request;
  set: { headers: Record<string, string | number> };
}

/** Stand-in Responses of reset connections, with the faults they met (`latency, reset`). */
const resets = new WeakMap<Response, string>();

/**
 * For the stand-in Response of a reset connection, the faults it met (what its X-Taskmock-Fault
 * would have said); otherwise undefined. Nothing of it reached the client, not even a status, so
 * the log and the journal read this instead of the Response.
 */
export const resetFaults = (response: Response): string | undefined => resets.get(response);

/**
 * A response whose body fails before its first byte: Bun then resets the connection without
 * writing a status line, so the client sees a network error (ECONNRESET, `TypeError: Failed to
 * fetch`), as if the server had vanished. Erroring with no reason keeps Bun from logging it.
 */
function connectionReset(set: RequestContext['set'], labels: string[]): Response {
  // Elysia would re-read a returned body to merge pending headers into it; there is nothing to send.
  for (const name of Object.keys(set.headers)) delete set.headers[name];
  const response = new Response(new ReadableStream({ start: (controller) => controller.error() }));
  resets.set(response, [...labels, 'reset'].join(', '));
  return response;
}

export type HttpFaults = ReturnType<typeof createHttpFaults>;

export function createHttpFaults({ resolver, events }: { resolver: FaultResolver; events: FaultEvents }) {
  function emit(kind: FaultKind, ref: WorkspaceRef, request: Request, extra: { status?: number; ms?: number } = {}) {
    events.emit({ kind, ref, at: Date.now(), method: request.method, path: pathOf(request.url), ...extra });
  }

  /** The injected error this request meets, with Retry-After on 429 and 503. */
  function injectedError(faults: WorkspaceFaults, n: number, context: RequestContext): InjectedFault {
    const status = pickOne(faults.draw('status', n), faults.profile.errorStatuses ?? DEFAULT_ERROR_STATUSES);
    if (status === 429 || status === 503) context.set.headers['retry-after'] = String(retryAfterSeconds(faults.draw('retry', n)));
    emit('error', faults.ref, context.request, { status });
    return new InjectedFault(status);
  }

  return {
    /** The workspace's faults when its HTTP answers can be faulted, else null. */
    forRequest(ref: WorkspaceRef): WorkspaceFaults | null {
      const faults = resolver.faultsFor(ref);
      return faults?.http ? faults : null;
    },

    /**
     * Runs `run` under this request's faults: first the latency, then either a reset (no answer),
     * an injected error (instead of the work: nothing changes), or the work itself. A reset
     * resolves to a Response standing in for `T`: Elysia sends any Response as it is.
     */
    async around<T>(faults: WorkspaceFaults, context: RequestContext, run: () => T | Promise<T>): Promise<T> {
      const { profile } = faults;
      const n = faults.nextRequest();
      const ms = profile.latencyMs ? uniformMs(faults.draw('latency', n), profile.latencyMs) : 0;
      const reset = faults.draw('reset', n) < (profile.resetRate ?? 0);
      const error = !reset && faults.draw('error', n) < (profile.errorRate ?? 0);
      const labels = [...(ms > 0 ? ['latency'] : []), ...(error ? ['error'] : [])];
      if (labels.length > 0) context.set.headers[FAULT_HEADER] = labels.join(', ');
      if (ms > 0) {
        emit('latency', faults.ref, context.request, { ms });
        await delay(ms);
      }
      if (reset) {
        emit('reset', faults.ref, context.request);
        return connectionReset(context.set, labels) as T;
      }
      if (error) throw injectedError(faults, n, context);
      return run();
    },
  };
}
