// Turning a uniform draw in [0, 1) into what a fault needs.
import type { Range } from './profile.ts';

/** A whole number of milliseconds, uniform in [min, max]. */
export function uniformMs(draw: number, [min, max]: Range): number {
  return Math.round(min + draw * (max - min));
}

/** One of `items`, each equally likely. */
export function pickOne<T>(draw: number, items: readonly T[]): T {
  return items[Math.min(items.length - 1, Math.floor(draw * items.length))]!;
}

/** Retry-After of an injected 429 or 503: 1 to 3 seconds, short enough to wait for in a test. */
export function retryAfterSeconds(draw: number): number {
  return 1 + Math.floor(draw * 3);
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
