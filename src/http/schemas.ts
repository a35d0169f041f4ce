// TypeBox schemas (through Elysia's `t`): the single source of request validation and of the
// OpenAPI document. Each field's `error` names the contract error it maps to (see http-errors.ts).
import { Integer } from './json-integer.ts';
import { t, type TSchema } from 'elysia';
import type { SchemaOptions, TLiteral, TUnion } from '@sinclair/typebox';
import type { ApiError } from '../domain/errors.ts';
import { DEFAULT_WAIT_MS, INDEX_PATTERN, MAX_WAIT_MS, WAIT_PATTERN } from './versioned-reads.ts';
import { DEFAULT_WORKSPACE_ID, MAX_NAME_LENGTH, TASK_STATUSES, TASK_TYPES, WORKSPACE_ID_PATTERN } from '../domain/model.ts';

/**
 * Names a schema in the OpenAPI document: api-docs/components.ts moves every schema carrying this
 * keyword to `components.schemas` under that name and `$ref`s it, so client generators produce
 * named types. Validation ignores the keyword.
 */
export const COMPONENT_NAME = 'x-component-name';

type LiteralTuple<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> } & TSchema[];

/** A union of string literals that keeps each literal in its static type. */
function literalUnion<const T extends readonly string[]>(values: T, options?: SchemaOptions): TUnion<LiteralTuple<T>> {
  return t.Union(
    values.map((value) => t.Literal(value)),
    options,
  ) as unknown as TUnion<LiteralTuple<T>>;
}

export const TaskType = literalUnion(
  TASK_TYPES,
  // A plain union, not t.UnionEnum: Elysia fills a missing UnionEnum field with its first member,
  // which would turn a missing type into gx.tiny instead of a 400.
  {
    [COMPONENT_NAME]: 'TaskType',
    error: 'invalid_task_type',
    description: 'The fictional machine size; it sets how long the task runs.',
  },
);

export const Task = t.Object(
  {
    id: Integer({ minimum: 1, description: 'Per workspace, starting at 1, never reused.' }),
    name: t.String(),
    type: TaskType,
    status: literalUnion(TASK_STATUSES, { [COMPONENT_NAME]: 'TaskStatus' }),
    createdAt: t.String({ format: 'date-time' }),
    startedAt: t.Union([t.String({ format: 'date-time' }), t.Null()]),
    completedAt: t.Union([t.String({ format: 'date-time' }), t.Null()]),
    failure: t.Optional(
      t.String({
        description:
          'Only on a `failed` task (status `failed` appears only under a fault profile with tasks.failRate): why it failed.',
        examples: ['injected failure: the GPU node went away'],
      }),
    ),
  },
  {
    [COMPONENT_NAME]: 'Task',
    examples: [
      {
        id: 1,
        name: 'resize images',
        type: 'gx.small',
        status: 'queued',
        createdAt: '2026-11-28T11:00:00.000Z',
        startedAt: null,
        completedAt: null,
      },
    ],
  },
);

export const CreateTaskBody = t.Object(
  {
    name: t.String({
      pattern: '\\S',
      error: 'name_required',
      description: `Required; trimmed; at most ${MAX_NAME_LENGTH} characters after trimming.`,
      examples: ['resize images'],
    }),
    type: TaskType,
  },
  { [COMPONENT_NAME]: 'CreateTaskBody', error: 'invalid_request_body', examples: [{ name: 'resize images', type: 'gx.small' }] },
);

export const WorkspaceQuery = t.Object({
  api_key: t.Optional(
    t.String({ description: 'An API key (or send X-API-Key / Authorization: Bearer); trimmed.', examples: ['demo'] }),
  ),
  // No `pattern` here: the value is trimmed first and only the first of repeated values counts,
  // so caller.ts checks it (Elysia would check the last value, untrimmed).
  workspace_id: t.Optional(
    t.String({
      // Documented, not declared as a `default`: Elysia would then copy every request's query to
      // fill it in, which cost GET /tasks several percent; caller.ts applies the default instead.
      description:
        `Which workspace of the key: \`${WORKSPACE_ID_PATTERN.source}\` once trimmed of white space; ` +
        `\`${DEFAULT_WORKSPACE_ID}\` when absent, empty or only white space. Only the first of repeated values counts.`,
      examples: ['default'],
    }),
  ),
});

/** GET /tasks: the workspace, and the blocking read of SPEC §12 (`index`, `wait`). */
export const TaskListQuery = t.Object({
  ...WorkspaceQuery.properties,
  index: t.Optional(
    t.String({
      pattern: INDEX_PATTERN,
      error: 'invalid_index',
      description:
        'Blocking read: a `version` from an earlier answer. While the workspace is still at that version the ' +
        'answer waits until it changes (or `wait` runs out); any other version answers at once.',
      examples: ['12'],
    }),
  ),
  wait: t.Optional(
    t.String({
      pattern: WAIT_PATTERN,
      error: 'invalid_wait',
      description:
        `With \`index\`: how long to wait at most, \`ms\`, \`s\` or \`m\` (a bare number is seconds); default ` +
        `${DEFAULT_WAIT_MS / 1000}s, longer values are cut to ${MAX_WAIT_MS / 60_000}m. Ignored without \`index\`.`,
      examples: ['30s'],
    }),
  ),
});

export const TaskIdParams = t.Object({
  id: t.String({ pattern: '^[1-9][0-9]{0,14}$', error: 'invalid_task_id', examples: ['1'] }),
});

export const ErrorBody = t.Object(
  { message: t.String(), code: t.String({ description: 'Stable, machine-readable error code.' }) },
  { [COMPONENT_NAME]: 'Error', examples: [{ message: 'Forbidden', code: 'forbidden' }] },
);

export const TaskListBody = t.Object(
  {
    tasks: t.Array(Task),
    version: Integer({
      minimum: 0,
      description:
        "The workspace's version: one more for every committed change, never lowered (0 for a workspace that never " +
        'changed). Also sent as the `ETag` header; pass it as `index` for a blocking read.',
    }),
  },
  { [COMPONENT_NAME]: 'TaskList', description: "The workspace's tasks, ordered by id ascending, and its version." },
);
/** The `ETag` response header of GET /tasks (OpenAPI response `headers`, moved there by the plugin). */
const ETAG_HEADER = {
  ETag: {
    description: 'The workspace\'s `version`, quoted (`"12"`): send it back as `If-None-Match` for a 304 while nothing changed.',
    schema: { type: 'string', examples: ['"12"'] },
  },
};

/** GET /tasks's 200: the list and its version, with the ETag header. */
export const TaskListResponse = t.Object(TaskListBody.properties, {
  [COMPONENT_NAME]: 'TaskList',
  description: TaskListBody.description,
  examples: [{ tasks: [Task.examples[0]], version: 3 }],
  headers: ETAG_HEADER,
});

/** GET /tasks's 304 (If-None-Match named the current version). */
export const NotModified = t.Void({
  description: '`If-None-Match` names the current version: nothing changed since, no body.',
  headers: ETAG_HEADER,
});

/** The request header of a conditional read, documented beside the schema-made parameters. */
export const IF_NONE_MATCH_PARAMETER = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description:
    'Conditional read: an `ETag` from an earlier answer (a comma-separated list, `W/` prefixes and `*` accepted). ' +
    'While it names the current version the answer is 304 with no body.',
  schema: { type: 'string' },
  example: '"12"',
};

export const TaskBody = t.Object({ task: Task }, { [COMPONENT_NAME]: 'TaskCreated', description: 'The new task, `queued`.' });

/**
 * A route's error responses, keyed by status, from the errors it can answer: the OpenAPI document
 * lists each status with the exact messages as its description and examples.
 */
export function errorResponses(...possible: ApiError[]): Record<number, typeof ErrorBody> {
  const byStatus = new Map<number, ApiError[]>();
  for (const error of possible) byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      t.Object(ErrorBody.properties, {
        [COMPONENT_NAME]: 'Error',
        description: list.map((error) => `\`${error.message}\``).join(' or '),
        examples: list.map((error) => error.toBody()),
      }),
    ]),
  );
}

/** OpenAPI security requirement of the task routes: any one of the three ways to send the key. */
export const API_KEY_SECURITY: Record<string, string[]>[] = [{ apiKeyQuery: [] }, { apiKeyHeader: [] }, { bearer: [] }];
