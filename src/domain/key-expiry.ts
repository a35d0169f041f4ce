// Expired keys stop working at their time: identify() refuses them from that instant, and one
// timer, armed for the next expiry only, closes their sockets then.
import type { Clock, TimerHandle } from '../scheduler/clock.ts';
import type { KeyRing } from './keys.ts';

/** Longest single wait: setTimeout overflows past 2^31 ms; a far expiry simply re-arms. */
const MAX_WAIT_MS = 2 ** 31 - 1;

export function watchExpiries(keyRing: KeyRing, clock: Clock) {
  let timer: TimerHandle | undefined;

  function arm(): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    const next = keyRing.nextExpiry();
    if (next === null) return;
    timer = clock.setTimeout(fire, Math.min(MAX_WAIT_MS, Math.max(0, next - clock.now())));
    (timer as { unref?: () => void }).unref?.();
  }

  function fire(): void {
    timer = undefined;
    keyRing.expireDue();
    arm();
  }

  arm();
  return {
    /** Call after a key was issued or revoked. */
    rearm: arm,
    stop(): void {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
