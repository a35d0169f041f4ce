// What the command line prints and checks: the start banner and the healthcheck probe.
import { STREAM_PATH } from '../domain/model.ts';
import { probedHost } from './address.ts';
import { type Config, DEFAULT_API_KEY } from './config.ts';

/** Where the running server can be reached, as the banner and the ready file tell it. */
export interface Listening {
  url: string;
  port: number;
  wsUrl: string;
}

export function listeningAt(url: string, port: number): Listening {
  return { url, port, wsUrl: `${url.replace(/^http/, 'ws')}${STREAM_PATH}` };
}

export function banner(config: Config, at: Listening, version: string): string {
  return config.logFormat === 'json' ? `${JSON.stringify(jsonBanner(config, at, version))}\n` : prettyBanner(config, at, version);
}

function prettyBanner(config: Config, { url, wsUrl }: Listening, version: string): string {
  const keys = config.usingDefaultKey
    ? 'demo  (WARNING: no API_KEYS set; using the public default key "demo")'
    : config.apiKeys.map(maskKey).join(', ');
  const streamKey = config.usingDefaultKey ? 'demo' : '<key>';
  const short = config.usingDefaultKey ? 0 : config.apiKeys.filter((key) => key.length < SAFE_KEY_LENGTH).length;
  return [
    `taskmock ${version} listening on ${url}`,
    `  stream    ${wsUrl}?api_key=${streamKey}&workspace_id=default`,
    `  docs      ${url}/swagger   (OpenAPI: ${url}/swagger/json, WebSocket: ${url}/asyncapi.json)`,
    `  api keys  ${keys}`,
    ...(short === 0
      ? []
      : [
          `  WARNING   ${short} configured key(s) shorter than ${SAFE_KEY_LENGTH} characters: whoever reads the database file can guess them`,
        ]),
    ...(config.adminKey === undefined ? [] : [`  admin     ${url}/admin   (hosted mode: issued keys, journal, reports)`]),
    `  database  ${config.databasePath}`,
    `  time      x${config.timeScale}${config.seed === undefined ? '' : `, seed ${config.seed}`}`,
    '',
  ].join('\n');
}

/** The banner for programs: one JSON object on one line, with the port `--port 0` picked. */
function jsonBanner(config: Config, at: Listening, version: string): Record<string, unknown> {
  return {
    time: new Date().toISOString(),
    level: 'info',
    event: 'listening',
    msg: `taskmock ${version} listening on ${at.url}`,
    ...at,
    docsUrl: `${at.url}/swagger`,
    version,
    pid: process.pid,
    apiKeys: config.usingDefaultKey ? [DEFAULT_API_KEY] : config.apiKeys.map(maskKey),
    ...(config.usingDefaultKey && { warning: 'no API_KEYS set; using the public default key "demo"' }),
    database: config.databasePath,
    timeScale: config.timeScale,
    ...(config.seed !== undefined && { seed: config.seed }),
  };
}

/** Shows enough of a key to recognise it, never enough to use it. */
/** Keys shorter than this are warned about at start (a short key can be guessed from its hash). */
export const SAFE_KEY_LENGTH = 12;

/**
 * Shows enough of a key to recognise it, never enough to guess it: its first two characters and
 * its length when it is long, nothing at all (not even its length) when it is short.
 */
export function maskKey(key: string): string {
  return key.length >= SAFE_KEY_LENGTH ? `${key.slice(0, 2)}… (${key.length} characters)` : '*****';
}

/** Exit code for `taskmock healthcheck`: 0 when GET /health answers 200 within two seconds. */
export async function healthcheck(config: Config): Promise<number> {
  try {
    const response = await fetch(`http://${probedHost(config.host)}:${config.port}/health`, {
      signal: AbortSignal.timeout(2000),
    });
    return response.ok ? 0 : 1;
  } catch {
    return 1;
  }
}
