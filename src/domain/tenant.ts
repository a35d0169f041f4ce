// The tenant a key belongs to, for routing keys to instances (SPEC §14). deploy/nginx.conf derives
// the same name with `map` blocks; tests/scale-out.test.ts checks that the two agree.

/** An issued key is `tm_<name>_<secret>`, with the name as `PUT /admin/keys/:name` accepts it. */
const ISSUED_KEY = /^tm_([a-z0-9-]{1,40})_./;

/** The name of an issued key; any other key is a tenant of its own, named by the whole key. */
export function tenantOf(key: string): string {
  return ISSUED_KEY.exec(key)?.[1] ?? key;
}
