// The streaming engine against real grpc-js servers on 127.0.0.1 (test/fixtures/protos/flow.proto): every call kind
// as source, middle and sink, fan-out of every message, client streams half-closed when their upstreams end,
// bidirectional echo, a cycle broken by a stream, failures and retries of streams, and what the results keep.
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { executeRun, prepareRun, type EngineEvent, type RunOptions } from '../../src/engine/index.js';
import { tempDir } from '../helpers/cli.js';
import { oneAddress, writePackage, type PackageNode } from '../helpers/export-package.js';
import {
  bidi,
  clientStream,
  grpcError,
  serverStream,
  startServer,
  type Handler,
  type Message,
  type TestServer,
} from '../helpers/grpc.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(handlers: Record<string, Handler>): Promise<TestServer> {
  const s = await startServer('flow.proto', handlers);
  cleanups.push(() => s.stop());
  return s;
}

async function run(nodes: PackageNode[], address: string, options: RunOptions = {}) {
  const { dir, cleanup } = tempDir('aieffect-streams-');
  cleanups.push(cleanup);
  writePackage(dir, { nodes, addresses: oneAddress(nodes, address) });
  const events: EngineEvent[] = [];
  const result = await executeRun(prepareRun(dir), { waitTimeoutMs: 10_000, ...options }, (e) => events.push(e));
  return { result, events };
}

const n = (m: Message) => Number(m.n);
const trail = (m: Message, mark: string) => [...((m.trail as string[]) ?? []), mark];

/** Unary: n + 1. Split: three items n*10+1..3. Collect: the sum of what was written. Relay: n + 100 for each item. */
const flow: Record<string, Handler> = {
  Unary: (req) => ({ n: n(req) + 1, trail: trail(req, 'u') }),
  Split: serverStream(function* (req) {
    for (let i = 1; i <= 3; i++) yield { n: n(req) * 10 + i, trail: trail(req, 's') };
  }),
  Collect: clientStream(async (requests) => {
    let sum = 0;
    const trails: string[] = [];
    for await (const r of requests) {
      sum += n(r);
      trails.push(...trail(r, 'c'));
    }
    return { n: sum, trail: trails };
  }),
  Relay: bidi(async function* (requests) {
    for await (const r of requests) yield { n: n(r) + 100, trail: trail(r, 'r') };
  }),
};

/** A chain of three flow.proto operations on containers a, b, c. */
function chain(a: string, b: string, c: string): PackageNode[] {
  return [
    { container: 'a', proto: 'flow.proto', operations: { [a]: [`b:${b}`] } },
    { container: 'b', proto: 'flow.proto', operations: { [b]: [`c:${c}`] } },
    { container: 'c', proto: 'flow.proto', operations: { [c]: [] } },
  ];
}

const ns = (value: unknown) => (value as Message[]).map(n);
const counters = (result: Awaited<ReturnType<typeof run>>['result'], id: string) => {
  const s = result.summary.nodes[id]!;
  return { status: s.status, calls: s.calls, in: s.messages_in, out: s.messages_out };
};

// Each call kind appears once as source, once in the middle and once as sink across these four chains.
describe('engine: every call kind as source, middle and sink', () => {
  it('unary -> server stream -> client stream', async () => {
    const s = await server(flow);
    const { result } = await run(chain('Unary', 'Split', 'Collect'), s.address, { input: { all: { n: 1 } } });
    expect(result.summary.status).toBe('succeeded');
    expect(result.results['a:Unary']).toEqual({ n: '2', data: '', trail: ['u'] });
    // The server stream's result is the list of its messages; the client stream got all three, then was half-closed.
    expect(ns(result.results['b:Split'])).toEqual([21, 22, 23]);
    expect(result.results['c:Collect']).toEqual({
      n: '66',
      data: '',
      trail: ['u', 's', 'c', 'u', 's', 'c', 'u', 's', 'c'],
    });
    expect(counters(result, 'b:Split')).toEqual({ status: 'succeeded', calls: 1, in: 1, out: 3 });
    expect(counters(result, 'c:Collect')).toEqual({ status: 'succeeded', calls: 1, in: 3, out: 1 });
    expect(s.calls.find((c) => c.rpc === 'Collect')!.messages!.map(n)).toEqual([21, 22, 23]);
  });

  it('server stream -> bidirectional -> unary (called once per message)', async () => {
    const s = await server(flow);
    const { result } = await run(chain('Split', 'Relay', 'Unary'), s.address, { input: { all: { n: 1 } } });
    expect(result.summary.status).toBe('succeeded');
    expect(ns(result.results['a:Split'])).toEqual([11, 12, 13]);
    expect(ns(result.results['b:Relay'])).toEqual([111, 112, 113]);
    expect(ns(result.results['c:Unary'])).toEqual([112, 113, 114]);
    expect(counters(result, 'b:Relay')).toEqual({ status: 'succeeded', calls: 1, in: 3, out: 3 });
    expect(counters(result, 'c:Unary')).toEqual({ status: 'succeeded', calls: 3, in: 3, out: 3 });
    expect(s.calls.filter((c) => c.rpc === 'Unary').map((c) => n(c.request))).toEqual([111, 112, 113]);
  });

  it('client stream -> unary -> bidirectional', async () => {
    const s = await server(flow);
    const { result } = await run(chain('Collect', 'Unary', 'Relay'), s.address, { input: { all: { n: 5 } } });
    expect(result.summary.status).toBe('succeeded');
    // A client stream as source: its --input is the one message written.
    expect(s.calls.find((c) => c.rpc === 'Collect')!.messages).toEqual([{ n: '5', data: '', trail: [] }]);
    expect(result.results['a:Collect']).toMatchObject({ n: '5' });
    expect(result.results['b:Unary']).toMatchObject({ n: '6' });
    expect(ns(result.results['c:Relay'])).toEqual([106]);
    expect(counters(result, 'b:Unary')).toEqual({ status: 'succeeded', calls: 1, in: 1, out: 1 });
  });

  it('bidirectional -> client stream -> server stream', async () => {
    const s = await server(flow);
    const { result } = await run(chain('Relay', 'Collect', 'Split'), s.address, { input: { all: { n: 1 } } });
    expect(result.summary.status).toBe('succeeded');
    expect(ns(result.results['a:Relay'])).toEqual([101]);
    expect(result.results['b:Collect']).toMatchObject({ n: '101' });
    expect(ns(result.results['c:Split'])).toEqual([1011, 1012, 1013]);
    expect(counters(result, 'c:Split')).toEqual({ status: 'succeeded', calls: 1, in: 1, out: 3 });
  });
});

describe('engine: messages on links', () => {
  it('copies every message of a stream to every downstream link (one unary call per message each)', async () => {
    const s = await server(flow);
    const nodes: PackageNode[] = [
      { container: 'src', proto: 'flow.proto', operations: { Split: ['u1:Unary', 'u2:Unary'] } },
      { container: 'u1', proto: 'flow.proto', operations: { Unary: [] } },
      { container: 'u2', proto: 'flow.proto', operations: { Unary: [] } },
    ];
    const { result } = await run(nodes, s.address, { input: { all: { n: 4 } } });
    expect(result.summary.status).toBe('succeeded');
    expect(ns(result.results['u1:Unary'])).toEqual([42, 43, 44]);
    expect(ns(result.results['u2:Unary'])).toEqual([42, 43, 44]);
    expect(s.calls.filter((c) => c.rpc === 'Unary')).toHaveLength(6);
  });

  it('still merges single-message upstreams into one call (AND-join) beside a stream', async () => {
    const s = await server(flow);
    const nodes: PackageNode[] = [
      { container: 'x', proto: 'flow.proto', operations: { Unary: ['j:Unary'], Split: ['sink:Collect'] } },
      { container: 'y', proto: 'flow.proto', operations: { Unary: ['j:Unary'] } },
      { container: 'j', proto: 'flow.proto', operations: { Unary: [] } },
      { container: 'sink', proto: 'flow.proto', operations: { Collect: [] } },
    ];
    const { result, events } = await run(nodes, s.address, {
      input: { nodes: { 'x:Unary': { n: 1 }, 'y:Unary': { n: 5, trail: ['y'] }, 'x:Split': { n: 2 } } },
    });
    expect(result.summary.status).toBe('succeeded');
    // x, y, and one call of j with both outputs merged in blueprint order (the later one wins a conflict).
    const unary = s.calls.filter((c) => c.rpc === 'Unary');
    expect(unary).toHaveLength(3);
    expect(unary.find((c) => c.request.n === '6')!.request).toEqual({ n: '6', data: '', trail: ['y', 'u'] });
    expect(result.results['j:Unary']).toEqual({ n: '7', data: '', trail: ['y', 'u', 'u'] });
    expect(counters(result, 'j:Unary')).toEqual({ status: 'succeeded', calls: 1, in: 2, out: 1 });
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      'node "j:Unary": upstreams "x:Unary" and "y:Unary" give different values for field "n" ("2" vs "6"); using "y:Unary"\'s',
      'node "j:Unary": upstreams "x:Unary" and "y:Unary" give different values for field "trail" (["u"] vs ["y","u"]); using "y:Unary"\'s',
    ]);
    expect(result.results['sink:Collect']).toMatchObject({ n: String(21 + 22 + 23) });
  });

  it('half-closes a client stream once all its upstreams have ended, with every message in arrival order', async () => {
    const s = await server(flow);
    const nodes: PackageNode[] = [
      { container: 'p', proto: 'flow.proto', operations: { Split: ['sum:Collect'] } },
      { container: 'q', proto: 'flow.proto', operations: { Split: ['sum:Collect'] } },
      { container: 'sum', proto: 'flow.proto', operations: { Collect: [] } },
    ];
    const { result } = await run(nodes, s.address, { input: { nodes: { p: { n: 1 }, q: { n: 2 } } } });
    expect(result.summary.status).toBe('succeeded');
    expect(result.results['sum:Collect']).toMatchObject({ n: String(11 + 12 + 13 + 21 + 22 + 23) });
    const written = s.calls.find((c) => c.rpc === 'Collect')!.messages!.map(n);
    expect([...written].sort()).toEqual([11, 12, 13, 21, 22, 23]);
    // Each link keeps its own order.
    expect(written.filter((x) => x < 20)).toEqual([11, 12, 13]);
    expect(written.filter((x) => x > 20)).toEqual([21, 22, 23]);
    expect(counters(result, 'sum:Collect')).toEqual({ status: 'succeeded', calls: 1, in: 6, out: 1 });
  });

  it('echoes through a bidirectional call in order, and keeps only the last --keep-messages', async () => {
    const s = await server({
      ...flow,
      Split: serverStream(function* (req) {
        for (let i = 0; i < 50; i++) yield { n: n(req) + i };
      }),
    });
    const nodes: PackageNode[] = [
      { container: 'src', proto: 'flow.proto', operations: { Split: ['echo:Relay'] } },
      { container: 'echo', proto: 'flow.proto', operations: { Relay: [] } },
    ];
    const { result } = await run(nodes, s.address, { input: { all: { n: 0 } }, keepMessages: 5, queueSize: 2 });
    expect(result.summary.status).toBe('succeeded');
    expect(s.calls.find((c) => c.rpc === 'Relay')!.messages!.map(n)).toEqual([...Array(50).keys()]);
    expect(ns(result.results['echo:Relay'])).toEqual([145, 146, 147, 148, 149]);
    expect(counters(result, 'echo:Relay')).toEqual({ status: 'succeeded', calls: 1, in: 50, out: 50 });
  });
});

describe('engine: a cycle broken by a stream', () => {
  it('loops messages through a bidirectional call until its service ends the stream', async () => {
    // env answers each action with the next observation and ends after the tenth; agent acts on each observation.
    const s = await server({
      Relay: bidi(async function* (requests) {
        yield { n: 0, data: 'start' };
        for await (const action of requests) {
          if (n(action) >= 10) return;
          yield { n: n(action), data: 'obs' };
        }
      }),
      Unary: (req) => ({ n: n(req) + 1, data: 'act' }),
    });
    const nodes: PackageNode[] = [
      { container: 'env', proto: 'flow.proto', operations: { Relay: ['agent:Unary'] } },
      { container: 'agent', proto: 'flow.proto', operations: { Unary: ['env:Relay'] } },
    ];
    const { result } = await run(nodes, s.address);
    expect(result.summary.status).toBe('succeeded');
    expect(ns(result.results['env:Relay'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ns(result.results['agent:Unary'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(counters(result, 'env:Relay')).toEqual({ status: 'succeeded', calls: 1, in: 10, out: 10 });
  });
});

describe('engine: streams that fail', () => {
  it('fails the node when its stream ends with an error status, keeping what arrived before', async () => {
    const s = await server({
      ...flow,
      Split: serverStream(function* () {
        yield { n: 1 };
        yield { n: 2 };
        throw grpcError(grpc.status.DATA_LOSS, 'sensor disconnected');
      }),
    });
    const nodes: PackageNode[] = [
      { container: 'src', proto: 'flow.proto', operations: { Split: ['u:Unary'] } },
      { container: 'u', proto: 'flow.proto', operations: { Unary: [] } },
    ];
    const { result } = await run(nodes, s.address);
    expect(result.summary.status).toBe('failed');
    expect(result.summary.error).toEqual({
      node: 'src:Split',
      code: 'DATA_LOSS',
      message: 'sensor disconnected',
      attempts: 1,
    });
    expect(ns(result.results['src:Split'])).toEqual([1, 2]);
    expect(result.summary.nodes['src:Split']).toMatchObject({ status: 'failed', messages_out: 2 });
  });

  it('retries a stream that fails with UNAVAILABLE before its first message, not after', async () => {
    let opened = 0;
    const s = await server({
      ...flow,
      Split: serverStream(function* (req) {
        opened++;
        if (opened === 1) throw grpcError(grpc.status.UNAVAILABLE, 'warming up');
        yield { n: n(req) };
        throw grpcError(grpc.status.UNAVAILABLE, 'gone');
      }),
    });
    const nodes: PackageNode[] = [{ container: 'src', proto: 'flow.proto', operations: { Split: [] } }];
    const { result, events } = await run(nodes, s.address, {
      input: { all: { n: 7 } },
      backoff: { initialMs: 5, maxMs: 5, multiplier: 2 },
    });
    expect(opened).toBe(2);
    expect(events.filter((e) => e.type === 'node-retrying')).toHaveLength(1);
    expect(result.summary.nodes['src:Split']).toMatchObject({ status: 'failed', attempts: 2, calls: 1 });
    expect(result.summary.error).toMatchObject({ code: 'UNAVAILABLE', message: 'gone' });
    expect(ns(result.results['src:Split'])).toEqual([7]);
  });

  it('ends a stream that outlives --stream-timeout with DEADLINE_EXCEEDED', async () => {
    const s = await server({
      ...flow,
      Split: serverStream(async function* () {
        yield { n: 1 };
        await new Promise(() => {});
      }),
    });
    const nodes: PackageNode[] = [
      { container: 'src', proto: 'flow.proto', operations: { Split: ['u:Unary'] } },
      { container: 'u', proto: 'flow.proto', operations: { Unary: [] } },
    ];
    const { result } = await run(nodes, s.address, { streamTimeoutMs: 300 });
    expect(result.summary.status).toBe('failed');
    expect(result.summary.error).toMatchObject({ node: 'src:Split', code: 'DEADLINE_EXCEEDED' });
    expect(ns(result.results['u:Unary'])).toEqual([2]);
  });
});
