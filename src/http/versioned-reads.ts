// The HTTP side of versions (SPEC §12): the blocking-read parameters `index` and `wait`, and the
// conditional read (`ETag` / `If-None-Match` → 304).
import { errors } from '../domain/errors.ts';

/** Without `wait`, a blocking read waits this long (Consul's default). */
export const DEFAULT_WAIT_MS = 30_000;
/** A longer `wait` is cut to this (as Consul does): no request is held for more than 5 minutes. */
export const MAX_WAIT_MS = 5 * 60_000;

/** `index`: a version, a non-negative integer. */
export const INDEX_PATTERN = '^[0-9]{1,15}$';
/** `wait`: a number with `ms`, `s` or `m`; a bare number is seconds. */
export const WAIT_PATTERN = '^([0-9]{1,9}(\\.[0-9]{1,3})?)(ms|s|m)?$';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
const WAIT = new RegExp(WAIT_PATTERN);
const INDEX = new RegExp(INDEX_PATTERN);

/** Milliseconds for a `wait` value (clamped to MAX_WAIT_MS), or throws 400 `invalid wait`. */
export function parseWait(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WAIT_MS;
  const match = WAIT.exec(value);
  if (!match) throw errors.invalidWait();
  return Math.min(MAX_WAIT_MS, Math.round(Number(match[1]) * UNIT_MS[match[3] ?? 's']!));
}

/** The blocking read a query asks for, or undefined for a plain read (no `index`). */
export function blockingRead(query: { index?: string; wait?: string }): { index: number; waitMs: number } | undefined {
  const waitMs = parseWait(query.wait);
  if (query.index === undefined) return undefined;
  if (!INDEX.test(query.index)) throw errors.invalidIndex();
  return { index: Number(query.index), waitMs };
}

/**
 * Whether an `If-None-Match` header matches `etag`: `*`, or a comma-separated list of tags, each
 * possibly weak (`W/"3"`), compared weakly as RFC 9110 says for If-None-Match.
 */
export function noneMatchHits(header: string | null, etag: string): boolean {
  if (header === null) return false;
  for (const part of header.split(',')) {
    const tag = part.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}
