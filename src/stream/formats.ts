// The stream's formats (SPEC §12): `list` (the original's Array<Task> frames, the default),
// `envelope` (`{"version", "tasks"}` after every change) and `patch` (a first full
// `{"version", "tasks"}`, then `{"version", "from", "changes"}`). Each format has its own Bun topic
// per workspace, so every message is built once and published once, whatever the subscribers.
import type { TaskChange } from '../domain/changes.ts';
import { errors } from '../domain/errors.ts';
import type { WorkspaceRef } from '../domain/model.ts';
import { firstQueryValue } from '../http/caller.ts';

export const STREAM_FORMATS = ['list', 'envelope', 'patch'] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

/** What a socket asked for: its format and, for envelope and patch, the version it already holds. */
export interface StreamRequest {
  format: StreamFormat;
  since: number | undefined;
}

const SINCE = /^[0-9]{1,15}$/;

/** Shared by every socket that gives no `since`: no per-socket object for the usual case. */
const PLAIN: Record<StreamFormat, StreamRequest> = {
  list: Object.freeze({ format: 'list', since: undefined }),
  envelope: Object.freeze({ format: 'envelope', since: undefined }),
  patch: Object.freeze({ format: 'patch', since: undefined }),
};

/** Reads `format` and `since` (first values, trimmed), or throws the contract's 400. */
export function parseStreamRequest(query: Record<string, string | undefined>, url: string): StreamRequest {
  const rawFormat = firstQueryValue(query, url, 'format')?.trim() || 'list';
  if (!(STREAM_FORMATS as readonly string[]).includes(rawFormat)) throw errors.invalidFormat();
  const format = rawFormat as StreamFormat;
  const rawSince = firstQueryValue(query, url, 'since')?.trim();
  if (rawSince === undefined) return PLAIN[format];
  if (!SINCE.test(rawSince)) throw errors.invalidSince();
  if (format === 'list') throw errors.sinceNeedsFormat();
  return { format, since: Number(rawSince) };
}

/** The Bun topic of one (API key hash, workspace, format). The list topic keeps its original name. */
export function formatTopic(ref: WorkspaceRef, format: StreamFormat): string {
  const base = `tasks:${ref.keyHash}:${ref.workspaceId}`;
  return format === 'list' ? base : `${base}:${format}`;
}

/** Folds changes in version order into one per task: the last put, or a remove. */
export function coalesce(changes: Iterable<TaskChange>, into = new Map<number, TaskChange>()): Map<number, TaskChange> {
  for (const change of changes) {
    const id = change.op === 'put' ? change.task.id : change.id;
    // Deleted first so the map keeps the order in which tasks last changed.
    into.delete(id);
    into.set(id, change);
  }
  return into;
}

/** `{"version": N, "from": M, "changes": [...]}`: what changed between M and N. */
export function patchMessage(from: number, version: number, changes: Iterable<TaskChange>): string {
  return JSON.stringify({ version, from, changes: [...changes] });
}
