// GET /: plain text for curl, a linked HTML page for a browser, both from one table so they
// cannot drift apart.
import { escapeHtml } from '../api-docs/html.ts';
import { ASYNCAPI_PATH, DOCS_PATH, OPENAPI_PATH, STREAM_PAGE_PATH } from '../api-docs/paths.ts';
import { DEFAULT_WORKSPACE_ID, STREAM_PATH, TASK_TYPES, WORKSPACE_ID_PATTERN } from '../domain/model.ts';

const ENDPOINTS: ReadonlyArray<{ method: string; path: string; does: string; answers: string; link?: string }> = [
  { method: 'GET', path: '/tasks', does: "list the workspace's tasks", answers: '200 {"tasks": Task[]}' },
  { method: 'POST', path: '/tasks', does: 'create {"name", "type"}', answers: '200 {"task": Task}' },
  { method: 'DELETE', path: '/tasks/:id', does: 'delete a task still queued', answers: '204' },
  { method: 'POST', path: '/tasks/flush', does: 'remove running and completed tasks', answers: '204' },
  { method: 'GET', path: STREAM_PATH, does: 'WebSocket: the list on open, on change', answers: 'frames', link: STREAM_PAGE_PATH },
  { method: 'GET', path: '/stats', does: 'start/request time, live counts', answers: '200', link: '/stats' },
  { method: 'GET', path: '/health', does: 'liveness probe', answers: '200', link: '/health' },
  { method: 'GET', path: '/metrics', does: 'Prometheus metrics (text format)', answers: '200', link: '/metrics' },
];

const DOCS: ReadonlyArray<{ path: string; what: string }> = [
  { path: DOCS_PATH, what: 'interactive REST docs (Swagger UI, works offline)' },
  { path: STREAM_PAGE_PATH, what: 'the live stream explained, with a console' },
  { path: OPENAPI_PATH, what: 'OpenAPI 3 document' },
  { path: ASYNCAPI_PATH, what: 'AsyncAPI 3 document of the WebSocket' },
];

const TITLE = 'a mock task queue for building frontends against';
const KEY_LINE = 'Every task endpoint takes ?api_key=KEY (or X-API-Key / Authorization: Bearer) and';
const WORKSPACE_LINE = `an optional ?workspace_id=ID (default "${DEFAULT_WORKSPACE_ID}", pattern ${WORKSPACE_ID_PATTERN.source}).`;

export function indexText(version: string): string {
  return [
    `taskmock ${version}: ${TITLE}`,
    '',
    KEY_LINE,
    WORKSPACE_LINE,
    '',
    ...ENDPOINTS.map(({ method, path, does, answers }) =>
      `  ${method.padEnd(6)} ${path.padEnd(16)} ${does.padEnd(38)} ${answers}`.trimEnd(),
    ),
    '',
    `Task types: ${TASK_TYPES.join(' ')}`,
    '',
    'Docs (open them in a browser):',
    ...DOCS.map(({ path, what }) => `  ${path.padEnd(16)} ${what}`),
    '',
  ].join('\n');
}

export function indexHtml(version: string): string {
  const rows = ENDPOINTS.map(({ method, path, does, answers, link }) => {
    const name = link ? `<a href="${link}">${escapeHtml(path)}</a>` : escapeHtml(path);
    return `<tr><td>${method}</td><td><code>${name}</code></td><td>${escapeHtml(does)}</td><td><code>${escapeHtml(answers)}</code></td></tr>`;
  });
  const docs = DOCS.map(({ path, what }) => `<li><a href="${path}"><code>${path}</code></a>: ${escapeHtml(what)}</li>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>taskmock ${escapeHtml(version)}</title>
<style>
  body { max-width: 52em; margin: 2em auto; padding: 0 1.5em; font: 15px/1.5 system-ui, sans-serif; }
  code { font: 13px ui-monospace, monospace; } td { padding: .2em 1em .2em 0; vertical-align: top; }
</style>
</head>
<body>
<h1>taskmock ${escapeHtml(version)}</h1>
<p>${escapeHtml(TITLE)}.</p>
<h2>Docs</h2>
<ul>${docs.join('')}</ul>
<h2>Endpoints</h2>
<p>Every task endpoint takes <code>?api_key=KEY</code> (or <code>X-API-Key</code> / <code>Authorization: Bearer</code>)
and an optional <code>?workspace_id=ID</code> (default <code>${DEFAULT_WORKSPACE_ID}</code>, pattern <code>${escapeHtml(WORKSPACE_ID_PATTERN.source)}</code>).</p>
<table>${rows.join('')}</table>
<p>Task types: ${TASK_TYPES.map((type) => `<code>${type}</code>`).join(' ')}</p>
</body>
</html>
`;
}

/** A browser asks for HTML; curl (no Accept, or Accept: *\/*) and scripts get the plain text. */
export function wantsHtml(request: Request): boolean {
  return (request.headers.get('accept') ?? '').toLowerCase().includes('text/html');
}

const page = (body: string, type: string, extraHeaders?: Record<string, string>) =>
  new Response(body, { headers: { 'content-type': `${type}; charset=utf-8`, vary: 'Accept', ...extraHeaders } });

/** GET /: plain text for curl and scripts, the HTML page for a browser (also fast-system.ts, before Elysia is loaded). */
export function indexPage(version: string) {
  const text = indexText(version);
  const html = indexHtml(version);
  return {
    text,
    answer: (request: Request, extraHeaders?: Record<string, string>) =>
      wantsHtml(request) ? page(html, 'text/html', extraHeaders) : page(text, 'text/plain', extraHeaders),
  };
}

/** The body of GET /health (also fast-system.ts, before Elysia is loaded). */
export const health = (brokenWorkspaces: number) =>
  brokenWorkspaces === 0
    ? { status: 'ok' as const }
    : { status: 'degraded' as const, database: 'needs attention' as const, brokenWorkspaces };
