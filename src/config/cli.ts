// What the command line prints and checks: the start banner and the healthcheck probe.
import type { Config } from './config.ts';

export function banner(config: Config, url: string, version: string): string {
  const keys = config.usingDefaultKey
    ? 'demo  (WARNING: no API_KEYS set; using the public default key "demo")'
    : config.apiKeys.map(maskKey).join(', ');
  return [
    `taskmock ${version} listening on ${url}`,
    `  docs      ${url}/swagger   (OpenAPI: ${url}/swagger/json, WebSocket: ${url}/asyncapi.json)`,
    `  api keys  ${keys}`,
    `  database  ${config.databasePath}`,
    `  time      x${config.timeScale}${config.seed === undefined ? '' : `, seed ${config.seed}`}`,
    '',
  ].join('\n');
}

/** Shows enough of a key to recognise it, never enough to use it. */
export function maskKey(key: string): string {
  return key.length <= 4
    ? '*'.repeat(key.length)
    : `${key.slice(0, 2)}${'*'.repeat(Math.min(8, key.length - 4))}${key.slice(-2)}`;
}

/** Exit code for `taskmock healthcheck`: 0 when GET /health answers 200 within two seconds. */
export async function healthcheck(config: Config): Promise<number> {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '[::1]' : config.host;
  try {
    const response = await fetch(`http://${host}:${config.port}/health`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? 0 : 1;
  } catch {
    return 1;
  }
}
