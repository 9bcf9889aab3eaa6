// The scheduler alone, with in-memory node functions: dependency-driven starts, the concurrency bound, what happens
// after a failure and on cancellation. Order is asserted through a log of starts and ends, never through timings.
import { describe, expect, it } from 'vitest';
import { Link, Slots } from '../../src/engine/link.js';
import { schedule, type Upstream } from '../../src/engine/scheduler.js';

function graph(edges: [string, string][], nodes: string[]) {
  const upstream = new Map(nodes.map((n) => [n, edges.filter(([, to]) => to === n).map(([from]) => from)]));
  const downstream = new Map(nodes.map((n) => [n, edges.filter(([from]) => from === n).map(([, to]) => to)]));
  return { nodes, upstream, downstream };
}

/** A deferred per node: the test decides when each node's work completes. */
function controlled(nodes: string[]) {
  const log: string[] = [];
  const finish = new Map<string, (value: string) => void>();
  const fail = new Map<string, (err: Error) => void>();
  const started = new Map<string, () => void>();
  const startedPromise = new Map(nodes.map((n) => [n, new Promise<void>((r) => started.set(n, r))]));
  const run = (node: string, inputs: Upstream<string>[]) =>
    new Promise<string>((resolve, reject) => {
      log.push(`start ${node}(${inputs.map((i) => i.output).join(',')})`);
      finish.set(node, (v) => {
        log.push(`end ${node}`);
        resolve(v);
      });
      fail.set(node, (e) => {
        log.push(`fail ${node}`);
        reject(e);
      });
      started.get(node)!();
    });
  return {
    log,
    run,
    finish: (n: string, v = n) => finish.get(n)!(v),
    fail: (n: string) => fail.get(n)!(new Error(n)),
    started: (n: string) => startedPromise.get(n)!,
  };
}

describe('schedule', () => {
  it('starts a node once all its upstreams finished, not when its level is done', async () => {
    const g = graph(
      [
        ['a1', 'a2'],
        ['b1', 'b2'],
      ],
      ['a1', 'a2', 'b1', 'b2'],
    );
    const c = controlled(g.nodes);
    const done = schedule({ ...g, run: c.run });
    await c.started('a1');
    c.finish('a1');
    await c.started('a2');
    c.finish('a2');
    await Promise.resolve();
    c.finish('b1');
    await c.started('b2');
    c.finish('b2');
    const outcomes = await done;
    expect(c.log).toEqual([
      'start a1()',
      'start b1()',
      'end a1',
      'start a2(a1)',
      'end a2',
      'end b1',
      'start b2(b1)',
      'end b2',
    ]);
    expect([...outcomes.keys()]).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(outcomes.get('b2')).toEqual({ status: 'succeeded', output: 'b2' });
  });

  it('gives fan-in inputs in upstream (blueprint) order, whatever order they finished in', async () => {
    const g = graph(
      [
        ['x', 'j'],
        ['y', 'j'],
      ],
      ['x', 'y', 'j'],
    );
    const c = controlled(g.nodes);
    const done = schedule({ ...g, run: c.run });
    await c.started('y');
    c.finish('y', 'Y');
    c.finish('x', 'X');
    await c.started('j');
    c.finish('j');
    await done;
    expect(c.log).toContain('start j(X,Y)');
  });

  it('keeps at most `concurrency` nodes running, starting waiters in order', async () => {
    const g = graph([], ['n1', 'n2', 'n3']);
    const c = controlled(g.nodes);
    const done = schedule({ ...g, concurrency: 1, run: c.run });
    await c.started('n1');
    expect(c.log).toEqual(['start n1()']);
    c.finish('n1');
    await c.started('n2');
    expect(c.log).toEqual(['start n1()', 'end n1', 'start n2()']);
    c.finish('n2');
    await c.started('n3');
    c.finish('n3');
    await done;
  });

  it('after a failure starts nothing new, lets running nodes finish and skips the rest with a reason', async () => {
    const g = graph(
      [
        ['bad', 'after-bad'],
        ['slow', 'after-slow'],
      ],
      ['bad', 'slow', 'after-bad', 'after-slow', 'queued'],
    );
    const c = controlled(g.nodes);
    const skipped: string[] = [];
    const done = schedule({ ...g, concurrency: 2, run: c.run, onSkip: (n, r) => skipped.push(`${n}: ${r}`) });
    await c.started('slow');
    c.fail('bad');
    await new Promise((r) => setImmediate(r));
    c.finish('slow');
    const outcomes = await done;
    expect(c.log).toEqual(['start bad()', 'start slow()', 'fail bad', 'end slow']);
    expect(outcomes.get('bad')).toMatchObject({ status: 'failed' });
    expect(outcomes.get('slow')).toEqual({ status: 'succeeded', output: 'slow' });
    expect(skipped).toEqual([
      'queued: not started: "bad" failed',
      'after-bad: upstream "bad" produced no output',
      'after-slow: not started: "bad" failed',
    ]);
  });

  it('on abort marks running nodes cancelled and skips the rest', async () => {
    const g = graph([['a', 'b']], ['a', 'b']);
    const controller = new AbortController();
    const done = schedule({
      ...g,
      signal: controller.signal,
      run: (_node, _inputs, signal) =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('cancelled')));
          controller.abort();
        }),
    });
    const outcomes = await done;
    expect(outcomes.get('a')).toMatchObject({ status: 'cancelled' });
    expect(outcomes.get('b')).toEqual({ status: 'skipped', reason: 'upstream "a" produced no output' });
  });
});

describe('Link', () => {
  it('hands messages over in order, then done once closed', async () => {
    const link = new Link<number>();
    const first = link.next();
    link.push(1);
    link.push(2);
    link.close();
    expect(await first).toEqual({ value: 1, done: false });
    const rest: number[] = [];
    for await (const v of link) rest.push(v);
    expect(rest).toEqual([2]);
    expect(await link.next()).toEqual({ value: undefined, done: true });
  });
});

describe('Slots', () => {
  it('refuses waiters once halted', async () => {
    const slots = new Slots(1);
    expect(await slots.acquire()).toBe(true);
    const waiting = slots.acquire();
    slots.halt();
    expect(await waiting).toBe(false);
  });
});
