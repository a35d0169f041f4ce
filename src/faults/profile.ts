// A fault profile (SPEC §11): what misbehaviour a workspace, key or server asks for. Plain data,
// validated field by field so a bad profile is refused with a message naming the field.

export type Range = readonly [min: number, max: number];

export interface StreamFaults {
  dropAfterMs?: Range;
  refuseRate?: number;
  delayMs?: Range;
}

export interface FaultProfile {
  latencyMs?: Range;
  errorRate?: number;
  errorStatuses?: readonly number[];
  resetRate?: number;
  stream?: StreamFaults;
  tasks?: { failRate?: number };
}

/** Injected errors use these statuses unless the profile names its own. */
export const DEFAULT_ERROR_STATUSES: readonly number[] = [500, 502, 503, 429];

/** A bad profile; `message` names the field, e.g. `faults.latencyMs must be …`. */
export class FaultProfileError extends Error {
  override readonly name = 'FaultProfileError';
}

const MAX_DELAY_MS = 10 * 60_000;

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function refuseUnknown(value: Fields, allowed: readonly string[], path: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new FaultProfileError(
      `${path} has unknown field ${unknown.map((key) => `"${key}"`).join(', ')} (allowed: ${allowed.join(', ')})`,
    );
  }
}

function range(value: unknown, path: string): Range {
  const valid =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((bound) => typeof bound === 'number' && Number.isFinite(bound)) &&
    0 <= value[0] &&
    value[0] <= value[1] &&
    value[1] <= MAX_DELAY_MS;
  if (!valid) throw new FaultProfileError(`${path} must be [min, max] with 0 ≤ min ≤ max ≤ ${MAX_DELAY_MS} (milliseconds)`);
  return [value[0], value[1]];
}

function rate(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FaultProfileError(`${path} must be a number from 0 to 1`);
  }
  return value;
}

function statuses(value: unknown, path: string): number[] {
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((status) => Number.isInteger(status) && status >= 400 && status <= 599);
  if (!valid) throw new FaultProfileError(`${path} must be a non-empty list of HTTP statuses from 400 to 599`);
  return [...new Set(value as number[])];
}

/** Copies the fields that are present, each checked by its own rule. */
function pick<T>(value: Fields, path: string, rules: Record<string, (field: unknown, path: string) => unknown>): T {
  if (!isObject(value)) throw new FaultProfileError(`${path} must be an object`);
  refuseUnknown(value, Object.keys(rules), path);
  const out: Fields = {};
  for (const [name, rule] of Object.entries(rules)) {
    if (value[name] !== undefined) out[name] = rule(value[name], `${path}.${name}`);
  }
  return out as T;
}

const streamRules = { dropAfterMs: range, refuseRate: rate, delayMs: range };
const taskRules = { failRate: rate };
const profileRules = {
  latencyMs: range,
  errorRate: rate,
  errorStatuses: statuses,
  resetRate: rate,
  stream: (value: unknown, path: string) => pick<StreamFaults>(value as Fields, path, streamRules),
  tasks: (value: unknown, path: string) => pick<{ failRate?: number }>(value as Fields, path, taskRules),
};

/** Checks a profile and returns a clean copy, or throws a FaultProfileError naming the field. */
export function validateProfile(value: unknown, path = 'faults'): FaultProfile {
  return pick<FaultProfile>(value as Fields, path, profileRules);
}

/** True when the profile asks for no fault at all (every rate 0, no latency, no drops, no delay). */
export function isInert(profile: FaultProfile): boolean {
  const { stream = {}, tasks = {} } = profile;
  const ranged = [profile.latencyMs, stream.dropAfterMs, stream.delayMs].some((r) => r !== undefined && r[1] > 0);
  const rates = [profile.errorRate, profile.resetRate, stream.refuseRate, tasks.failRate].some((r) => (r ?? 0) > 0);
  // A drop "after 0 ms" still drops every socket.
  return !ranged && !rates && stream.dropAfterMs === undefined;
}
