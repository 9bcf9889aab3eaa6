// A link between two nodes: an async queue the upstream pushes outputs into and the downstream reads from. A unary
// call pushes one message then closes; a streaming link (next issue) will push many. Closing without a message tells
// the downstream its upstream produced nothing (failed, skipped or cancelled).
export class Link<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: ((result: IteratorResult<T, undefined>) => void)[] = [];
  private closed = false;

  push(value: T): void {
    if (this.closed) throw new Error('push on a closed link');
    const reader = this.waiting.shift();
    if (reader) reader({ value, done: false });
    else this.buffer.push(value);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const reader of this.waiting.splice(0)) reader({ value: undefined, done: true });
  }

  /** The next message, or done once the link is closed and drained. */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return { next: () => this.next() };
  }
}

/** A FIFO counting semaphore bounding calls in flight; `release` of a slot frees it for the next waiter. */
export class Slots {
  private free: number;
  private readonly waiting: ((granted: boolean) => void)[] = [];

  constructor(limit: number) {
    this.free = limit;
  }

  /** Resolves true with a slot, or false when the scheduler halted while waiting. */
  acquire(): Promise<boolean> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(true);
    else this.free++;
  }

  /** Refuses every waiter (no new node starts after a failure or cancellation). */
  halt(): void {
    for (const waiter of this.waiting.splice(0)) waiter(false);
  }
}
