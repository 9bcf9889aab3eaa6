// The engine against real grpc-js servers on 127.0.0.1: chains, fan-out/fan-in, scheduling without level barriers,
// message mapping, readiness, error statuses, retries, deadlines and cancellation.
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import getPort from 'get-port';
import { executeRun, prepareRun, runFailure, type EngineEvent, type RunOptions } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { CallFailure, callUnary } from '../../src/engine/invoker.js';
import { loadRuntimeProto, resolveOperation } from '../../src/proto/runtime.js';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { chainNodes, oneAddress, writePackage, type PackageSpec } from '../helpers/export-package.js';
import { gate, grpcError, protosDir, serverStream, startServer, step, type TestServer } from '../helpers/grpc.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const s = await startServer(...args);
  cleanups.push(() => s.stop());
  return s;
}

function pkg(spec: PackageSpec): string {
  const { dir, cleanup } = tempDir('aieffect-engine-');
  cleanups.push(cleanup);
  return writePackage(dir, spec);
}

async function run(dir: string, options: RunOptions = {}, addresses?: Record<string, string>) {
  const events: EngineEvent[] = [];
  const prepared = prepareRun(dir, { addresses });
  const result = await executeRun(prepared, { waitTimeoutMs: 10_000, ...options }, (e) => events.push(e));
  return { result, events, prepared };
}

/** The summary of a node that made no call. */
const SKIPPED = { status: 'skipped', attempts: 0, calls: 0, messages_in: 0, messages_out: 0 };

const order = (events: EngineEvent[], type: EngineEvent['type']) =>
  events.filter((e) => e.type === type).map((e) => (e as { node: string }).node);

describe('engine: a linear chain', () => {
  it('passes each output on as the next request and returns every output, longs as strings', async () => {
    const s = await server('echo.proto', { Echo: step('a'), Step: step('b') });
    const s2 = await server('echo.proto', { Step: step('c') });
    const dir = pkg({
      nodes: chainNodes('echo.proto', ['a1:Echo', 'b1:Step', 'c1:Step']),
      addresses: { a1: s.address, b1: s.address, c1: s2.address },
    });
    const { result, events } = await run(dir, { input: { all: { data: 'x', seq: 5 } } });
    expect(result.summary.status).toBe('succeeded');
    expect(Object.keys(result.results)).toEqual(['a1:Echo', 'b1:Step', 'c1:Step']);
    expect(result.results['c1:Step']).toEqual({
      data: 'x>a>b>c',
      seq: '8',
      trail: ['a', 'b', 'c'],
      blob: Buffer.alloc(0),
    });
    // Pass-through: b1 received exactly a1's output.
    expect(s.calls.map((c) => c.rpc)).toEqual(['Echo', 'Step']);
    expect(s.calls[1]!.request).toEqual({ ...result.results['a1:Echo'] });
    expect(order(events, 'node-finished')).toEqual(['a1:Echo', 'b1:Step', 'c1:Step']);
    expect(result.summary.nodes['b1:Step']).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(events[0]!.type).toBe('run-started');
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: 'succeeded' });
  });
});

describe('engine: a diamond', () => {
  it('fans out, merges both branches in blueprint order and warns on a conflicting field', async () => {
    const s = await server('shop.proto', {
      Place: (req) => ({ ...req, id: `${String(req.id)}-placed` }),
      MakeLeft: (req) => ({ left: `L(${String(req.id)})`, data: 'from-left', shared: 7 }),
      MakeRight: (req) => ({ right: `R(${String(req.id)})`, data: 'from-right', shared: 0 }),
      Join: (req) => req,
    });
    const dir = pkg({
      nodes: [
        { container: 'start', proto: 'shop.proto', operations: { Place: ['left:MakeLeft', 'right:MakeRight'] } },
        { container: 'left', proto: 'shop.proto', operations: { MakeLeft: ['join:Join'] } },
        { container: 'right', proto: 'shop.proto', operations: { MakeRight: ['join:Join'] } },
        { container: 'join', proto: 'shop.proto', operations: { Join: [] } },
      ],
      addresses: { start: s.address, left: s.address, right: s.address, join: s.address },
    });
    const { result, events, prepared } = await run(dir, { input: { all: { id: 'o1', quantity: 2, kind: 'BOOK' } } });
    expect(prepared.graph.levels).toEqual([['start:Place'], ['left:MakeLeft', 'right:MakeRight'], ['join:Join']]);
    expect(result.summary.status).toBe('succeeded');
    // shared: right gives the proto3 default (0), which does not override left's 7.
    expect(result.results['join:Join']).toEqual({
      left: 'L(o1-placed)',
      right: 'R(o1-placed)',
      data: 'from-right',
      shared: 7,
    });
    const warnings = events.filter((e) => e.type === 'warning');
    expect(warnings).toEqual([
      expect.objectContaining({
        node: 'join:Join',
        message:
          'node "join:Join": upstreams "left:MakeLeft" and "right:MakeRight" give different values for field "data" ("from-left" vs "from-right"); using "right:MakeRight"\'s',
      }),
    ]);
    // The start node's enum and int64 arrive decoded: names and strings.
    expect(result.results['start:Place']).toEqual({ id: 'o1-placed', quantity: '2', kind: 'BOOK' });
  });
});

describe('engine: no level barrier', () => {
  it("finishes the fast branch's second node before the slow branch's first node", async () => {
    // The slow node answers only once the fast branch's second node has been called and answered (or after 5 s, so a
    // scheduler with a level barrier fails the assertion below instead of hanging).
    const fastDone = gate();
    const s = await server('echo.proto', {
      Echo: step('x'),
      Step: async (req) => {
        if (String(req.data).startsWith('slow')) {
          await Promise.race([fastDone.promise, new Promise((r) => setTimeout(r, 5000))]);
          return step('slow1')(req);
        }
        const out = step('fast2')(req);
        setImmediate(() => fastDone.open());
        return out;
      },
    });
    const dir = pkg({
      nodes: [
        { container: 'fast1', proto: 'echo.proto', operations: { Echo: ['fast2:Step'] } },
        { container: 'fast2', proto: 'echo.proto', operations: { Step: [] } },
        { container: 'slow1', proto: 'echo.proto', operations: { Step: ['slow2:Echo'] } },
        { container: 'slow2', proto: 'echo.proto', operations: { Echo: [] } },
      ],
      addresses: { fast1: s.address, fast2: s.address, slow1: s.address, slow2: s.address },
    });
    const { result, events } = await run(dir, {
      input: { nodes: { 'fast1:Echo': { data: 'fast' }, 'slow1:Step': { data: 'slow' } } },
    });
    expect(result.summary.status).toBe('succeeded');
    const finished = order(events, 'node-finished');
    expect(finished.indexOf('fast2:Step')).toBeLessThan(finished.indexOf('slow1:Step'));
    expect(finished).toEqual(['fast1:Echo', 'fast2:Step', 'slow1:Step', 'slow2:Echo']);
  });

  it('keeps at most --concurrency calls in flight', async () => {
    const s = await server('echo.proto', {
      Echo: async (req) => {
        await new Promise((r) => setTimeout(r, 20));
        return req;
      },
    });
    const nodes = ['n1', 'n2', 'n3', 'n4'].map((c) => ({
      container: c,
      proto: 'echo.proto',
      operations: { Echo: [] },
    }));
    const dir = pkg({ nodes, addresses: Object.fromEntries(nodes.map((n) => [n.container, s.address])) });
    const limited = await run(dir, { concurrency: 1 });
    expect(limited.result.summary.status).toBe('succeeded');
    expect(s.maxInFlight()).toBe(1);
    const started = order(limited.events, 'node-started');
    expect(started).toEqual(['n1:Echo', 'n2:Echo', 'n3:Echo', 'n4:Echo']);
  });
});

describe('engine: pass-through vs name mapping', () => {
  it('passes the same type through whole and maps other types field by field', async () => {
    const s = await server('shop.proto', {
      Place: (req) => ({ ...req, id: 'p-1' }),
      Price: (req) => ({ id: req.id, total: 12.5, quantity: req.quantity, note: 'gift', tags: ['a'] }),
      Bill: (req) => ({ ...req, currency: 'EUR' }),
    });
    const nodes = chainNodes('shop.proto', ['placer:Place', 'pricer:Price', 'biller:Bill']);
    const dir = pkg({ nodes, addresses: oneAddress(nodes, s.address) });
    const { result, prepared, events } = await run(dir, { input: { all: { id: 'x', quantity: '3', kind: 'FOOD' } } });
    expect(prepared.links).toEqual([
      {
        from: 'placer:Place',
        to: 'pricer:Price',
        mode: 'pass-through',
        fields: ['id', 'quantity', 'kind'],
        skipped: [],
        absent: [],
      },
      {
        from: 'pricer:Price',
        to: 'biller:Bill',
        mode: 'mapped',
        fields: ['id', 'total', 'quantity'],
        skipped: ['tags: repeated string vs string'],
        absent: ['currency'],
      },
    ]);
    // pass-through: pricer got placer's whole output, enum name included.
    expect(s.calls[1]!.request).toEqual({ id: 'p-1', quantity: '3', kind: 'FOOD' });
    // mapped: id, total, quantity (int64 -> int32) copied; note has no counterpart, currency and tags keep defaults.
    expect(s.calls[2]!.request).toEqual({ id: 'p-1', total: 12.5, quantity: 3, currency: '', tags: '' });
    expect(result.results['biller:Bill']).toEqual({ id: 'p-1', total: 12.5, quantity: 3, currency: 'EUR', tags: '' });
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      'link "pricer:Price" -> "biller:Bill": fields not mapped (types differ): tags: repeated string vs string',
    ]);
  });

  it('warns about --input fields the start node does not have', async () => {
    const s = await server('echo.proto', { Echo: (req) => req });
    const dir = pkg({
      nodes: [{ container: 'e', proto: 'echo.proto', operations: { Echo: [] } }],
      addresses: { e: s.address },
    });
    const { events, result } = await run(dir, { input: { all: { data: 'd', nope: 1 } } });
    expect(result.results['e:Echo']).toMatchObject({ data: 'd' });
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      '--input: echo.Payload of "e:Echo" has no field "nope" (fields: data, seq, trail, blob); ignored',
    ]);
  });
});

describe('engine: readiness', () => {
  it('names the container and address of a service that is not listening', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const dir = pkg({
      nodes: [{ container: 'ghost', proto: 'echo.proto', operations: { Echo: [] } }],
      addresses: { ghost: `127.0.0.1:${port}` },
    });
    const err = await run(dir, { waitTimeoutMs: 800 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      `service not ready within 0.8 s: "ghost" at 127.0.0.1:${port} (no connection)`,
    );
    expect((err as UserError).code).toBe('SERVICES_NOT_READY');
  });

  it('waits for the health service to report SERVING', async () => {
    const s = await server('echo.proto', { Echo: (req) => req }, { health: 'NOT_SERVING' });
    const dir = pkg({
      nodes: [{ container: 'h', proto: 'echo.proto', operations: { Echo: [] } }],
      addresses: { h: s.address },
    });
    const events: EngineEvent[] = [];
    const prepared = prepareRun(dir);
    const running = executeRun(prepared, { waitTimeoutMs: 10_000 }, (e) => {
      events.push(e);
      // Turn healthy only once the engine is already waiting: it must see the change on the Watch stream.
      if (e.type === 'service-waiting') setTimeout(() => s.health!.setStatus('', 'SERVING'), 100);
    });
    const result = await running;
    expect(result.summary.status).toBe('succeeded');
    expect(events.find((e) => e.type === 'service-ready')).toMatchObject({ container: 'h', via: 'health' });
    expect(s.calls).toHaveLength(1);
  });

  it('reports a service whose health stays NOT_SERVING', async () => {
    const s = await server('echo.proto', { Echo: (req) => req }, { health: 'NOT_SERVING' });
    const dir = pkg({
      nodes: [{ container: 'sick', proto: 'echo.proto', operations: { Echo: [] } }],
      addresses: { sick: s.address },
    });
    const err = await run(dir, { waitTimeoutMs: 600 }).catch((e: unknown) => e);
    expect((err as UserError).message).toBe(
      `service not ready within 0.6 s: "sick" at ${s.address} (health status NOT_SERVING)`,
    );
    expect(s.calls).toHaveLength(0);
  });

  it('comes up late: waits for a service that starts listening after the run began', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const dir = pkg({
      nodes: [{ container: 'late', proto: 'echo.proto', operations: { Echo: [] } }],
      addresses: { late: `127.0.0.1:${port}` },
    });
    const prepared = prepareRun(dir);
    const result = executeRun(prepared, { waitTimeoutMs: 20_000 }, (e) => {
      if (e.type === 'service-waiting') {
        setTimeout(() => void server('echo.proto', { Echo: (req) => req }, { port }), 300);
      }
    });
    expect((await result).summary.status).toBe('succeeded');
  });
});

describe('engine: failures', () => {
  it('stops at a node returning an error status, keeps the outputs of the nodes that finished', async () => {
    const s = await server('echo.proto', {
      Echo: step('a'),
      Step: () => {
        throw grpcError(grpc.status.INVALID_ARGUMENT, 'seq must be even');
      },
    });
    const nodes = chainNodes('echo.proto', ['a:Echo', 'b:Step', 'c:Echo']);
    const dir = pkg({ nodes, addresses: oneAddress(nodes, s.address) });
    const { result, events } = await run(dir);
    expect(result.summary.status).toBe('failed');
    expect(Object.keys(result.results)).toEqual(['a:Echo']);
    expect(result.summary.error).toEqual({
      node: 'b:Step',
      code: 'INVALID_ARGUMENT',
      message: 'seq must be even',
      attempts: 1,
    });
    expect(result.summary.nodes['b:Step']).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'INVALID_ARGUMENT', message: 'seq must be even' },
    });
    expect(result.summary.nodes['c:Echo']).toEqual(SKIPPED);
    expect(events.find((e) => e.type === 'node-skipped')).toMatchObject({
      node: 'c:Echo',
      reason: 'upstream "b:Step" produced no output',
    });
    const failure = runFailure(result)!;
    expect(failure.message).toBe('node "b:Step" failed: INVALID_ARGUMENT: seq must be even');
    expect(failure.exit).toBe(1);
  });

  it('lets running nodes finish but starts no new one after a failure', async () => {
    const slowCalled = gate();
    const release = gate();
    const s = await server('echo.proto', {
      Echo: async (req) => {
        if (req.data === 'slow') {
          slowCalled.open();
          await release.promise;
          return req;
        }
        await slowCalled.promise;
        setTimeout(() => release.open(), 50);
        throw grpcError(grpc.status.FAILED_PRECONDITION, 'broken');
      },
      Step: (req) => req,
    });
    const dir = pkg({
      nodes: [
        { container: 'bad', proto: 'echo.proto', operations: { Echo: ['next:Step'] } },
        { container: 'slow', proto: 'echo.proto', operations: { Echo: ['after:Step'] } },
        { container: 'after', proto: 'echo.proto', operations: { Step: [] } },
        { container: 'next', proto: 'echo.proto', operations: { Step: [] } },
      ],
      addresses: { bad: s.address, slow: s.address, after: s.address, next: s.address },
    });
    const { result } = await run(dir, { input: { nodes: { slow: { data: 'slow' } } } });
    expect(result.summary.status).toBe('failed');
    expect(result.summary.nodes['slow:Echo']!.status).toBe('succeeded');
    expect(result.results['slow:Echo']).toMatchObject({ data: 'slow' });
    expect(result.summary.nodes['after:Step']).toEqual(SKIPPED);
    expect(s.calls.map((c) => c.rpc)).toEqual(['Echo', 'Echo']);
  });

  it('heals a transient UNAVAILABLE by retrying with backoff', async () => {
    let failures = 2;
    const s = await server('echo.proto', {
      Echo: (req) => {
        if (failures-- > 0) throw grpcError(grpc.status.UNAVAILABLE, 'warming up');
        return req;
      },
    });
    const dir = pkg({
      nodes: [{ container: 'flaky', proto: 'echo.proto', operations: { Echo: [] } }],
      addresses: { flaky: s.address },
    });
    const { result, events } = await run(dir, {
      input: { all: { data: 'ok' } },
      retries: 3,
      backoff: { initialMs: 10, maxMs: 100, multiplier: 2 },
    });
    expect(result.summary.status).toBe('succeeded');
    expect(result.summary.nodes['flaky:Echo']).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(events.filter((e) => e.type === 'node-retrying')).toEqual([
      expect.objectContaining({ attempt: 1, delayMs: 10, error: { code: 'UNAVAILABLE', message: 'warming up' } }),
      expect.objectContaining({ attempt: 2, delayMs: 20, error: { code: 'UNAVAILABLE', message: 'warming up' } }),
    ]);
    expect(s.calls).toHaveLength(3);
  });

  it('gives up after --retries and reports the attempts', async () => {
    const s = await server('echo.proto', {
      Echo: () => {
        throw grpcError(grpc.status.UNAVAILABLE, 'down for maintenance');
      },
    });
    const dir = pkg({
      nodes: [{ container: 'down', proto: 'echo.proto', operations: { Echo: [] } }],
      addresses: { down: s.address },
    });
    const { result } = await run(dir, { retries: 2, backoff: { initialMs: 5, maxMs: 5, multiplier: 2 } });
    expect(runFailure(result)!.message).toBe(
      'node "down:Echo" failed: UNAVAILABLE: down for maintenance (after 3 attempts)',
    );
    expect(s.calls).toHaveLength(3);
  });

  it('fails a call that exceeds --timeout with DEADLINE_EXCEEDED, without retrying it', async () => {
    const never = gate();
    cleanups.push(() => never.open());
    const s = await server('echo.proto', {
      Echo: async (req) => {
        await never.promise;
        return req;
      },
    });
    const dir = pkg({
      nodes: [{ container: 'hang', proto: 'echo.proto', operations: { Echo: [] } }],
      addresses: { hang: s.address },
    });
    const { result } = await run(dir, { timeoutMs: 300 });
    expect(result.summary.status).toBe('failed');
    expect(result.summary.error).toMatchObject({ node: 'hang:Echo', code: 'DEADLINE_EXCEEDED', attempts: 1 });
    expect(runFailure(result)!.message).toMatch(/^node "hang:Echo" failed: DEADLINE_EXCEEDED: Deadline exceeded/);
    expect(s.calls).toHaveLength(1);
  });
});

describe('engine: requests that cannot be encoded', () => {
  it("fails the node with INVALID_REQUEST and the encoder's reason, without calling the service", async () => {
    const s = await server('echo.proto', { Echo: (req) => req });
    const proto = loadRuntimeProto(join(protosDir, 'echo.proto'));
    const { method } = resolveOperation(proto, 'n', 'Echo');
    const client = new grpc.Client(s.address, grpc.credentials.createInsecure());
    cleanups.push(() => client.close());
    const err = (await callUnary(client, method, { trail: 'not a list' }).catch((e: unknown) => e)) as CallFailure;
    expect(err).toBeInstanceOf(CallFailure);
    expect([err.code, err.details]).toEqual([
      'INVALID_REQUEST',
      'cannot encode the request: echo.Payload.trail: array expected',
    ]);
    expect(s.calls).toHaveLength(0);
  });
});

describe('engine: cancellation', () => {
  it('cancels in-flight calls on abort and returns the partial results', async () => {
    const controller = new AbortController();
    const never = gate();
    cleanups.push(() => never.open());
    const s = await server('echo.proto', {
      Echo: step('a'),
      Step: async (req) => {
        controller.abort();
        await never.promise;
        return req;
      },
    });
    const nodes = chainNodes('echo.proto', ['a:Echo', 'b:Step', 'c:Echo']);
    const dir = pkg({ nodes, addresses: oneAddress(nodes, s.address) });
    const { result, events } = await run(dir, { signal: controller.signal });
    expect(result.summary.status).toBe('cancelled');
    expect(Object.keys(result.results)).toEqual(['a:Echo']);
    expect(result.summary.nodes['b:Step']).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(result.summary.nodes['c:Echo']).toEqual(SKIPPED);
    expect(order(events, 'node-cancelled')).toEqual(['b:Step']);
    expect(runFailure(result)).toBeUndefined();
  });
});

describe('engine: operations no link touches', () => {
  it('does not call an unwired streaming rpc of a service in an otherwise unary pipeline', async () => {
    const s = await server('flow.proto', {
      Unary: (req) => ({ ...req, trail: [...(req.trail as string[]), 'u'] }),
    });
    const dir = pkg({
      nodes: [
        { container: 'a', proto: 'flow.proto', operations: { Unary: ['b:Unary'], Split: [], Relay: [] } },
        { container: 'b', proto: 'flow.proto', operations: { Unary: [] } },
      ],
      addresses: { a: s.address, b: s.address },
    });
    const { result, prepared, events } = await run(dir, { input: { all: { data: 'x' } } });
    expect(prepared.graph.unwired).toEqual(['a:Split', 'a:Relay']);
    expect(result.summary.status).toBe('succeeded');
    expect(Object.keys(result.summary.nodes)).toEqual(['a:Unary', 'b:Unary']);
    expect(result.results['b:Unary']).toEqual({ n: '0', data: 'x', trail: ['u', 'u'] });
    expect(s.calls.map((c) => c.rpc)).toEqual(['Unary', 'Unary']);
    expect(events[0]).toMatchObject({ type: 'run-started', nodes: ['a:Unary', 'b:Unary'] });
  });

  it('calls each operation once, as a source, when the blueprint has no link at all (streams included)', async () => {
    const s = await server('flow.proto', {
      Unary: (req) => ({ ...req, trail: ['u'] }),
      Split: serverStream(function* (req) {
        for (let i = 1; i <= 3; i++) yield { n: i, data: req.data };
      }),
    });
    const dir = pkg({
      nodes: [
        { container: 'a', proto: 'flow.proto', operations: { Unary: [], Split: [] } },
        { container: 'b', proto: 'flow.proto', operations: { Unary: [] } },
      ],
      addresses: { a: s.address, b: s.address },
    });
    const { result, prepared } = await run(dir, { input: { all: { data: 'x' } } });
    expect(prepared.graph.unwired).toEqual([]);
    expect(prepared.graph.starts).toEqual(['a:Unary', 'a:Split', 'b:Unary']);
    expect(result.summary.status).toBe('succeeded');
    expect(result.results).toEqual({
      'a:Unary': { n: '0', data: 'x', trail: ['u'] },
      'a:Split': [1, 2, 3].map((n) => ({ n: String(n), data: 'x', trail: [] })),
      'b:Unary': { n: '0', data: 'x', trail: ['u'] },
    });
    expect(s.calls.map((c) => c.rpc).sort()).toEqual(['Split', 'Unary', 'Unary']);
    expect(result.summary.nodes['a:Split']).toMatchObject({ calls: 1, messages_in: 0, messages_out: 3 });
  });
});
