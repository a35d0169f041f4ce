// A minimal browser-like WebSocket client for stream tests: frames are queued as they arrive, so a
// test takes them one by one, in order, without sleeping.
import { afterEach } from 'bun:test';

const open = new Set<FrameQueue>();
afterEach(() => {
  for (const client of open) client.socket.close();
  open.clear();
});

export class FrameQueue {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  /** Every frame received so far, taken or not. */
  readonly received: string[] = [];
  private taken = 0;
  private waiter: (() => void) | undefined;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    const opened = Promise.withResolvers<void>();
    const closed = Promise.withResolvers<number>();
    this.opened = opened.promise;
    this.closed = closed.promise;
    this.opened.catch(() => undefined);
    this.socket.onopen = () => opened.resolve();
    this.socket.onmessage = (event) => {
      this.received.push(String(event.data));
      this.waiter?.();
    };
    this.socket.onclose = (event) => {
      opened.reject(new Error(`closed before opening (${event.code})`));
      closed.resolve(event.code);
      open.delete(this);
    };
    open.add(this);
  }

  /** The next frame not yet taken, parsed. */
  async next<T = unknown>(): Promise<T> {
    while (this.taken >= this.received.length) {
      const { promise, resolve } = Promise.withResolvers<void>();
      this.waiter = resolve;
      await promise;
    }
    return JSON.parse(this.received[this.taken++]!) as T;
  }
}
