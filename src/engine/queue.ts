// The links of a run as bounded queues. Each node with upstreams has one Inbox holding a queue per inbound link, read
// in arrival order across links; each node has one Outbox copying every message it emits to all its downstream links.
// A link holds at most `capacity` messages: an offer that fills it answers false, and the producer waits (whenWritable)
// until the consumer has taken it down to half, the way a Node stream's write() and 'drain' work. Callbacks, not
// promises, on the per-message path: a stream of many small messages pays no promise per message.
import type { Message } from './types.js';

/** A FIFO with O(1) push and shift (a growable ring). */
export class Deque<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(16);
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(value: T): void {
    if (this.size === this.items.length) {
      const bigger = new Array<T | undefined>(this.items.length * 2);
      for (let i = 0; i < this.size; i++) bigger[i] = this.items[(this.head + i) & (this.items.length - 1)];
      this.items = bigger;
      this.head = 0;
    }
    this.items[(this.head + this.size) & (this.items.length - 1)] = value;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const value = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return value;
  }
}

/** Counts what is queued or being worked on across the run; the run is idle when it drops to zero. */
export interface Busy {
  add(): void;
  done(): void;
}

/** A message and the inbound link (index into the node's upstream list) it came on. */
export interface Arrival {
  link: number;
  message: Message;
}

/** The inbound links of one node. */
export class Inbox {
  private readonly queue = new Deque<Arrival>();
  private readonly counts: number[];
  private readonly open: boolean[];
  private openLinks: number;
  private readonly waiters: ((() => void) | undefined)[];
  private reader: (() => void) | undefined;
  private onEnd: (() => void) | undefined;
  private sealed = false;
  /** Messages that arrived after the node stopped taking them. */
  dropped = 0;

  /** `capacities[i]`: how many messages link i holds before its producer waits (Infinity: unbounded). */
  constructor(
    private readonly capacities: number[],
    private readonly busy: Busy,
  ) {
    this.counts = capacities.map(() => 0);
    this.open = capacities.map(() => true);
    this.openLinks = capacities.length;
    this.waiters = capacities.map(() => undefined);
  }

  /** Queues a message. False when its link is full now: the producer waits for onSpace before the next one. */
  offer(link: number, message: Message): boolean {
    if (this.sealed || !this.open[link]) {
      this.dropped++;
      return true;
    }
    this.queue.push({ link, message });
    this.counts[link]!++;
    this.busy.add();
    this.wake();
    return this.counts[link]! < this.capacities[link]!;
  }

  hasSpace(link: number): boolean {
    return this.sealed || !this.open[link] || this.counts[link]! < this.capacities[link]!;
  }

  /** Calls `resume` once link `link` has room again (at once if it has). One waiter per link: its one producer. */
  onSpace(link: number, resume: () => void): void {
    if (this.hasSpace(link)) resume();
    else this.waiters[link] = resume;
  }

  /** The next message in arrival order, or undefined when none is queued. */
  take(): Arrival | undefined {
    const arrival = this.queue.shift();
    if (!arrival) return undefined;
    const left = --this.counts[arrival.link]!;
    this.busy.done();
    // Resume the producer at half (not at the first free slot), so that it writes in runs rather than one by one.
    if (left <= this.capacities[arrival.link]! / 2) this.release(arrival.link);
    return arrival;
  }

  /** Nothing is queued and every inbound link has ended: no message will come any more. */
  get done(): boolean {
    return this.queue.length === 0 && this.openLinks === 0;
  }

  get queued(): number {
    return this.queue.length;
  }

  isOpen(link: number): boolean {
    return this.open[link]!;
  }

  /** Calls `next` once, when a message arrives or the last link ends (at once if either is so already). */
  wait(next: () => void): void {
    if (this.queue.length > 0 || this.openLinks === 0) next();
    else this.reader = next;
  }

  /** Calls `next` once, when every link has ended (at once if they have); queued messages may remain. */
  whenEnded(next: () => void): void {
    if (this.openLinks === 0) next();
    else this.onEnd = next;
  }

  /** Wakes whoever waits on this inbox, to look again (the run halted). */
  nudge(): void {
    this.wake();
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    onEnd?.();
  }

  /** A link's producer has finished: nothing more comes on it. */
  close(link: number): void {
    if (!this.open[link]) return;
    this.open[link] = false;
    this.openLinks--;
    this.release(link);
    if (this.openLinks === 0) this.nudge();
  }

  /** Ends every link (the end of the run decided that nothing can come on them any more); queued messages stay. */
  closeAll(): void {
    for (let link = 0; link < this.open.length; link++) this.close(link);
  }

  /** The node takes nothing more: queued messages are discarded, later ones dropped, producers never wait on it. */
  seal(): number {
    let discarded = 0;
    while (this.queue.shift()) {
      discarded++;
      this.busy.done();
    }
    this.sealed = true;
    this.counts.fill(0);
    for (let link = 0; link < this.open.length; link++) this.close(link);
    this.wake();
    return discarded;
  }

  private wake(): void {
    const reader = this.reader;
    if (reader) {
      this.reader = undefined;
      reader();
    }
  }

  private release(link: number): void {
    const waiter = this.waiters[link];
    if (waiter) {
      this.waiters[link] = undefined;
      waiter();
    }
  }
}

/** Where one node's messages go: a link (index) of each downstream node's inbox. */
export class Outbox {
  constructor(private readonly targets: { inbox: Inbox; link: number }[]) {}

  /** Copies the message to every downstream link. False when one of them is full: wait for whenWritable. */
  push(message: Message): boolean {
    let room = true;
    for (const t of this.targets) if (!t.inbox.offer(t.link, message)) room = false;
    return room;
  }

  /** Calls `resume` once every downstream link has room. */
  whenWritable(resume: () => void): void {
    let full = 0;
    for (const t of this.targets) if (!t.inbox.hasSpace(t.link)) full++;
    if (full === 0) return resume();
    const one = () => {
      if (--full === 0) resume();
    };
    for (const t of this.targets) if (!t.inbox.hasSpace(t.link)) t.inbox.onSpace(t.link, one);
  }

  writable(): Promise<void> {
    return new Promise((resolve) => this.whenWritable(resolve));
  }

  /** This node emits nothing more: every downstream link ends. */
  close(): void {
    for (const t of this.targets) t.inbox.close(t.link);
  }
}

/** A FIFO counting semaphore bounding calls in flight; `release` of a slot frees it for the next waiter. */
export class Slots {
  private free: number;
  private readonly waiting: ((granted: boolean) => void)[] = [];

  constructor(limit: number) {
    this.free = limit;
  }

  /** Resolves true with a slot, or false when the run halted while waiting. */
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

  /** Refuses every waiter (no new call starts after a failure or cancellation). */
  halt(): void {
    for (const waiter of this.waiting.splice(0)) waiter(false);
  }
}

/** Counts messages queued and calls in flight; `onIdle` runs (after the current turn) when the count drops to 0. */
export class Activity implements Busy {
  private count = 0;
  private scheduled = false;

  constructor(private readonly onIdle: () => void) {}

  add(): void {
    this.count++;
  }

  done(): void {
    if (--this.count === 0) this.check();
  }

  get idle(): boolean {
    return this.count === 0;
  }

  /** Runs onIdle once the current turn's work (promise callbacks included) is done, if the run is still idle then. */
  check(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.count === 0) this.onIdle();
    });
  }
}
