// A client of the versioned stream formats (SPEC §12) over a real socket: it applies `envelope` and
// `patch` messages to the list it holds, and fails loudly on a gap or a repeated version.
import type { Task } from '../src/domain/model.ts';

type Message =
  | { version: number; tasks: Task[] }
  | { version: number; from: number; changes: ({ op: 'put'; task: Task } | { op: 'remove'; id: number })[] };

export class VersionedClient {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  version = -1;
  tasks: Task[] = [];
  /** Every version received, in order (a full list or a patch each). */
  readonly seen: number[] = [];
  readonly frames: Message[] = [];
  private readonly waiters = new Set<() => void>();
  failure: string | undefined;

  /** `previous`: the state of an earlier client this one resumes from (`?since=` its version). */
  constructor(url: string, previous?: VersionedClient) {
    if (previous) {
      this.version = previous.version;
      this.tasks = previous.tasks;
      this.seen.push(...previous.seen);
    }
    this.socket = new WebSocket(url);
    const opened = Promise.withResolvers<void>();
    this.opened = opened.promise;
    this.socket.onopen = () => opened.resolve();
    this.socket.onerror = () => opened.reject(new Error('socket failed'));
    this.socket.onmessage = (event) => this.apply(JSON.parse(String(event.data)) as Message);
    this.socket.onclose = () => {
      opened.reject(new Error('closed'));
      this.notify();
    };
    this.opened.catch(() => undefined);
  }

  private apply(message: Message): void {
    this.frames.push(message);
    if (this.seen.length > 0 && message.version <= this.seen.at(-1)!)
      this.fail(`version ${message.version} after ${this.seen.at(-1)}`);
    this.seen.push(message.version);
    if ('tasks' in message) {
      this.tasks = message.tasks;
    } else {
      if (message.from !== this.version) this.fail(`patch from ${message.from} while holding ${this.version}`);
      const byId = new Map(this.tasks.map((task) => [task.id, task]));
      for (const change of message.changes) {
        if (change.op === 'put') byId.set(change.task.id, change.task);
        else byId.delete(change.id);
      }
      this.tasks = [...byId.values()].sort((a, b) => a.id - b.id);
    }
    this.version = message.version;
    this.notify();
  }

  private fail(why: string): void {
    this.failure ??= why;
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Resolves once the client holds `version` (rejects if the socket closes first or after `ms`). */
  reach(version: number, ms = 5_000): Promise<void> {
    if (this.version >= version) return Promise.resolve();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const timer = setTimeout(() => done(new Error(`still at ${this.version}, waiting for ${version}`)), ms);
    const check = () => {
      if (this.version >= version) done();
      else if (this.socket.readyState === WebSocket.CLOSED) done(new Error(`closed at ${this.version}`));
    };
    const done = (error?: Error) => {
      clearTimeout(timer);
      this.waiters.delete(check);
      if (error) reject(error);
      else resolve();
    };
    this.waiters.add(check);
    return promise;
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.socket.addEventListener('close', () => resolve());
    this.socket.close();
    return promise;
  }
}
