// The one after-response hook: a log line per request (method, path without the query string,
// which may hold the API key, status, duration) and, in hosted mode, the request's journal event.
import { Elysia } from 'elysia';
import type { Logger } from '../config/logger.ts';
import type { Recorder } from '../journal/recorder.ts';
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
  set: { status?: number | string; headers: Record<string, string | number | undefined> };
  response: unknown;
  code?: string | number;
  error?: unknown;
}

function statusOf(response: unknown, set: Answered['set']): number {
  if (response instanceof Response) return response.status;
  return typeof set.status === 'number' ? set.status : 200;
}

export const requestLog = (logger: Logger, recorder?: Recorder) => {
  const startedAt = new WeakMap<Request, number>();
  const log = logger.enabled('info');
  // Parameters are destructured in the signature: Elysia reads a hook's source to learn what it
  // uses, and other shapes (a rest element with a context alias) broke the compiled binary.
  const answered = ({ request, set, response, code, error }: Answered): void => {
    const began = startedAt.get(request);
    const path = pathOf(request.url);
    const reset = response instanceof Response ? resetFaults(response) : undefined;
    // A reset connection (§11) got no status at all: 0, as a browser reports a network error.
    const status = reset !== undefined ? 0 : statusOf(response, set);
    // Tenths of a millisecond, without toFixed's string round trip.
    const ms = began === undefined ? 0 : Math.round((performance.now() - began) * 10) / 10;
    if (log) {
      // An accepted WebSocket handshake answers 101, though Elysia's route returned nothing (200).
      const upgraded = status === 200 && request.headers.get('upgrade')?.toLowerCase() === 'websocket';
      if (upgraded) logger.info(`upgrade ${path}`, { status: 101, ms });
      else logger.info(`${request.method} ${path}`, { status, ms });
    }
    // An error's body is not handed to this hook: its message comes from the error itself.
    const body = response ?? (error === undefined ? undefined : toApiError(code ?? '', error)?.toBody());
    recorder?.answered(request, path, status, ms, reset ? { [FAULT_HEADER]: reset } : set.headers, body);
  };
  // With neither, no hook is registered at all: an after-response hook costs Elysia about 10% of
  // its throughput on every request even when it returns at once (measured by `bun run bench`).
  if (!log && !recorder) return new Elysia({ name: 'taskmock/request-log' });
  return new Elysia({ name: 'taskmock/request-log' })
    .onRequest(({ request }) => void startedAt.set(request, performance.now()))
    .onAfterResponse({ as: 'global' }, answered as never);
};
