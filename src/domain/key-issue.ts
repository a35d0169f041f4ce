// What `PUT /admin/keys/:name` may ask for, checked with a message naming the bad field, and the
// key's secret and identity.
import { errors } from './errors.ts';
import { sha256, saltedDigest } from './key-identity.ts';
import type { KeyLimits } from './key-record.ts';

export const KEY_NAME_PATTERN = /^[a-z0-9-]{1,40}$/;
const LIMIT_FIELDS = ['maxWorkspaces', 'maxWorkspaceConnections', 'maxRunningWorkspaceTasks', 'maxWorkspaceTasks'] as const;
/** SPEC §11's presets; a profile object is checked by the faults module (`checkFaults`). */
export const FAULT_PRESETS = ['none', 'slow', 'flaky', 'chaos'] as const;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export interface IssueRequest {
  label: string | null;
  expiresAt: number | null;
  faults: unknown;
  limits: Partial<KeyLimits> | null;
}

/** 32 URL-safe characters from the system's cryptographic random source (192 bits). */
export const newSecret = (): string => Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url');

/** An issued key's workspaces are stored under its name's identity, so a re-issue keeps them. */
export const issuedKeyIdentity = (salt: Uint8Array, name: string): string => saltedDigest(salt, sha256(`issued:${name}`));

export function assertKeyName(name: string): void {
  if (!KEY_NAME_PATTERN.test(name)) throw errors.invalidKeyName();
}

/**
 * Checks a fault profile object, answering its clean copy; throws an Error whose message names the
 * bad field. Injected, so the domain knows nothing of faults.
 */
export type FaultsCheck = (profile: object) => object;

export function parseIssueRequest(
  name: string,
  body: unknown,
  server: KeyLimits,
  now: number,
  checkFaults: FaultsCheck = (profile) => profile,
): IssueRequest {
  assertKeyName(name);
  const input = (body ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || Array.isArray(input)) throw errors.invalidBody();
  return {
    label: parseLabel(input.label),
    expiresAt: parseExpiry(input.expiresAt, now),
    faults: parseFaults(input.faults, checkFaults),
    limits: parseLimits(input.limits, server),
  };
}

function parseLabel(label: unknown): string | null {
  if (label === undefined || label === null) return null;
  if (typeof label !== 'string' || label.trim().length > 200) {
    throw errors.invalidKeySettings('label must be a string of at most 200 characters');
  }
  return label.trim() || null;
}

function parseExpiry(expiresAt: unknown, now: number): number | null {
  if (expiresAt === undefined || expiresAt === null) return null;
  const time = typeof expiresAt === 'string' && ISO_TIME.test(expiresAt) ? Date.parse(expiresAt) : Number.NaN;
  if (!Number.isFinite(time)) throw errors.invalidKeySettings('expiresAt must be an ISO 8601 time such as 2026-12-24T18:00:00Z');
  if (time <= now) throw errors.invalidKeySettings('expiresAt must be in the future');
  return time;
}

/** None given: the server's profile. `"none"` is kept: the key has no faults whatever FAULTS says. */
function parseFaults(faults: unknown, check: FaultsCheck): unknown {
  if (faults === undefined || faults === null) return null;
  if (typeof faults === 'string' && (FAULT_PRESETS as readonly string[]).includes(faults)) return faults;
  if (typeof faults !== 'object' || Array.isArray(faults)) {
    throw errors.invalidKeySettings(`faults must be a preset (${FAULT_PRESETS.join(', ')}) or a fault profile object`);
  }
  try {
    return check(faults);
  } catch (error) {
    throw errors.invalidKeySettings((error as Error).message);
  }
}

function parseLimits(limits: unknown, server: KeyLimits): Partial<KeyLimits> | null {
  if (limits === undefined || limits === null) return null;
  if (typeof limits !== 'object' || Array.isArray(limits)) throw errors.invalidKeySettings('limits must be an object');
  const result: Partial<KeyLimits> = {};
  for (const [field, value] of Object.entries(limits)) {
    if (!(LIMIT_FIELDS as readonly string[]).includes(field)) {
      throw errors.invalidKeySettings(`limits.${field} is not a limit (${LIMIT_FIELDS.join(', ')})`);
    }
    const max = server[field as keyof KeyLimits];
    if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > max) {
      throw errors.invalidKeySettings(`limits.${field} must be a whole number from 1 to ${max} (it may only lower the server's)`);
    }
    result[field as keyof KeyLimits] = value as number;
  }
  return Object.keys(result).length === 0 ? null : result;
}
