// The admin API (SPEC §13): mounted only when ADMIN_KEY is set, so without it every /admin route
// is the plain 404 of an unknown route. Every request carries the admin key as X-Admin-Key,
// checked before anything else, in constant time.
import { Elysia, t } from 'elysia';
import { errors } from '../domain/errors.ts';
import { secretsEqual } from '../domain/key-identity.ts';
import { assertKeyName } from '../domain/key-issue.ts';
import type { KeyRing } from '../domain/keys.ts';
import type { Clock } from '../scheduler/clock.ts';
import { errorResponses } from '../http/schemas.ts';
import type { KeyWrites } from './hosted-routes.ts';
import { keyView } from './key-view.ts';
import { eventLine } from '../journal/events.ts';
import type { Journal } from '../journal/writer.ts';
import { ADMIN_SECURITY, IssuedKey, IssueKeyBody, KeyInfo, KeyList, KeyNameParams } from './schemas.ts';

export interface AdminDependencies {
  adminKey: string;
  keyRing: KeyRing;
  clock: Clock;
  /** Issues and revokes keys, each resolving once committed (hosted-routes.ts). */
  keyWrites: KeyWrites;
  journal: Journal;
}

/**
 * Stands in for a body that is not a JSON object. Elysia parses before any other hook and turns
 * whatever a parser throws into a parse error, so the parser marks the body and the handler
 * refuses it, after the admin key was checked (403 before 400).
 */
const INVALID_BODY = Object.freeze({ invalid: true });

/** An empty body means "no settings"; anything else must be a JSON object. */
async function parseOptionalJson({ request }: { request: Request }): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : INVALID_BODY;
  } catch {
    return INVALID_BODY;
  }
}

const DOCS = { tags: ['admin'], security: ADMIN_SECURITY };

export function adminRoutes(deps: AdminDependencies) {
  const { keyRing, clock } = deps;
  const view = (name: string) => {
    const record = keyRing.get(name);
    if (!record) throw errors.keyNotFound();
    return keyView(record, keyRing.limitsFor(record.identity), clock.now());
  };
  const assertAdmin = (request: Request) => {
    if (!secretsEqual(request.headers.get('x-admin-key') ?? '', deps.adminKey)) throw errors.forbidden();
  };
  return new Elysia({ name: 'taskmock/admin' })
    .onTransform(({ request }) => assertAdmin(request))
    .get('/admin/keys', () => ({ keys: keyRing.list().map((record) => view(record.name)) }), {
      response: { 200: KeyList, ...errorResponses(errors.forbidden()) },
      detail: { ...DOCS, summary: 'Every key, configured and issued (never the key itself)' },
    })
    .put(
      '/admin/keys/:name',
      async ({ params, body }) => {
        assertKeyName(params.name);
        if (body === INVALID_BODY) throw errors.invalidBody();
        const { record, key } = await deps.keyWrites.issue(params.name, body);
        return { ...view(record.name), key };
      },
      {
        parse: parseOptionalJson,
        params: KeyNameParams,
        // Checked by the domain (key-issue.ts), whose messages name the bad field; documented here.
        response: {
          200: IssuedKey,
          ...errorResponses(
            errors.forbidden(),
            errors.invalidKeyName(),
            errors.invalidBody(),
            errors.keyNameTaken('configured-1a2b3c4d'),
          ),
        },
        detail: {
          ...DOCS,
          summary: 'Issue (or re-issue) the key of a name',
          requestBody: { required: false, content: { 'application/json': { schema: IssueKeyBody as Record<string, unknown> } } },
          description:
            'Answers the key, `tm_<name>_<secret>`, this once: only its hash is kept. A re-issue replaces the secret: the old key stops working at once and its sockets are closed with 1008; the workspaces and the journal stay.',
        },
      },
    )
    .get('/admin/keys/:name', ({ params }) => view(params.name), {
      params: KeyNameParams,
      response: { 200: KeyInfo, ...errorResponses(errors.forbidden(), errors.keyNotFound()) },
      detail: { ...DOCS, summary: 'One key (never the key itself)' },
    })
    .get(
      '/admin/keys/:name/journal',
      ({ params }) => {
        view(params.name);
        const lines = deps.journal.read(params.name).map(eventLine).join('');
        return new Response(lines, {
          headers: {
            'content-type': 'application/x-ndjson; charset=utf-8',
            'x-journal-dropped': String(deps.journal.droppedCount(params.name)),
          },
        });
      },
      {
        params: KeyNameParams,
        response: { 200: t.String({ description: 'NDJSON' }), ...errorResponses(errors.forbidden(), errors.keyNotFound()) },
        detail: {
          ...DOCS,
          summary: "The key's journal, oldest first, as NDJSON",
          description:
            'One JSON object per line: requests to /tasks and /control, sockets opened, closed and refused, task transitions. `X-Journal-Dropped` says how many old events were dropped to keep at most JOURNAL_MAX_EVENTS.',
          responses: { 200: { description: 'NDJSON', content: { 'application/x-ndjson': { schema: { type: 'string' } } } } },
        },
      },
    )
    .delete(
      '/admin/keys/:name',
      async ({ params, set }) => {
        await deps.keyWrites.revoke(params.name);
        set.status = 204;
      },
      {
        params: KeyNameParams,
        response: {
          204: t.Void({ description: 'Revoked' }),
          ...errorResponses(errors.forbidden(), errors.keyNotFound(), errors.configuredKeyFixed()),
        },
        detail: {
          ...DOCS,
          summary: 'Revoke an issued key',
          description: 'Its requests get 403 at once and its open sockets are closed with 1008. Its journal and report stay.',
        },
      },
    );
}
