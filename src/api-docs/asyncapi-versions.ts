// The versioned stream formats in the AsyncAPI document (SPEC §12): the `format` and `since`
// query parameters, the envelope and patch messages with their schemas, and their refusals.
import { errors, type ApiError } from '../domain/errors.ts';

export const FORMAT_QUERY = {
  format: {
    type: 'string',
    enum: ['list', 'envelope', 'patch'],
    default: 'list',
    description:
      '`list` (default): the original `Array<Task>` frames, with the periodic resend. `envelope`: ' +
      '`{"version", "tasks"}` after every change, no resend. `patch`: a first `{"version", "tasks"}`, then ' +
      '`{"version", "from", "changes"}` holding only what changed between `from` and `version`, no resend.',
    examples: ['patch'],
  },
  since: {
    type: 'string',
    pattern: '^[0-9]{1,15}$',
    description:
      'With `envelope` or `patch`: the version the client already holds (from a message, or `GET /tasks`). ' +
      '`patch` then gets only the changes after it when the server still holds them (the last 1,000 changes ' +
      'of the workspace, in memory: not across a restart), otherwise a full `{"version", "tasks"}`; `envelope` ' +
      'gets the current envelope at once. Equal to the current version: nothing until the next change. Ahead ' +
      'of the server (another server, a wiped database): a full snapshot.',
    examples: ['12'],
  },
};

export const VERSION_REFUSALS: ReadonlyArray<{ status: number; error: ApiError; when: string }> = [
  { status: 400, error: errors.invalidFormat(), when: '`format` is not `list`, `envelope` or `patch`' },
  { status: 400, error: errors.invalidSince(), when: '`since` is not a non-negative integer' },
  { status: 400, error: errors.sinceNeedsFormat(), when: '`since` is given with the `list` format' },
];

const TASK_REF = { $ref: '#/components/schemas/Task' };

export const VERSION_SCHEMAS = {
  Version: {
    type: 'integer',
    minimum: 0,
    description:
      "The workspace's version: one more for every committed change, never lowered, never reused (the `version` of GET /tasks).",
  },
  Envelope: {
    type: 'object',
    required: ['version', 'tasks'],
    properties: { version: { $ref: '#/components/schemas/Version' }, tasks: { type: 'array', items: TASK_REF } },
    description: 'The whole list at one version: every `envelope` frame, and the first (or a resynchronizing) `patch` frame.',
  },
  TaskChange: {
    oneOf: [
      {
        type: 'object',
        required: ['op', 'task'],
        properties: { op: { const: 'put' }, task: TASK_REF },
        description: 'The task now holds these values (created, started, completed).',
      },
      {
        type: 'object',
        required: ['op', 'id'],
        properties: { op: { const: 'remove' }, id: { type: 'integer', minimum: 1 } },
        description: 'The task is gone (deleted, flushed).',
      },
    ],
  },
  Patch: {
    type: 'object',
    required: ['version', 'from', 'changes'],
    properties: {
      version: { $ref: '#/components/schemas/Version' },
      from: { type: 'integer', minimum: 0, description: 'The version this patch applies to: always the one the client holds.' },
      changes: {
        type: 'array',
        items: { $ref: '#/components/schemas/TaskChange' },
        description: 'At most one entry per task, coalesced over the turn; apply in any order, keep the list ordered by id.',
      },
    },
  },
};

const EXAMPLE_TASK = {
  id: 2,
  name: 'train model',
  type: 'gx.heavy',
  status: 'running',
  createdAt: '2026-11-28T11:00:02.000Z',
  startedAt: '2026-11-28T11:00:03.100Z',
  completedAt: null,
};

export const VERSION_MESSAGES = {
  envelope: {
    name: 'envelope',
    title: 'Versioned task list',
    summary: 'The whole list with its version (`format=envelope`, and the first `format=patch` frame).',
    contentType: 'application/json',
    payload: { $ref: '#/components/schemas/Envelope' },
    examples: [{ name: 'one task', payload: { version: 7, tasks: [EXAMPLE_TASK] } }],
  },
  patch: {
    name: 'patch',
    title: 'Changes since the last message',
    summary: 'What changed between `from` (the version the client holds) and `version` (`format=patch`).',
    contentType: 'application/json',
    payload: { $ref: '#/components/schemas/Patch' },
    examples: [
      {
        name: 'a start and a delete',
        payload: {
          version: 9,
          from: 7,
          changes: [
            { op: 'put', task: EXAMPLE_TASK },
            { op: 'remove', id: 3 },
          ],
        },
      },
    ],
  },
};

export const VERSION_OPERATIONS = {
  receiveEnvelope: {
    action: 'receive',
    channel: { $ref: '#/channels/tasks' },
    title: 'Receive versioned lists (format=envelope)',
    summary: 'At once on connect (unless `since` is the current version), then after every change; no periodic resend.',
    messages: [{ $ref: '#/channels/tasks/messages/envelope' }],
  },
  receivePatch: {
    action: 'receive',
    channel: { $ref: '#/channels/tasks' },
    title: 'Receive patches (format=patch)',
    summary:
      'First a full list (or, resuming with `since`, only the missed changes), then one patch per turn with changes. ' +
      'Never a gap, never a repeated version: each `from` is the version the client holds. No periodic resend.',
    messages: [{ $ref: '#/channels/tasks/messages/envelope' }, { $ref: '#/channels/tasks/messages/patch' }],
  },
};
