// The report page (SPEC §13): one self-contained page per key, its charts drawn by uPlot, which
// the binary serves itself (report-routes.ts), so it works offline. The page holds no data: it
// asks for the admin key and fetches the JSON report with it. It prints on A4. Its
// Content-Security-Policy, as the admin page's, runs only its own script and uPlot's, and lets it
// talk to this server only, so nothing could read the admin key and send it elsewhere.
import { pagePolicy } from './page-policy.ts';
import { escapeHtml } from '../api-docs/html.ts';
import { REPORT_PAGE_SCRIPT } from './report-script.ts';

export const UPLOT_JS_PATH = '/admin/assets/uplot.min.js';
export const UPLOT_CSS_PATH = '/admin/assets/uplot.min.css';

const STYLE = `
  :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #fff; }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--ink); background: #f6f8fa; }
  header { background: #1b1b1b; color: #fff; padding: 0.7em 1.5em; display: flex; gap: 1.2em; align-items: baseline; flex-wrap: wrap; }
  header a { color: #9fd3ff; }
  header h1 { font-size: 1.15em; margin: 0; }
  main { max-width: 960px; margin: 0 auto; padding: 1em 1.5em 3em; }
  #report { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 1em 1.5em; }
  h2 { font-size: 1.1em; margin: 1.4em 0 0.4em; border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
  h3 { font-size: 1em; margin: 1.2em 0 0.3em; }
  .muted, .note { color: var(--muted); font-size: 0.9em; }
  form#login { display: flex; gap: 0.6em; align-items: center; flex-wrap: wrap; margin: 1em 0; }
  input, button { font: inherit; padding: 0.35em 0.7em; border: 1px solid var(--line); border-radius: 6px; }
  button { background: #f6f8fa; cursor: pointer; }
  button.primary { background: #1f6feb; color: #fff; border-color: #1f6feb; }
  .tools { display: flex; gap: 0.5em; float: right; }
  h1.key { font-size: 1.4em; margin: 0.2em 0; }
  ul#findings { list-style: none; padding: 0; margin: 0.5em 0; }
  .finding { display: grid; grid-template-columns: 6.5em 1fr; gap: 0.2em 0.8em; padding: 0.45em 0.6em; border-left: 4px solid var(--line); margin: 0.35em 0; background: #f6f8fa; break-inside: avoid; }
  .finding .severity { font-weight: 600; text-transform: uppercase; font-size: 0.75em; letter-spacing: 0.04em; padding-top: 0.2em; }
  .finding .evidence { grid-column: 2; color: var(--muted); font-size: 0.8em; }
  .finding.problem { border-color: #cf222e; } .finding.problem .severity { color: #cf222e; }
  .finding.warning { border-color: #d4a72c; } .finding.warning .severity { color: #9a6700; }
  .finding.info { border-color: #1f6feb; } .finding.info .severity { color: #1f6feb; }
  .finding.good { border-color: #2da44e; } .finding.good .severity { color: #1a7f37; }
  .chart { margin: 0.3em 0 0.2em; break-inside: avoid; }
  figure { margin: 0; break-inside: avoid; }
  figcaption { font-weight: 600; margin-top: 1em; }
  .code-legend { display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; margin: 0.2em 0; font-size: 0.85em; }
  .swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; margin-right: 0.35em; vertical-align: -0.1em; }
  table.figures { border-collapse: collapse; width: 100%; font-size: 0.9em; }
  table.figures th { text-align: left; font-weight: 500; color: var(--muted); width: 13em; vertical-align: top; padding: 0.2em 0.8em 0.2em 0; }
  table.figures td { padding: 0.2em 0; }
  table.figures tr { border-bottom: 1px solid #eef1f4; break-inside: avoid; }
  .workspace { break-inside: avoid; }
  @page { size: A4; margin: 14mm; }
  @media print {
    body { background: #fff; font-size: 11pt; }
    header, form#login, .tools, .no-print { display: none !important; }
    main { max-width: none; padding: 0; }
    #report { border: none; padding: 0; }
    h2 { break-after: avoid; }
    #timeline { break-after: page; }
    .uplot { max-width: 100%; }
    .finding { background: none; }
  }
`;

/** The same for every key (the key's name is in the body's data), so hashed once. */
const POLICY = pagePolicy({ script: REPORT_PAGE_SCRIPT, style: STYLE, assetsFromSelf: true });

export const REPORT_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': POLICY,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function reportPage({ version, keyName }: { version: string; keyName: string }): string {
  const name = escapeHtml(keyName);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>Behaviour report: ${name} (taskmock)</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${UPLOT_CSS_PATH}">
  <style>${STYLE}</style>
</head>
<body data-key="${name}">
  <header>
    <h1>taskmock ${escapeHtml(version)}: behaviour report</h1>
    <a href="/admin">admin</a>
    <a href="/admin/keys/${name}/report" class="no-print">JSON</a>
  </header>
  <main>
    <div id="report">
      <div class="tools">
        <button type="button" id="reload">Reload</button>
        <button type="button" id="print">Print</button>
        <button type="button" id="forget">Forget admin key</button>
      </div>
      <h1 class="key">Key <code>${name}</code></h1>
      <p class="muted" id="summary"></p>
      <form id="login" hidden>
        <label for="admin-key">Admin key</label>
        <input id="admin-key" type="password" autocomplete="off" size="28" placeholder="the server's ADMIN_KEY">
        <button class="primary" type="submit">Show the report</button>
        <span class="muted" id="login-message"></span>
      </form>
      <p id="state" class="muted"></p>
      <div id="content" hidden>
        <h2>Findings</h2>
        <ul id="findings"></ul>
        <div id="timeline">
          <h2>Timeline</h2>
          <figure><figcaption>Requests per second by endpoint, injected faults as red marks</figcaption>
            <div class="chart" id="chart-requests"></div><p class="note" id="faults-note"></p></figure>
          <figure><figcaption>Socket lifetimes, coloured by close code</figcaption>
            <div class="chart" id="chart-sockets"></div><div id="sockets-legend"></div><p class="note" id="sockets-note"></p></figure>
          <figure><figcaption>Tasks by status</figcaption><div class="chart" id="chart-tasks"></div></figure>
        </div>
        <h2>Figures</h2>
        <div id="figures"></div>
        <p class="note">How each figure is computed and the thresholds of the findings: docs/hosted.md, "Behaviour report".</p>
      </div>
    </div>
  </main>
  <script src="${UPLOT_JS_PATH}"></script>
  <script>${REPORT_PAGE_SCRIPT}</script>
</body>
</html>
`;
}
