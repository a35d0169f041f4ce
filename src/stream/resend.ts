// The one-second tick (SPEC §3). The original re-sent every workspace's list each second, and the
// brief it gave candidates says "tasks are updated every second", so UIs were built to redraw on,
// or to watch for, that beat. Besides the push on change, every watched workspace gets its current
// list again every STREAM_RESEND_MS of real time (not divided by TIME_SCALE).
//
// One timer for the whole server, and only while some socket is open: an idle server has no timer
// at all. Each tick is one `publish` per watched workspace, whatever its number of subscribers.
// Only the list format gets it: the tick publishes on the topics `listTopics()` hands over, so
// other formats (SPEC §12) live on their own topics and never hear it.
//
// What it sends is committed data, by the publisher's rule: a tick that finds writes pending reads
// once that transaction has settled (see publisher.ts).
import type { Server } from 'bun';
import type { WorkspaceRef } from '../domain/model.ts';
import type { CommitBatch } from '../storage/commit-batch.ts';
import type { Snapshots } from '../storage/snapshots.ts';
import { publishTo, type Topic } from './publisher.ts';

type IntervalHandle = ReturnType<typeof setInterval>;

export interface ResendOptions {
  /** Milliseconds between ticks; 0 turns the tick off. */
  intervalMs: number;
  /** The topics of list-format subscribers, read at each tick. */
  listTopics: () => Iterable<Topic>;
  snapshots: Snapshots;
  batch: CommitBatch;
  /** A workspace whose list threw while being read (a damaged file): reported, never thrown from the tick. */
  unreadable: (ref: WorkspaceRef, error: unknown) => void;
}

export function createResender(options: ResendOptions) {
  const { intervalMs, listTopics, snapshots, batch, unreadable } = options;
  let server: Server<unknown> | undefined;
  let timer: IntervalHandle | undefined;
  let waitingForCommit = false;

  function resendAll(): void {
    if (batch.hasPendingWrites()) {
      if (!waitingForCommit) batch.afterSettle(resendAll);
      waitingForCommit = true;
      return;
    }
    waitingForCommit = false;
    if (!server) return;
    for (const topic of listTopics()) {
      try {
        publishTo(server, topic, 'list', snapshots.tasksJson(topic.ref));
        topic.published.list++;
      } catch (error) {
        unreadable(topic.ref, error);
      }
    }
  }

  function stop(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  }

  return {
    attach(listening: Server<unknown>): void {
      server = listening;
    },

    /** Call whenever sockets come or go: arms the timer for the first one, drops it after the last. */
    watched(anySubscriber: boolean): void {
      if (!anySubscriber) {
        stop();
        return;
      }
      if (timer !== undefined || intervalMs === 0) return;
      timer = setInterval(resendAll, intervalMs);
      // Open sockets keep the server alive anyway; the tick alone must never hold the process.
      timer.unref();
    },

    stop,

    /** Whether the tick's timer exists right now (for tests: none while nobody is subscribed). */
    active: (): boolean => timer !== undefined,
  };
}
