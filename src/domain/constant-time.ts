// Comparing secrets' digests without an early exit. Written here rather than taken from
// `node:crypto`: loading that module pulls in Node's stream layer and cost the compiled binary
// most of its start-up time (`bun --cpu-prof`, spawn to first answer).

/** True when `a` and `b` hold the same bytes; the time taken does not depend on where they differ. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
