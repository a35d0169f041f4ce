// What one stream socket is to Bun: the small object it carries, the limits Bun enforces on it,
// and the close codes it can be sent.
import type { ServerWebSocket, WebSocketHandler } from 'bun';
import type { SocketFaults } from '../faults/stream-faults.ts';
import type { Slot } from './admission.ts';
import type { SocketTrace } from './socket-trace.ts';

/** Close code sent to every socket when the server shuts down ("going away"). */
export const GOING_AWAY = 1001;
/** Close code sent to the sockets of a key that was revoked, re-issued or expired. */
export const POLICY_VIOLATION = 1008;
/** Close code sent to the sockets of a workspace whose rows cannot be read (a damaged file). */
export const INTERNAL_ERROR = 1011;

/** Bun-level socket limits. Bun takes these once per server (`Bun.serve({ websocket })`), not per route. */
export const SOCKET_LIMITS = {
  // Clients have nothing to say; 4 KiB is room for any reasonable stray message, more closes (1009).
  maxPayloadLength: 4 * 1024,
  // About six full 1000-task lists. A consumer that falls that far behind is cut off rather than
  // buffered without bound; it reconnects and gets the current list in one message.
  backpressureLimit: 1024 * 1024,
  closeOnBackpressureLimit: true,
  // Bun pings shortly before the timeout, so a live client (browsers answer pings by themselves)
  // is never cut, and proxies that drop silent connections after 60 s see traffic.
  idleTimeout: 30,
  sendPings: true,
  // The same bytes go to every subscriber; compressing them per socket would cost more than it saves.
  perMessageDeflate: false,
} satisfies Partial<WebSocketHandler<unknown>>;

/** What each socket carries. */
export interface StreamData {
  slot: Slot;
  /** The faults this socket lives under (§11); null on the plain pub/sub path. */
  faults: SocketFaults | null;
  trace: SocketTrace | undefined;
}

export type Socket = ServerWebSocket<StreamData>;

/** Sends `message` to a socket, through its fault delay when it has one. */
export function sendTo(ws: Socket, message: string): void {
  if (ws.data.faults?.delayed) ws.data.faults.send(message);
  else ws.send(message);
}
