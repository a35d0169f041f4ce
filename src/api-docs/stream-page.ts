// The stream's human-readable page: what GET /ws/tasks sends and when, how a refusal looks, and a
// live console (key, workspace, format, connect, frames as they arrive). One self-contained page:
// inline style and script, nothing from another host, so it works offline from the binary.
import type { Config } from '../config/config.ts';
import { DEFAULT_WORKSPACE_ID, STREAM_PATH } from '../domain/model.ts';
import type { Origin } from './origin.ts';
import { escapeHtml } from './html.ts';
import { exampleKey } from './overview.ts';
import { streamFormats, type StreamFormat } from './stream-formats.ts';
import { STREAM_PAGE_SCRIPT } from './stream-console.ts';

export interface StreamPageOptions {
  version: string;
  config: Config;
  origin: Origin;
  links: { docs: string; openApi: string; asyncApi: string };
}

/** Escaped text with `code spans` as <code>. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function formatSection(format: StreamFormat): string {
  const query = format.isDefault
    ? `(the default; or <code>?format=${format.name}</code>)`
    : `<code>?format=${format.name}</code>`;
  return `<section>
  <h3><code>${escapeHtml(format.name)}</code> ${query}</h3>
  <p>${prose(format.summary)}</p>
  <ol>${format.sends.map((sentence) => `<li>${prose(sentence)}</li>`).join('')}</ol>
  <details><summary>Example frame</summary><pre>${escapeHtml(JSON.stringify(format.example, null, 2))}</pre></details>
</section>`;
}

const STYLE = `
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1b1b1b; }
  nav { display: flex; gap: 1.5em; align-items: baseline; padding: .8em 1.5em; background: #1b1b1b; color: #fff; }
  nav a { color: #9fd3ff; }
  main { max-width: 60em; margin: 0 auto; padding: 0 1.5em 3em; }
  code, pre { font: 13px/1.4 ui-monospace, monospace; background: #f3f3f3; }
  pre { padding: .6em; overflow-x: auto; }
  #console { border: 1px solid #ccc; padding: 1em; border-radius: 6px; }
  #console label { margin-right: 1em; }
  #console input, #console select { font: inherit; padding: .2em .4em; }
  #console button { font: inherit; padding: .2em 1em; }
  #state { font-weight: bold; }
  #frames { list-style: none; padding: 0; max-height: 36em; overflow-y: auto; }
  #frames li { border-top: 1px solid #eee; padding: .3em 0; }
  #frames time { font-family: ui-monospace, monospace; color: #555; margin-right: .6em; }
  #frames li.event { color: #8a4b00; }
  #frames pre { margin: .3em 0 0; }
`;

export function streamPage({ version, config, origin, links }: StreamPageOptions): string {
  const key = exampleKey(config);
  const url = `${origin.ws}${STREAM_PATH}?api_key=${key}&workspace_id=${DEFAULT_WORKSPACE_ID}`;
  const formats = streamFormats(config);
  const settings = {
    formats: formats.map(({ name, isDefault }) => ({ name, isDefault })),
    streamPath: STREAM_PATH,
    limit: config.maxWorkspaceConnections,
    workspaces: config.maxWorkspaces,
  };
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>taskmock ${escapeHtml(version)}: the live stream ${STREAM_PATH}</title>
  <style>${STYLE}</style>
</head>
<body>
<nav>
  <strong>taskmock ${escapeHtml(version)}</strong>
  <a href="${links.docs}">REST API docs</a>
  <a href="${links.asyncApi}">AsyncAPI 3 (JSON)</a>
  <a href="${links.openApi}">OpenAPI 3 (JSON)</a>
  <a href="/">index</a>
</nav>
<main>
<h1>The live stream: <code>GET ${STREAM_PATH}</code></h1>
<p>A WebSocket that sends one workspace's task list as JSON text frames. Connect to
<code>${escapeHtml(url)}</code>. Browsers cannot set headers on a WebSocket, so the key goes in
<code>api_key</code> (<code>X-API-Key</code> and <code>Authorization: Bearer</code> work from other clients);
<code>workspace_id</code> is optional (default <code>${DEFAULT_WORKSPACE_ID}</code>).</p>

<h2>Live console</h2>
<form id="console" autocomplete="off">
  <label>API key <input id="key" value="${config.usingDefaultKey ? key : ''}" placeholder="your key" required></label>
  <label>Workspace <input id="workspace" value="${DEFAULT_WORKSPACE_ID}" size="14"></label>
  <label>Format <select id="format">${formats.map((format) => `<option${format.isDefault ? ' selected' : ''}>${escapeHtml(format.name)}</option>`).join('')}</select></label>
  <label title="envelope and patch: resume after this version">since <input id="since" size="6" inputmode="numeric" placeholder="none"></label>
  <button id="connect" type="submit">Connect</button>
  <button id="create" type="button" title="POST /tasks with this key and workspace">Create a gx.tiny task</button>
  <p>State: <span id="state">closed</span> · frames: <span id="count">0</span></p>
  <ol id="frames" aria-live="polite"></ol>
</form>

<h2>What it sends, and when</h2>
${formats.map(formatSection).join('\n')}
<p>Messages from the client are ignored (one over 4 KiB closes the socket with 1009). Idle sockets
are pinged so proxies keep them open; a client that stops reading is closed once 1 MiB waits for it;
on shutdown every socket is closed with 1001.</p>

<h2>When the server refuses</h2>
<p>The key, the workspace id and the limits (${config.maxWorkspaceConnections} sockets per workspace,
${config.maxWorkspaces} workspaces per key on this server) are checked before the upgrade. A refused
connection is a plain HTTP answer (400, 403, 429 or 503 with <code>{"message", "code"}</code>), never an
upgraded socket, and a browser shows it only as close code 1006 with no reason. To learn why,
call <code>GET /tasks</code> with the same key and workspace (the console does), then retry with a
growing delay. The full list is in the <a href="${links.asyncApi}">AsyncAPI document</a>.</p>

<h2>From a terminal</h2>
<pre>bun -e "new WebSocket('${escapeHtml(url)}').onmessage = (e) => console.log(e.data)"
node -e "new WebSocket('${escapeHtml(url)}').onmessage = (e) => console.log(e.data)"   # Node.js 22+ (on 20: node --experimental-websocket -e …)</pre>
</main>
<script>const STREAM = ${JSON.stringify(settings).replace(/</g, '\\u003c')};
${STREAM_PAGE_SCRIPT}</script>
</body>
</html>
`;
}
