// The OpenAPI document's description: how to call the API, with examples pointing at this server
// as the client reached it, and the limits this server was started with. Built per request.
import type { Config } from '../config/config.ts';
import { DEFAULT_API_KEY } from '../config/config.ts';
import { DEFAULT_WORKSPACE_ID, STREAM_PATH } from '../domain/model.ts';
import { durationsInForce, limitsMarkdown } from './limits.ts';
import type { Origin } from './origin.ts';
import { STREAM_PAGE_PATH } from './paths.ts';

/** The key examples use: `demo` when the server runs on it, a placeholder otherwise (keys are never shown). */
export function exampleKey(config: Config): string {
  return config.usingDefaultKey ? DEFAULT_API_KEY : 'KEY';
}

export function apiDescription({
  origin,
  config,
  asyncApiPath,
}: {
  origin: Origin;
  config: Config;
  asyncApiPath: string;
}): string {
  const key = exampleKey(config);
  const base = origin.http;
  return `A mock task-queue backend for building frontends against. Callers identified by an API key
create fictional compute tasks in named workspaces and watch them move \`queued → running → completed\`.

Every \`/tasks\` endpoint takes \`?api_key=KEY\` (or the \`X-API-Key\` header, or \`Authorization: Bearer KEY\`)
and an optional \`?workspace_id=ID\` (default \`default\`). In "Try it out", enter the key once under
**Authorize**. Errors are JSON \`{"message", "code"}\`; an unknown route answers 404
\`{"message": "Not Found", "code": "not_found"}\`.

\`\`\`sh
curl -X POST '${base}/tasks?api_key=${key}' -H 'content-type: application/json' \\
     -d '{"name": "resize images", "type": "gx.small"}'
curl '${base}/tasks?api_key=${key}'
curl -X DELETE '${base}/tasks/1?api_key=${key}'
curl -X POST '${base}/tasks/flush?api_key=${key}'
\`\`\`

**The live stream** \`GET ${STREAM_PATH}\` (a WebSocket, which OpenAPI cannot describe): what it sends and
when, with a live console, on [the stream page](${STREAM_PAGE_PATH}); the machine-readable AsyncAPI 3
document is at [${asyncApiPath}](${asyncApiPath}). From a terminal:

\`\`\`sh
bun -e "new WebSocket('${origin.ws}${STREAM_PATH}?api_key=${key}&workspace_id=${DEFAULT_WORKSPACE_ID}').onmessage = (e) => console.log(e.data)"
\`\`\`

### Limits and pacing in force

${limitsMarkdown(config)}

Task types and their longest run on this server (a run is uniform in [0, that)): ${durationsInForce(config)}.`;
}
