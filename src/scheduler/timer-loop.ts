// The one timer of the whole server: armed for the earliest due time in the queue, it pops every
// workspace due at that instant and hands each to `advanceDue`, then arms itself again.
import type { Clock, TimerHandle } from './clock.ts';
import type { DueQueue } from './due-queue.ts';

/** `passes` counts how often each key came up at this instant, so a caller can refuse to spin. */
export type AdvanceDue = (key: string, now: number, passes: Map<string, number>) => void;

export function createTimerLoop(clock: Clock, queue: DueQueue, advanceDue: AdvanceDue) {
  let timer: TimerHandle | undefined;
  let timerAt: number | undefined;
  let stopped = false;

  const onTimer = (): void => {
    timer = undefined;
    timerAt = undefined;
    const now = clock.now();
    const passes = new Map<string, number>();
    try {
      for (let key = queue.popDue(now); key !== undefined; key = queue.popDue(now)) advanceDue(key, now, passes);
    } finally {
      arm();
    }
  };

  /** Points the timer at the queue's earliest due time (no timer at all when nothing is due). */
  const arm = (): void => {
    if (stopped) return;
    const due = queue.peekTime();
    if (due === timerAt) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    timerAt = due;
    if (due !== undefined) timer = clock.setTimeout(onTimer, Math.max(0, Math.ceil(due - clock.now())));
  };

  return {
    arm,
    resume(): void {
      stopped = false;
    },
    stop(): void {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      timerAt = undefined;
    },
  };
}
