// The one after-response hook: a log line per request (method, path without the query string,
// which may hold the API key, status, duration), the request's count and latency for /metrics
// and, in hosted mode, the request's journal event.
import { Elysia } from 'elysia';
import type { Logger } from '../config/logger.ts';
import type { Recorder } from '../journal/recorder.ts';
import type { HttpMetrics } from '../metrics/http-metrics.ts';
import { STREAM_PATH } from '../domain/model.ts';
import { toApiError } from './http-errors.ts';
import { FAULT_HEADER, resetFaults } from '../faults/http-faults.ts';

/** The path of a request URL, without the query string (it may hold the API key). */
function pathOf(url: string): string {
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const queryStart = url.indexOf('?', pathStart);
  return queryStart === -1 ? url.slice(pathStart) : url.slice(pathStart, queryStart);
}

/** What the after-response hook reads; `code` and `error` are there when the answer is an error. */
interface Answered {
  request: Request;
  /** The pattern the request matched (`/tasks/:id`); undefined for an unknown route. */
  route?: string;
  set: { status?: number | string; headers: Record<string, string | number | undefined> };
  response: unknown;
  code?: string | number;
  error?: unknown;
}

function statusOf(response: unknown, set: Answered['set']): number {
  if (response instanceof Response) return response.status;
  return typeof set.status === 'number' ? set.status : 200;
}

/** A handshake Elysia's route accepted answers 101, though the route returned nothing (200). */
const isUpgrade = (request: Request, status: number): boolean =>
  status === 200 && request.headers.get('upgrade')?.toLowerCase() === 'websocket';

export const requestLog = (logger: Logger, recorder?: Recorder, metrics?: HttpMetrics) => {
  const startedAt = new WeakMap<Request, number>();
  const log = logger.enabled('info');
  // Parameters are destructured in the signature: Elysia reads a hook's source to learn what it
  // uses, and other shapes (a rest element with a context alias) broke the compiled binary.
  const answered = ({ request, route, set, response, code, error }: Answered): void => {
    const began = startedAt.get(request);
    const path = pathOf(request.url);
    const reset = response instanceof Response ? resetFaults(response) : undefined;
    // A reset connection (§11) got no status at all: 0, as a browser reports a network error.
    const status = reset !== undefined ? 0 : statusOf(response, set);
    const elapsed = began === undefined ? 0 : performance.now() - began;
    // Tenths of a millisecond, without toFixed's string round trip.
    const ms = Math.round(elapsed * 10) / 10;
    // Without a log line to write, only the stream's route needs the header lookup.
    const upgraded = (log || route === STREAM_PATH) && isUpgrade(request, status);
    if (log) {
      if (upgraded) logger.request(`upgrade ${path}`, 101, ms);
      else logger.request(`${request.method} ${path}`, status, ms);
    }
    metrics?.observe(request.method, route, upgraded ? 101 : status, elapsed / 1000);
    // An error's body is not handed to this hook: its message comes from the error itself.
    const body = response ?? (error === undefined ? undefined : toApiError(code ?? '', error)?.toBody());
    recorder?.answered(request, path, status, ms, reset ? { [FAULT_HEADER]: reset } : set.headers, body);
  };
  // With none of them, no hook is registered at all: an after-response hook costs Elysia about 10%
  // of its throughput on every request even when it returns at once (measured by `bun run bench`).
  if (!log && !recorder && !metrics) return new Elysia({ name: 'taskmock/request-log' });
  return new Elysia({ name: 'taskmock/request-log' })
    .onRequest(({ request }) => void startedAt.set(request, performance.now()))
    .onAfterResponse({ as: 'global' }, answered as never);
};
