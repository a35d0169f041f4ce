// A min-heap of (time, key) with at most one live entry per key: rescheduling a key leaves its old
// entry behind, and stale entries are skipped when they reach the top. This keeps the scheduler at
// one timer for the whole server, whatever the number of workspaces.

interface Entry {
  at: number;
  key: string;
}

export class DueQueue {
  private heap: Entry[] = [];
  private dueAt = new Map<string, number>();

  get size(): number {
    return this.dueAt.size;
  }

  set(key: string, at: number): void {
    if (this.dueAt.get(key) === at) return;
    this.dueAt.set(key, at);
    this.push({ at, key });
  }

  /** The key's live due time, if it has one. */
  timeOf(key: string): number | undefined {
    return this.dueAt.get(key);
  }

  delete(key: string): void {
    this.dueAt.delete(key);
  }

  clear(): void {
    this.heap = [];
    this.dueAt.clear();
  }

  /** The earliest live due time, or undefined when nothing is scheduled. */
  peekTime(): number | undefined {
    this.dropStale();
    return this.heap[0]?.at;
  }

  /** Removes and returns the key of the earliest entry due at or before `now`. */
  popDue(now: number): string | undefined {
    this.dropStale();
    const top = this.heap[0];
    if (!top || top.at > now) return undefined;
    this.pop();
    this.dueAt.delete(top.key);
    return top.key;
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.dueAt.get(this.heap[0]!.key) !== this.heap[0]!.at) this.pop();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.at <= entry.at) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= last.at) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
  }
}
