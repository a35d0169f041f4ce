// Where the docs' examples point: the host and port the client reached, taken from the request
// (its Host header, or X-Forwarded-Host/-Proto behind a proxy), not from the listening port. Behind
// `docker run -p 9000:8700` or a proxy the configured port is not the one a browser can use.

export interface Origin {
  /** `http://host:port` (or https). */
  http: string;
  /** `ws://host:port` (or wss). */
  ws: string;
  host: string;
}

// Host names, IPv4 and bracketed IPv6, with an optional port: nothing that could break out of
// a document or a page.
const HOST_PATTERN = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function firstValue(header: string | null): string | undefined {
  return header?.split(',')[0]?.trim() || undefined;
}

export function requestOrigin(request: Request): Origin {
  const url = new URL(request.url);
  const forwardedHost = firstValue(request.headers.get('x-forwarded-host'));
  const forwardedProto = firstValue(request.headers.get('x-forwarded-proto'))?.toLowerCase();
  const host =
    forwardedHost && HOST_PATTERN.test(forwardedHost) ? forwardedHost : HOST_PATTERN.test(url.host) ? url.host : 'localhost';
  const secure = forwardedProto === 'https' || (forwardedProto === undefined && url.protocol === 'https:');
  return { host, http: `${secure ? 'https' : 'http'}://${host}`, ws: `${secure ? 'wss' : 'ws'}://${host}` };
}
