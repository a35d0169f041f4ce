// API keys: compared in constant time, identified everywhere else only by their SHA-256 hash.
import { timingSafeEqual } from 'node:crypto';

export function hashKey(key: string): string {
  return new Bun.CryptoHasher('sha256').update(key).digest('hex');
}

export type KeyRing = ReturnType<typeof createKeyRing>;

export function createKeyRing(keys: readonly string[]) {
  // Raw digests to compare and their hex identities, made once: converting between the two on every
  // request cost GET /tasks about 5% of its throughput (`bun run bench`).
  const entries = keys.map((key) => {
    const hex = hashKey(key);
    return { digest: Buffer.from(hex, 'hex'), hex };
  });
  return {
    /** The stored identity (hex hash) of `candidate`, or null if it is not a configured key. */
    identify(candidate: string | null | undefined): string | null {
      if (!candidate) return null;
      const digest = new Bun.CryptoHasher('sha256').update(candidate).digest();
      let match: string | null = null;
      // Check every key so the time taken does not depend on which one matched.
      for (const entry of entries) if (timingSafeEqual(entry.digest, digest)) match = entry.hex;
      return match;
    },
  };
}
