// The behaviour report (SPEC §13): GET /admin/keys/:name/report (JSON, X-Admin-Key) and
// /report.html, the page that draws it, with uPlot's script and style served from the binary.
// The page and the assets carry no data, so they need no admin key (a browser cannot send a
// header when it follows a link): the page asks for the key and fetches the JSON with it.
import { Elysia } from 'elysia';
import uplotCssPath from 'uplot/dist/uPlot.min.css' with { type: 'file' };
import uplotJsPath from 'uplot/dist/uPlot.iife.min.js' with { type: 'file' };
import { errors } from '../domain/errors.ts';
import { secretsEqual } from '../domain/key-identity.ts';
import { assertKeyName } from '../domain/key-issue.ts';
import type { KeyRing } from '../domain/keys.ts';
import { errorResponses } from '../http/schemas.ts';
import type { Journal } from '../journal/writer.ts';
import { buildReport } from '../report/report.ts';
import type { Clock } from '../scheduler/clock.ts';
import { REPORT_PAGE_HEADERS, reportPage, UPLOT_CSS_PATH, UPLOT_JS_PATH } from './report-page.ts';
import { Report } from './report-schemas.ts';
import { ADMIN_SECURITY, KeyNameParams } from './schemas.ts';

export interface ReportDependencies {
  adminKey: string;
  keyRing: KeyRing;
  clock: Clock;
  journal: Journal;
  version: string;
}

const asset = (path: string, type: string) => () =>
  new Response(Bun.file(path), { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } });

export function reportRoutes({ adminKey, keyRing, clock, journal, version }: ReportDependencies) {
  return new Elysia({ name: 'taskmock/admin-report' })
    .get(
      '/admin/keys/:name/report',
      ({ params }) => {
        if (!keyRing.get(params.name)) throw errors.keyNotFound();
        return buildReport(journal.read(params.name), {
          key: params.name,
          now: clock.now(),
          dropped: journal.droppedCount(params.name),
        });
      },
      {
        // Before validation, as the other admin routes: a caller without the key learns nothing.
        transform: ({ request }) => {
          if (!secretsEqual(request.headers.get('x-admin-key') ?? '', adminKey)) throw errors.forbidden();
        },
        params: KeyNameParams,
        response: { 200: Report, ...errorResponses(errors.forbidden(), errors.keyNotFound()) },
        detail: {
          tags: ['admin'],
          security: ADMIN_SECURITY,
          summary: "The key's behaviour report",
          description:
            'Computed from the journal on each request: figures for the key and for each workspace (polling while subscribed, reconnects and back-off, retries and Retry-After, duplicate creates, deletes answered 404, 400s by message, refused sockets, first and last activity), findings in plain words, each with the ids of the journal events behind it, and the timeline the report page draws. How each figure is computed: docs/hosted.md, "Behaviour report".',
        },
      },
    )
    .get(
      '/admin/keys/:name/report.html',
      ({ params }) => {
        assertKeyName(params.name);
        return new Response(reportPage({ version, keyName: params.name }), { headers: REPORT_PAGE_HEADERS });
      },
      { params: KeyNameParams, detail: { hide: true } },
    )
    .get(UPLOT_JS_PATH, asset(uplotJsPath, 'text/javascript; charset=utf-8'), { detail: { hide: true } })
    .get(UPLOT_CSS_PATH, asset(uplotCssPath, 'text/css; charset=utf-8'), { detail: { hide: true } });
}
