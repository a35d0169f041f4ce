// Listens with `Bun.serve` itself rather than Elysia's `listen`. Elysia's composes its whole
// router twice there and hands every route to Bun's router, about 7 ms of CPU in each start; here
// Elysia's router is composed once, on the first request it answers. Bun's router answers the
// routes of `native` (the plain GET /tasks) without it.
import type { Server, WebSocketHandler } from 'bun';
import type { Elysia } from 'elysia';

export interface ServeOptions {
  port: number;
  hostname: string;
  /** Bun-native routes answered before Elysia. */
  native: Bun.Serve.Routes<any, string>;
  websocket: WebSocketHandler<any>;
}

type App = Elysia<any, any, any, any, any, any, any>;

/** `app` is asked for on the first request Bun's router does not answer (it may be made then). */
export function serveApp(app: () => App, options: ServeOptions): Server<unknown> {
  const server: Server<unknown> = Bun.serve({
    port: options.port,
    hostname: options.hostname,
    reusePort: false,
    // Elysia's default: a keep-alive connection silent for 30 s is closed.
    idleTimeout: 30,
    development: false,
    // Far above the 64 KiB limit routes.ts enforces with a JSON 413: Bun's own refusal has no
    // body and no CORS header, so it should only ever meet abuse, never a client's mistake.
    maxRequestBodySize: 1024 * 1024,
    routes: options.native,
    websocket: options.websocket,
    fetch(request) {
      const elysia = app();
      // Elysia's handlers find the server here (the stream route upgrades through it).
      elysia.server ??= server;
      return elysia.fetch(request);
    },
  });
  return server;
}
