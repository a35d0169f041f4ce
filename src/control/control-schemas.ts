// TypeBox schemas of the /control routes: the OpenAPI document's source. Request bodies are checked
// by the control service (with messages naming the field), so their schemas only document them.
import { Integer } from '../http/json-integer.ts';
import { t } from 'elysia';
import { TASK_TYPES } from '../domain/model.ts';
import { COMPONENT_NAME, Task } from '../http/schemas.ts';
import { FIXTURE_STATUSES, MAX_REMAINING_MS } from './fixtures.ts';

const clockFields = {
  now: t.String({
    format: 'date-time',
    description: "The workspace's own time: real time plus its offset, frozen while paused.",
  }),
  paused: t.Boolean(),
  timeScale: t.Number({ description: "This workspace's time scale (TIME_SCALE unless set with PUT /control/clock)." }),
  nextTransitionAt: t.Union([t.String({ format: 'date-time' }), t.Null()], {
    description: 'When the next start or end is due, in workspace time; null when nothing is queued or running.',
  }),
};

const CLOCK_EXAMPLE = {
  now: '2026-11-28T11:00:00.000Z',
  paused: true,
  timeScale: 1,
  nextTransitionAt: '2026-11-28T11:00:01.000Z',
};

export const ClockBody = t.Object(clockFields, { [COMPONENT_NAME]: 'Clock', examples: [CLOCK_EXAMPLE] });

export const ClockWithTasksBody = t.Object(
  { ...clockFields, tasks: t.Array(Task) },
  {
    [COMPONENT_NAME]: 'ClockWithTasks',
    description: "The workspace's clock after the move, and its tasks.",
    examples: [{ ...CLOCK_EXAMPLE, tasks: [] }],
  },
);

export const FixtureTasksBody = t.Object(
  { tasks: t.Array(Task) },
  {
    [COMPONENT_NAME]: 'FixtureTasks',
    description: 'The tasks created, in order, with fresh ids.',
    examples: [{ tasks: [Task.examples[0]] }],
  },
);

const Fixture = t.Object({
  name: t.String({ description: 'Required; trimmed; at most 200 characters.' }),
  type: t.Union(
    TASK_TYPES.map((type) => t.Literal(type)),
    { description: 'A task type.' },
  ),
  status: t.Union(
    FIXTURE_STATUSES.map((status) => t.Literal(status)),
    { description: '`completed` ones ended now; `running` ones end after `remainingMs`.' },
  ),
  remainingMs: t.Optional(
    Integer({
      minimum: 0,
      maximum: MAX_REMAINING_MS,
      description: 'Only for `running`: milliseconds of workspace time until it ends (default: a drawn duration).',
    }),
  ),
});

const FixturesRequest = t.Object(
  { tasks: t.Array(Fixture) },
  {
    [COMPONENT_NAME]: 'Fixtures',
    examples: [
      {
        tasks: [
          { name: 'done', type: 'gx.small', status: 'completed' },
          { name: 'busy', type: 'gx.large', status: 'running', remainingMs: 30000 },
          { name: 'waits', type: 'gx.tiny', status: 'queued' },
        ],
      },
    ],
  },
);

const AdvanceRequest = t.Object(
  { ms: Integer({ minimum: 0, maximum: 31_536_000_000, description: 'Milliseconds of workspace time to move on.' }) },
  { [COMPONENT_NAME]: 'Advance', examples: [{ ms: 60000 }] },
);

const TimeScaleRequest = t.Object(
  {
    timeScale: t.Union([t.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }), t.Null()], {
      description: 'Divides durations, queue time and pacing in this workspace; null goes back to TIME_SCALE.',
    }),
  },
  { [COMPONENT_NAME]: 'TimeScale', examples: [{ timeScale: 10 }] },
);

/** A request body for the document only: the service checks it, with messages naming the field. */
const documented = (schema: object) => ({
  required: true,
  content: { 'application/json': { schema: schema as Record<string, never> } },
});

export const REQUEST_BODIES = {
  fixtures: documented(FixturesRequest),
  advance: documented(AdvanceRequest),
  timeScale: documented(TimeScaleRequest),
};

export const ScopeQuery = t.Optional(
  t.String({ description: '`key`: reset every workspace of the key; `workspace` (the default): this one.', examples: ['key'] }),
);
