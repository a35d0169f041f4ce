// The Content-Security-Policy of the admin pages: their own inline script and style (by hash),
// assets from this server where a page has them, requests to this server only, nothing framed.
const hashOf = (text: string) => `'sha256-${new Bun.CryptoHasher('sha256').update(text).digest('base64')}'`;

export function pagePolicy({
  script,
  style,
  assetsFromSelf,
}: {
  script: string;
  style: string;
  assetsFromSelf: boolean;
}): string {
  const self = assetsFromSelf ? "'self' " : '';
  return [
    "default-src 'none'",
    `script-src ${self}${hashOf(script)}`,
    `style-src ${self}${hashOf(style)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
