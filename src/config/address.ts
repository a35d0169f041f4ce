// The host part of the URLs for the address the server binds (HOST / --host): the one place that
// knows the wildcard addresses, and that an IPv6 address goes in brackets in a URL.

/** Each wildcard bind address and the loopback a local client reaches it by. */
const WILDCARD_LOOPBACK: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' };

const inUrl = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** What the banner, the ready file and the docs show: `localhost` for a wildcard. */
export function displayedHost(bindHost: string): string {
  return bindHost in WILDCARD_LOOPBACK ? 'localhost' : inUrl(bindHost);
}

/**
 * Where a probe on this machine connects (`taskmock healthcheck`): a wildcard's own loopback, not
 * `localhost`, which may resolve to the other address family than the one bound.
 */
export function probedHost(bindHost: string): string {
  return inUrl(WILDCARD_LOOPBACK[bindHost] ?? bindHost);
}
