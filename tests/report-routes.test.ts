// GET /admin/keys/:name/report (JSON, admin key, documented) and report.html with its uPlot
// assets (no key: they hold no data), in process.
import { validate } from '@readme/openapi-parser';
import { Value } from '@sinclair/typebox/value';
import { afterEach, describe, expect, test } from 'bun:test';
import { Report } from '../src/admin/report-schemas.ts';
import { eventually, testTaskmock, type TestTaskmock } from './helpers.ts';

const ADMIN_KEY = 'admin-secret-for-tests';
const admin = { 'x-admin-key': ADMIN_KEY };
let taskmock: TestTaskmock;
afterEach(() => taskmock?.close());

function hosted(): TestTaskmock {
  taskmock = testTaskmock(['--admin-key', ADMIN_KEY, '--api-keys', 'configured-key-0001']);
  return taskmock;
}

async function issue(name: string): Promise<string> {
  const response = await taskmock.request('PUT', `/admin/keys/${name}`, { headers: admin });
  return ((await response.json()) as { key: string }).key;
}

describe('GET /admin/keys/:name/report', () => {
  test('needs the admin key, answers 404 for an unknown key, and the report of a known one', async () => {
    hosted();
    const key = await issue('ada');
    const headers = { 'x-api-key': key };
    await taskmock.request('POST', '/tasks?workspace_id=w', { headers, body: { name: 'n', type: 'gx.tiny' } });
    await taskmock.request('POST', '/tasks?workspace_id=w', { headers, body: { name: 'n', type: 'gx.tiny' } });
    await taskmock.request('POST', '/tasks?workspace_id=w', { headers, body: { name: 'x', type: 'gx.nope' } });
    await taskmock.request('DELETE', '/tasks/77?workspace_id=w', { headers });
    await eventually(() => taskmock.journal!.read('ada').filter((e) => e.kind === 'request').length === 4, '4 requests');

    expect((await taskmock.request('GET', '/admin/keys/ada/report')).status).toBe(403);
    expect((await taskmock.request('GET', '/admin/keys/ada/report', { headers: { 'x-admin-key': 'wrong' } })).status).toBe(403);
    const unknown = await taskmock.request('GET', '/admin/keys/nobody/report', { headers: admin });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'key not found', code: 'key_not_found' });

    const response = await taskmock.request('GET', '/admin/keys/ada/report', { headers: admin });
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(Value.Check(Report, report)).toBe(true);
    expect(report).toMatchObject({ key: 'ada', dropped: 0 });
    expect(report.figures.requests).toBe(4);
    expect(report.findings.map((finding: { kind: string }) => finding.kind).sort()).toEqual([
      'bad-request',
      'duplicate-creates',
      'stale-deletes',
    ]);
    expect(report.figures.badRequests).toMatchObject([{ message: 'invalid task type', count: 1 }]);
  });

  test('is documented in OpenAPI under the admin tag with a named Report schema', async () => {
    hosted();
    const document = await (await taskmock.request('GET', '/swagger/json')).json();
    await validate(structuredClone(document));
    const operation = document.paths['/admin/keys/{name}/report'].get;
    expect(operation.tags).toEqual(['admin']);
    expect(operation.security).toEqual([{ adminKey: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '403', '404']);
    expect(operation.responses[200].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Report' });
    expect(document.components.schemas).toHaveProperty('ReportFinding');
    expect(document.paths['/admin/keys/{name}/report.html']).toBeUndefined();
  });
});

describe('the report page and its assets', () => {
  test('report.html needs no admin key, names the key, and loads uPlot from this server only', async () => {
    hosted();
    const response = await taskmock.request('GET', '/admin/keys/ada/report.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<script src="/admin/assets/uplot.min.js"></script>');
    expect(html).toContain('<body data-key="ada">');
    // As the admin page: only its own script and uPlot run, and it talks to this server only.
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(policy).toContain("connect-src 'self'");
    expect(html).toContain("'taskmock-admin-key'");
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect((await taskmock.request('GET', '/admin/keys/Bad%20Name/report.html')).status).toBe(400);
  });

  test('uPlot script and style are served from the binary, without the admin key', async () => {
    hosted();
    const js = await taskmock.request('GET', '/admin/assets/uplot.min.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toStartWith('text/javascript');
    expect(await js.text()).toContain('uPlot');
    const css = await taskmock.request('GET', '/admin/assets/uplot.min.css');
    expect(css.headers.get('content-type')).toStartWith('text/css');
    expect(await css.text()).toContain('.uplot');
  });

  test('without ADMIN_KEY none of it exists', async () => {
    taskmock = testTaskmock();
    for (const path of ['/admin/keys/ada/report', '/admin/keys/ada/report.html', '/admin/assets/uplot.min.js']) {
      expect((await taskmock.request('GET', path)).status).toBe(404);
    }
  });
});
