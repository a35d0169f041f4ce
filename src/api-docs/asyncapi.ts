// The AsyncAPI 3 description of the live stream (`GET /ws/tasks`), which OpenAPI cannot express.
// Schemas come from the same TypeBox definitions the REST routes validate with, so the two
// documents cannot drift apart.
import { errors, type ApiError } from '../domain/errors.ts';
import { DEFAULT_WORKSPACE_ID, STREAM_PATH, WORKSPACE_ID_PATTERN } from '../domain/model.ts';
import { COMPONENT_NAME, ErrorBody, Task } from '../http/schemas.ts';
import { FORMAT_QUERY, VERSION_MESSAGES, VERSION_OPERATIONS, VERSION_REFUSALS, VERSION_SCHEMAS } from './asyncapi-versions.ts';

/** Elysia's integers also accept numeric strings (for query strings); a document shows the number. */
function isNumericString(branch: unknown): boolean {
  const { type, format } = (branch ?? {}) as { type?: unknown; format?: unknown };
  return type === 'string' && (format === 'integer' || format === 'numeric');
}

/** The string constants of a union of string literals, or undefined for any other union. */
function stringLiterals(anyOf: unknown[]): string[] | undefined {
  const values = anyOf.map((branch) => {
    const { type, const: value, ...rest } = (branch ?? {}) as Record<string, unknown>;
    return type === 'string' && typeof value === 'string' && Object.keys(rest).length === 0 ? value : undefined;
  });
  return values.every((value) => value !== undefined) ? (values as string[]) : undefined;
}

/**
 * A TypeBox schema as plain JSON Schema: no symbols, no Elysia-only `error` keywords, no naming
 * mark, and a union of string literals as an `enum` (what client generators turn into enums).
 */
export function plainSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(plainSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const { anyOf } = schema as { anyOf?: unknown };
  const literals = Array.isArray(anyOf) && anyOf.length > 0 ? stringLiterals(anyOf) : undefined;
  if (literals) {
    const { anyOf: _, ...rest } = schema as Record<string, unknown>;
    return plainSchema({ ...rest, type: 'string', enum: literals });
  }
  if (Array.isArray(anyOf) && anyOf.length === 2 && anyOf.some(isNumericString)) {
    const { anyOf: _, ...rest } = schema as Record<string, unknown>;
    return plainSchema({ ...rest, ...anyOf.find((branch) => !isNumericString(branch)) });
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if ((key === 'error' || key === COMPONENT_NAME) && typeof value === 'string') continue;
    out[key] =
      key === 'properties' && value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([name, property]) => [name, plainSchema(property)]))
        : plainSchema(value);
  }
  return out;
}

const HANDSHAKE_REFUSALS: ReadonlyArray<{ status: number; error: ApiError; when: string }> = [
  { status: 400, error: errors.invalidWorkspaceId(), when: `\`workspace_id\` does not match \`${WORKSPACE_ID_PATTERN.source}\`` },
  { status: 403, error: errors.forbidden(), when: '`api_key` is missing or not one of the configured keys' },
  {
    status: 429,
    error: errors.tooManyWorkspaces(),
    when: 'the workspace would be new and the key already has `MAX_WORKSPACES` workspaces',
  },
  { status: 429, error: errors.tooManyConnections(), when: 'the workspace already has `MAX_WORKSPACE_CONNECTIONS` open sockets' },
  {
    status: 400,
    error: errors.invalidHandshake(),
    when: 'the request is not a valid WebSocket handshake (a plain GET, a bad `Sec-WebSocket-Key` or version)',
  },
  { status: 503, error: errors.shuttingDown(), when: 'the server is shutting down' },
  ...VERSION_REFUSALS,
];

const EXAMPLE_TASKS = [
  {
    id: 1,
    name: 'resize images',
    type: 'gx.small',
    status: 'completed',
    createdAt: '2026-11-28T11:00:00.000Z',
    startedAt: '2026-11-28T11:00:01.000Z',
    completedAt: '2026-11-28T11:00:07.412Z',
  },
  {
    id: 2,
    name: 'train model',
    type: 'gx.heavy',
    status: 'running',
    createdAt: '2026-11-28T11:00:02.000Z',
    startedAt: '2026-11-28T11:00:03.100Z',
    completedAt: null,
  },
  {
    id: 3,
    name: 'send report',
    type: 'gx.tiny',
    status: 'queued',
    createdAt: '2026-11-28T11:00:09.000Z',
    startedAt: null,
    completedAt: null,
  },
];

function refusalsMarkdown(): string {
  return HANDSHAKE_REFUSALS.map(
    ({ status, error, when }) => `- **${status}** \`${JSON.stringify(error.toBody())}\` when ${when}`,
  ).join('\n');
}

export interface AsyncApiOptions {
  version: string;
  /** host:port the document advertises; the route passes the one the request came in on. */
  host: string;
  /** `wss` behind TLS, `ws` otherwise. */
  protocol: 'ws' | 'wss';
  /** The key examples show (`demo`, or a placeholder on a server with its own keys). */
  exampleKey: string;
  /** The stream's human-readable page, with a live console. */
  streamPagePath: string;
  /** When the list is re-sent unchanged (STREAM_RESEND_MS on this server), in one sentence. */
  tick: string;
}

export function asyncApiDocument({ version, host, protocol, exampleKey, streamPagePath, tick }: AsyncApiOptions) {
  const http = `${protocol === 'wss' ? 'https' : 'http'}://${host}`;
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'taskmock live stream',
      version,
      description: [
        "The workspace's full task list, pushed as one JSON text frame at once on connect and again after",
        'every change (create, start, complete, delete, flush). Changes made in the same instant are',
        'coalesced; the last frame always equals what `GET /tasks` returns. With `?format=envelope` each frame',
        "carries the workspace's version; with `?format=patch` only what changed, and `?since=N` resumes a",
        'dropped connection without a gap (see the `format` and `since` query parameters). Messages sent by the client',
        'are ignored (oversized ones close the socket); idle sockets are kept alive with pings; the server',
        'closes sockets with code 1001 when it shuts down.',
        '',
        tick,
        '',
        `Explained for humans, with a live console, at ${http}${streamPagePath}. From a terminal:`,
        `\`bun -e "new WebSocket('${protocol}://${host}${STREAM_PATH}?api_key=${exampleKey}&workspace_id=${DEFAULT_WORKSPACE_ID}').onmessage = (e) => console.log(e.data)"\``,
        '',
        'The REST API is described by the OpenAPI document at `/swagger/json` (interactive docs at `/swagger`).',
      ].join('\n'),
      license: { name: 'MIT' },
      externalDocs: { description: 'The REST API (OpenAPI 3, interactive)', url: `${http}/swagger` },
    },
    defaultContentType: 'application/json',
    servers: {
      taskmock: {
        host,
        protocol,
        description: 'This taskmock server.',
        security: [{ $ref: '#/components/securitySchemes/apiKeyQuery' }],
      },
    },
    channels: {
      tasks: {
        address: STREAM_PATH,
        title: 'Workspace task list',
        summary: 'The task list of one (API key, workspace), on connect and after every change.',
        description: [
          `Connect with \`GET ${STREAM_PATH}?api_key=KEY&workspace_id=ID\` and a WebSocket upgrade.`,
          '`api_key` is required (browsers cannot set headers on a WebSocket, so the query parameter is',
          `the way; \`X-API-Key\` and \`Authorization: Bearer\` also work). \`workspace_id\` defaults to \`${DEFAULT_WORKSPACE_ID}\`.`,
          '',
          'Key, workspace id and limits are checked before the upgrade. A refused connection gets a plain',
          'HTTP response with a JSON body `{"message", "code"}`, never an upgraded socket:',
          '',
          refusalsMarkdown(),
        ].join('\n'),
        servers: [{ $ref: '#/servers/taskmock' }],
        messages: {
          taskList: { $ref: '#/components/messages/taskList' },
          envelope: { $ref: '#/components/messages/envelope' },
          patch: { $ref: '#/components/messages/patch' },
        },
        bindings: {
          ws: {
            method: 'GET',
            query: {
              type: 'object',
              required: ['api_key'],
              properties: {
                api_key: { type: 'string', description: 'One of the configured API keys.', examples: [exampleKey] },
                workspace_id: {
                  type: 'string',
                  pattern: WORKSPACE_ID_PATTERN.source,
                  default: DEFAULT_WORKSPACE_ID,
                  description: 'The workspace to watch.',
                  examples: [DEFAULT_WORKSPACE_ID],
                },
                ...FORMAT_QUERY,
              },
            },
            bindingVersion: '0.1.0',
          },
        },
        'x-handshake-refusals': HANDSHAKE_REFUSALS.map(({ status, error, when }) => ({ status, body: error.toBody(), when })),
      },
    },
    operations: {
      receiveTaskList: {
        action: 'receive',
        channel: { $ref: '#/channels/tasks' },
        title: 'Receive the task list',
        summary: 'Sent at once on connect, then after every change in the workspace.',
        messages: [{ $ref: '#/channels/tasks/messages/taskList' }],
      },
      ...VERSION_OPERATIONS,
    },
    components: {
      schemas: {
        Task: plainSchema(Task),
        TaskList: { type: 'array', items: { $ref: '#/components/schemas/Task' }, description: 'Ordered by id ascending.' },
        Error: plainSchema(ErrorBody),
        ...VERSION_SCHEMAS,
      },
      messages: {
        taskList: {
          name: 'taskList',
          title: 'Task list',
          summary: 'The whole task list of the workspace (a JSON array, possibly empty).',
          contentType: 'application/json',
          payload: { $ref: '#/components/schemas/TaskList' },
          examples: [
            { name: 'three tasks', summary: 'One task in each state.', payload: EXAMPLE_TASKS },
            { name: 'empty', summary: 'A workspace with no tasks.', payload: [] },
          ],
        },
        ...VERSION_MESSAGES,
      },
      securitySchemes: {
        apiKeyQuery: {
          type: 'httpApiKey',
          name: 'api_key',
          in: 'query',
          description: 'One of the configured API keys (`API_KEYS`; `demo` when none is configured).',
        },
      },
    },
  };
}
