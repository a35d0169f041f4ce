// In hosted mode, what the journal needs about a socket (journal events `socket.open` and
// `socket.close`): who opened it, when, and how many messages it was sent over its life.
import type { WorkspaceRef } from '../domain/model.ts';
import type { Recorder } from '../journal/recorder.ts';
import type { StreamFormat } from './formats.ts';
import type { Topic } from './publisher.ts';

export interface SocketTrace {
  origin: string | undefined;
  userAgent: string | undefined;
  /** The journal id of its `socket.open`; 0 until it opened. */
  openId: number;
  openedAt: number;
  publishedAtOpen: number;
}

export const newTrace = (headers: Record<string, string | undefined>): SocketTrace => ({
  origin: headers.origin,
  userAgent: headers['user-agent'],
  openId: 0,
  openedAt: 0,
  publishedAtOpen: 0,
});

/** Journals the open; `delayed` when the fault layer delays the socket's messages. */
export function traceOpened(recorder: Recorder, trace: SocketTrace, topic: Topic, format: StreamFormat, delayed: boolean): void {
  trace.openId = recorder.socketOpened(topic.ref, trace.origin, trace.userAgent, delayed ? 'delay' : undefined);
  trace.openedAt = performance.now();
  trace.publishedAtOpen = topic.published[format];
}

/** Journals the close of a socket that opened; `dropped` when the fault layer cut it. */
export function traceClosed(
  recorder: Recorder,
  trace: SocketTrace,
  ref: WorkspaceRef,
  closing: { topic: Topic; format: StreamFormat; code: number; dropped: boolean },
): void {
  if (trace.openId <= 0) return;
  const { topic, format, code, dropped } = closing;
  // The first message on open, then every publish to its format's topic while it was open.
  const messages = 1 + topic.published[format] - trace.publishedAtOpen;
  const lifetimeMs = Math.round(performance.now() - trace.openedAt);
  recorder.socketClosed(ref, trace.openId, lifetimeMs, code, messages, dropped ? 'drop' : undefined);
}
