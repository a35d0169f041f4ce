// API keys: compared in constant time, identified everywhere else only by their SHA-256 hash.
import { timingSafeEqual } from 'node:crypto';

export function hashKey(key: string): string {
  return new Bun.CryptoHasher('sha256').update(key).digest('hex');
}

export type KeyRing = ReturnType<typeof createKeyRing>;

export function createKeyRing(keys: readonly string[]) {
  const hashes = keys.map((key) => Buffer.from(hashKey(key), 'hex'));
  return {
    /** The stored identity (hex hash) of `candidate`, or null if it is not a configured key. */
    identify(candidate: string | null | undefined): string | null {
      if (!candidate) return null;
      const digest = Buffer.from(hashKey(candidate), 'hex');
      let match: Buffer | null = null;
      // Check every key so the time taken does not depend on which one matched.
      for (const hash of hashes) if (timingSafeEqual(hash, digest)) match = hash;
      return match ? match.toString('hex') : null;
    },
  };
}
