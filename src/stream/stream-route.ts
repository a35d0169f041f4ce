// The Elysia route of the stream: `GET /ws/tasks` hands the handshake to the live stream
// (stream.ts), which checks it and upgrades by itself. Apart from stream.ts so that the stream's
// socket handlers, needed before the first answer, do not load Elysia.
import { Elysia } from 'elysia';
import { STREAM_PATH } from '../domain/model.ts';
import type { Handshake } from './stream.ts';

export const streamRoute = (handshake: (context: Handshake) => undefined) =>
  new Elysia({ name: 'taskmock/stream' }).get(
    STREAM_PATH,
    ({ query, headers, request, server, set }) =>
      handshake({ query, headers, request, server, set: set as { headers: Record<string, string> } }),
    // The channel is described by /asyncapi.json; OpenAPI cannot say what happens after the 101.
    { detail: { hide: true } },
  );
