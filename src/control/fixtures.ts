// Checks a `POST /control/tasks` body and turns each entry into the row the store writes. Errors
// name the entry and the field (`tasks[2].status must be one of …`) so a test author sees at once
// which fixture is wrong; one bad entry refuses the whole body and nothing is written.
import { errors } from '../domain/errors.ts';
import { isTaskType, MAX_NAME_LENGTH, TASK_TYPES, type TaskType } from '../domain/model.ts';

export const FIXTURE_STATUSES = ['queued', 'running', 'completed'] as const;
export type FixtureStatus = (typeof FIXTURE_STATUSES)[number];

/** A longest run a fixture may ask for: a year. */
export const MAX_REMAINING_MS = 365 * 24 * 3600 * 1000;

export interface Fixture {
  name: string;
  type: TaskType;
  status: FixtureStatus;
  /** Only for `running`: how long until it ends; undefined means a drawn duration. */
  remainingMs: number | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function parseOne(entry: unknown, at: string): Fixture {
  if (!isObject(entry)) throw errors.invalidFixture(`${at} must be an object`);
  const name = typeof entry.name === 'string' ? entry.name.trim() : '';
  if (name === '') throw errors.invalidFixture(`${at}.name is required`);
  if (name.length > MAX_NAME_LENGTH) throw errors.invalidFixture(`${at}.name must be at most ${MAX_NAME_LENGTH} characters`);
  if (!isTaskType(entry.type)) throw errors.invalidFixture(`${at}.type must be one of ${TASK_TYPES.join(', ')}`);
  const status = entry.status;
  if (!(FIXTURE_STATUSES as readonly unknown[]).includes(status)) {
    throw errors.invalidFixture(`${at}.status must be one of ${FIXTURE_STATUSES.join(', ')}`);
  }
  const remaining = entry.remainingMs;
  if (remaining !== undefined && remaining !== null) {
    if (status !== 'running') throw errors.invalidFixture(`${at}.remainingMs is only for a running task`);
    if (typeof remaining !== 'number' || !Number.isInteger(remaining) || remaining < 0 || remaining > MAX_REMAINING_MS) {
      throw errors.invalidFixture(`${at}.remainingMs must be a whole number from 0 to ${MAX_REMAINING_MS}`);
    }
  }
  return { name, type: entry.type, status: status as FixtureStatus, remainingMs: (remaining as number | null) ?? undefined };
}

export function parseFixtures(body: unknown): Fixture[] {
  if (!isObject(body) || !Array.isArray(body.tasks)) throw errors.invalidFixture('tasks must be an array of tasks');
  return body.tasks.map((entry, index) => parseOne(entry, `tasks[${index}]`));
}
