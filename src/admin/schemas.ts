// The admin API's models (SPEC §13), as `t` schemas: validation and the OpenAPI document.
import { Integer } from '../http/json-integer.ts';
import { t } from 'elysia';
import { COMPONENT_NAME } from '../http/schemas.ts';

const Limits = t.Object(
  {
    maxWorkspaces: t.Optional(Integer({ minimum: 1 })),
    maxWorkspaceConnections: t.Optional(Integer({ minimum: 1 })),
    maxRunningWorkspaceTasks: t.Optional(Integer({ minimum: 1 })),
    maxWorkspaceTasks: t.Optional(Integer({ minimum: 1 })),
  },
  {
    additionalProperties: false,
    [COMPONENT_NAME]: 'KeyLimits',
    description: "Each at most the server's own value: a key's limits can only be lower.",
  },
);

export const IssueKeyBody = t.Object(
  {
    label: t.Optional(t.String({ maxLength: 200, examples: ['Ada Lovelace, frontend'] })),
    expiresAt: t.Optional(t.String({ format: 'date-time', description: 'ISO 8601, in the future.' })),
    faults: t.Optional(
      t.Union([t.String({ examples: ['flaky'] }), t.Record(t.String(), t.Unknown())], {
        description: 'A fault preset (`none`, `slow`, `flaky`, `chaos`) or a fault profile (SPEC §11) for this key.',
      }),
    ),
    limits: t.Optional(Limits),
  },
  {
    [COMPONENT_NAME]: 'IssueKeyBody',
    examples: [
      { label: 'Ada Lovelace, frontend', expiresAt: '2026-12-24T18:00:00Z', faults: 'flaky', limits: { maxWorkspaces: 2 } },
    ],
  },
);

const keyFields = {
  name: t.String({ examples: ['ada'] }),
  kind: t.Union([t.Literal('configured'), t.Literal('issued')]),
  label: t.Union([t.String(), t.Null()]),
  createdAt: t.String({ format: 'date-time' }),
  expiresAt: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  revokedAt: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  lastSeenAt: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  status: t.Union([t.Literal('active'), t.Literal('expired'), t.Literal('revoked')]),
  faults: t.Unknown({ description: 'The fault preset or profile of this key, or null.' }),
  limits: t.Object({
    maxWorkspaces: Integer(),
    maxWorkspaceConnections: Integer(),
    maxRunningWorkspaceTasks: Integer(),
    maxWorkspaceTasks: Integer(),
  }),
  counters: t.Object({ requests: Integer(), sockets: Integer(), tasksCreated: Integer() }),
};

export const KeyInfo = t.Object(keyFields, { [COMPONENT_NAME]: 'KeyInfo', description: 'A key, never its secret.' });

export const IssuedKey = t.Object(
  {
    ...keyFields,
    key: t.String({ description: 'The key itself: shown this once, only its hash is kept.', examples: ['tm_ada_…'] }),
  },
  { [COMPONENT_NAME]: 'IssuedKey' },
);

export const KeyList = t.Object({ keys: t.Array(KeyInfo) }, { [COMPONENT_NAME]: 'KeyList' });

export const KeyNameParams = t.Object({ name: t.String({ examples: ['ada'], description: '`^[a-z0-9-]{1,40}$`' }) });

export const ADMIN_SECURITY: Record<string, string[]>[] = [{ adminKey: [] }];
