// The links of a run alone (src/engine/queue.ts): the ring buffer, an inbox's bound per link and when its producer is
// resumed, arrival order across links, the end of links, sealing, fan-out through an outbox, the concurrency slots and
// the idle check. No gRPC: the drivers' tests (integration/engine-streams) run these through real calls.
import { describe, expect, it } from 'vitest';
import { Activity, Deque, Inbox, Outbox, Slots } from '../../src/engine/queue.js';

/** A Busy that counts, for asserting what is queued. */
function counter() {
  const c = { n: 0, add: () => void c.n++, done: () => void c.n-- };
  return c;
}

const m = (n: number) => ({ n });

describe('Deque', () => {
  it('keeps FIFO order while it grows past its first ring and wraps around', () => {
    const q = new Deque<number>();
    const out: number[] = [];
    for (let i = 0; i < 10; i++) q.push(i);
    for (let i = 0; i < 5; i++) out.push(q.shift()!);
    for (let i = 10; i < 50; i++) q.push(i);
    expect(q.length).toBe(45);
    for (let v = q.shift(); v !== undefined; v = q.shift()) out.push(v);
    expect(out).toEqual([...Array(50).keys()]);
    expect(q.length).toBe(0);
  });
});

describe('Inbox', () => {
  it('answers false once a link holds its capacity, and resumes its producer at half', () => {
    const busy = counter();
    const inbox = new Inbox([4], busy);
    expect([1, 2, 3].map((i) => inbox.offer(0, m(i)))).toEqual([true, true, true]);
    expect(inbox.offer(0, m(4))).toBe(false);
    expect(inbox.hasSpace(0)).toBe(false);
    expect(busy.n).toBe(4);
    let resumed = 0;
    inbox.onSpace(0, () => resumed++);
    inbox.take();
    expect(resumed).toBe(0);
    inbox.take();
    // Two left of four: half, so the producer writes its next run.
    expect(resumed).toBe(1);
    expect(inbox.queued).toBe(2);
    expect(busy.n).toBe(2);
  });

  it('bounds each link on its own and hands out messages in arrival order across links', () => {
    const inbox = new Inbox([1, Infinity], counter());
    expect(inbox.offer(0, m(1))).toBe(false);
    expect(inbox.offer(1, m(2))).toBe(true);
    expect(inbox.offer(1, m(3))).toBe(true);
    expect(inbox.hasSpace(1)).toBe(true);
    const order = [inbox.take(), inbox.take(), inbox.take()].map((a) => [a!.link, a!.message.n]);
    expect(order).toEqual([
      [0, 1],
      [1, 2],
      [1, 3],
    ]);
    expect(inbox.take()).toBeUndefined();
  });

  it('wakes a waiting reader on the next message, and is done once every link has ended and it is empty', () => {
    const inbox = new Inbox([2, 2], counter());
    const woken: string[] = [];
    inbox.wait(() => woken.push('message'));
    inbox.offer(1, m(1));
    expect(woken).toEqual(['message']);
    inbox.close(0);
    expect(inbox.done).toBe(false);
    let ended = false;
    inbox.whenEnded(() => (ended = true));
    inbox.close(1);
    expect(ended).toBe(true);
    // Ended links keep what they queued: the node still takes it.
    expect(inbox.done).toBe(false);
    expect(inbox.take()!.message).toEqual(m(1));
    expect(inbox.done).toBe(true);
    inbox.wait(() => woken.push('end'));
    expect(woken).toEqual(['message', 'end']);
  });

  it('closing a link releases a producer waiting on it', () => {
    const inbox = new Inbox([1], counter());
    inbox.offer(0, m(1));
    let resumed = false;
    inbox.onSpace(0, () => (resumed = true));
    inbox.close(0);
    expect(resumed).toBe(true);
  });

  it('once sealed, discards what is queued, drops later messages and never holds a producer back', () => {
    const busy = counter();
    const inbox = new Inbox([2], busy);
    inbox.offer(0, m(1));
    inbox.offer(0, m(2));
    expect(inbox.seal()).toBe(2);
    expect(busy.n).toBe(0);
    expect(inbox.offer(0, m(3))).toBe(true);
    expect(inbox.dropped).toBe(1);
    expect(inbox.hasSpace(0)).toBe(true);
    expect(inbox.take()).toBeUndefined();
  });
});

describe('Outbox', () => {
  it('copies every message to every downstream link, and waits until all of them have room', () => {
    const a = new Inbox([2], counter());
    const b = new Inbox([Infinity, 1], counter());
    const out = new Outbox([
      { inbox: a, link: 0 },
      { inbox: b, link: 1 },
    ]);
    // b's link holds one message: full after the first.
    expect(out.push(m(1))).toBe(false);
    let writable = 0;
    out.whenWritable(() => writable++);
    b.take();
    expect(writable).toBe(1);
    expect(out.push(m(2))).toBe(false);
    out.whenWritable(() => writable++);
    b.take();
    // a holds 1 and 2 now (its capacity): the outbox waits for a too.
    expect(writable).toBe(1);
    a.take();
    expect(writable).toBe(2);
    expect(a.take()!.message).toEqual(m(2));
    out.close();
    expect(a.done).toBe(true);
    // b's other link is another producer's: still open.
    expect([b.isOpen(0), b.isOpen(1), b.done]).toEqual([true, false, false]);
  });
});

describe('Slots', () => {
  it('grants in FIFO order up to the limit, and refuses the waiters once halted', async () => {
    const slots = new Slots(1);
    expect(await slots.acquire()).toBe(true);
    const granted: string[] = [];
    const second = slots.acquire().then((ok) => granted.push(`second ${ok}`));
    const third = slots.acquire().then((ok) => granted.push(`third ${ok}`));
    slots.release();
    await second;
    expect(granted).toEqual(['second true']);
    slots.halt();
    await third;
    expect(granted).toEqual(['second true', 'third false']);
  });
});

describe('Activity', () => {
  it('calls onIdle after the current turn, only if nothing was added meanwhile', async () => {
    let idle = 0;
    const activity = new Activity(() => idle++);
    activity.add();
    activity.done();
    // Work that starts in the same turn keeps the run busy.
    activity.add();
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(0);
    activity.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(1);
  });
});
