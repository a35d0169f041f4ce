// One log line per request: method, path (never the query string, which may hold the API key),
// status and duration.
import { Elysia } from 'elysia';
import type { Logger } from '../config/logger.ts';

/** Where the request's start time rides on Elysia's per-request context (no side table). */
const STARTED_AT = Symbol('startedAt');
type Timed = { [STARTED_AT]?: number };

/** The path of a request URL, without the query string (it may hold the API key). */
function pathOf(url: string): string {
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const queryStart = url.indexOf('?', pathStart);
  return queryStart === -1 ? url.slice(pathStart) : url.slice(pathStart, queryStart);
}

export const requestLog = (logger: Logger) => {
  // Below `info` no hook is registered at all: an after-response hook costs Elysia about 10% of
  // its throughput on every request even when it returns at once (measured by `bun run bench`).
  if (!logger.enabled('info')) return new Elysia({ name: 'taskmock/request-log' });
  return new Elysia({ name: 'taskmock/request-log' })
    .onRequest((context) => {
      (context as Timed)[STARTED_AT] = performance.now();
    })
    .onAfterResponse({ as: 'global' }, (context) => {
      const { request, set } = context;
      const began = (context as Timed)[STARTED_AT];
      // Tenths of a millisecond, without toFixed's string round trip.
      const ms = began === undefined ? undefined : Math.round((performance.now() - began) * 10) / 10;
      const status = typeof set.status === 'number' ? set.status : 200;
      // An accepted WebSocket handshake answers 101, though Elysia's route returned nothing (200).
      const upgraded = status === 200 && request.headers.get('upgrade')?.toLowerCase() === 'websocket';
      if (upgraded) logger.info(`upgrade ${pathOf(request.url)}`, { status: 101, ms });
      else logger.info(`${request.method} ${pathOf(request.url)}`, { status, ms });
    });
};
