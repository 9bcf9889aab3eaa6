// Streaming pipelines through the built CLI (`aieffect orchestrate`), against real grpc-js servers on 127.0.0.1 in
// this process: a stream failing mid-way, SIGINT mid-stream, --loop with --duration, and a 100,000-message producer
// into a slow consumer in bounded memory (the CLI's peak resident memory, read from /proc).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { assertSchema } from '../../src/schema/validate.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { oneAddress, writePackage, type PackageNode } from '../helpers/export-package.js';
import {
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

async function setUp(handlers: Record<string, Handler>, nodes: PackageNode[]) {
  const server: TestServer = await startServer('flow.proto', handlers);
  cleanups.push(() => server.stop());
  const { dir, cleanup } = tempDir('aieffect-streams-cli-');
  cleanups.push(cleanup);
  writePackage(join(dir, 'pkg'), { nodes, addresses: oneAddress(nodes, server.address) });
  return { server, dir };
}

interface Document {
  results: Record<string, Message | Message[]>;
  summary: {
    status: string;
    stopped_by?: string;
    nodes: Record<string, { status: string; calls: number; messages_in: number; messages_out: number }>;
  };
}

function readDocument(dir: string): Document {
  const doc = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Document;
  assertSchema('run-result', doc, 'out.json');
  return doc;
}

const n = (m: Message) => Number(m.n);
const streamToUnary: PackageNode[] = [
  { container: 'src', proto: 'flow.proto', operations: { Split: ['u:Unary'] } },
  { container: 'u', proto: 'flow.proto', operations: { Unary: [] } },
];
const unary: Handler = (req) => ({ n: n(req) + 1 });

describe('orchestrate: streams through the CLI', () => {
  it('a stream failing mid-way: exit 1 naming the node, partial results printed and written', async () => {
    const { dir } = await setUp(
      {
        Unary: unary,
        Split: serverStream(function* () {
          for (let i = 1; i <= 3; i++) yield { n: i };
          throw grpcError(grpc.status.DATA_LOSS, 'sensor disconnected');
        }),
      },
      streamToUnary,
    );
    const r = await runCli(['orchestrate', 'pkg', '-o', 'out.json', '--no-progress'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error node "src:Split" failed: DATA_LOSS: sensor disconnected\n' +
        "  hint: see the service's own logs for why it returned this status\n",
    );
    const doc = readDocument(dir);
    expect(doc.summary.status).toBe('failed');
    expect((doc.results['src:Split'] as Message[]).map(n)).toEqual([1, 2, 3]);
    expect(doc.summary.nodes['src:Split']).toMatchObject({ status: 'failed', calls: 1, messages_out: 3 });
    // The messages that arrived before the failure were passed on (unary calls in flight finish after a failure).
    expect(doc.summary.nodes['u:Unary']!.messages_in).toBeLessThanOrEqual(3);
    expect(JSON.parse(r.stdout)).toEqual(doc.results);
  });

  it('SIGINT mid-stream: the stream is cancelled, the results so far written, exit 130', async () => {
    let pid = 0;
    const { dir } = await setUp(
      {
        Unary: unary,
        Split: serverStream(async function* (_req, call) {
          for (let i = 1; i <= 5; i++) yield { n: i };
          // Mid-stream: the CLI has the five messages; interrupt it while the stream is still open.
          setTimeout(() => process.kill(pid, 'SIGINT'), 200);
          await new Promise((resolve) => call.on('cancelled', resolve));
        }),
      },
      streamToUnary,
    );
    const r = await runCli(['orchestrate', 'pkg', '-o', 'out.json', '--no-progress'], {
      cwd: dir,
      onSpawn: (p) => (pid = p),
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('SIGINT: cancelling the calls in flight (again to quit at once)\n');
    const doc = readDocument(dir);
    expect(doc.summary.status).toBe('cancelled');
    expect(doc.summary.nodes['src:Split']).toMatchObject({ status: 'cancelled', calls: 1, messages_out: 5 });
    expect((doc.results['src:Split'] as Message[]).map(n)).toEqual([1, 2, 3, 4, 5]);
    // The unary node was called per message as they came: what it answered before the signal is its result.
    const answered = (doc.results['u:Unary'] as Message[]).map(n);
    expect(answered).toEqual([2, 3, 4, 5, 6].slice(0, answered.length));
  });

  it('--loop calls a trigger source again until --duration; what was sent on is processed, exit 0', async () => {
    let ticks = 0;
    const { dir } = await setUp({ Unary: unary, Tick: () => ({ n: ++ticks }) }, [
      { container: 't', proto: 'flow.proto', operations: { Tick: ['u:Unary'] } },
      { container: 'u', proto: 'flow.proto', operations: { Unary: [] } },
    ]);
    const r = await runCli(['orchestrate', 'pkg', '--loop', '--duration', '1s', '-o', 'out.json'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = readDocument(dir);
    expect(doc.summary.status).toBe('succeeded');
    expect(doc.summary.stopped_by).toBe('duration');
    const tick = doc.summary.nodes['t:Tick']!;
    expect(tick.calls).toBeGreaterThan(1);
    expect(tick.calls).toBe(ticks);
    // Every tick's message reached the unary node: the pipeline drained after the sources stopped.
    expect(doc.summary.nodes['u:Unary']).toMatchObject({ status: 'succeeded', calls: ticks, messages_in: ticks });
    expect((doc.results['u:Unary'] as Message[]).map(n).at(-1)).toBe(ticks + 1);
    expect(r.stderr).toContain('end   --duration is up: stopping t:Tick; the rest drains\n');
    expect(r.stderr).toContain('run succeeded in');
  });

  it('100,000 messages from a fast producer into a slow consumer, in bounded memory', async () => {
    const total = 100_000;
    const payload = 'x'.repeat(1024);
    let produced = 0;
    let producedAt = Date.now();
    let received = 0;
    let aheadWhileStalled = -1;
    /** Resolves once the producer has made no progress for 500 ms (it is held back), or has sent everything. */
    const producerStuck = () =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (produced === total || Date.now() - producedAt > 500) {
            clearInterval(check);
            resolve();
          }
        }, 50);
      });
    const { dir } = await setUp(
      {
        Split: serverStream(function* () {
          for (let i = 1; i <= total; i++) {
            produced = i;
            producedAt = Date.now();
            yield { n: i, data: payload };
          }
        }),
        Collect: clientStream(async (requests) => {
          let last = 0;
          for await (const r of requests) {
            received++;
            last = n(r);
            // The slow consumer: it stops reading after the first message until the producer cannot go on.
            if (received === 1) {
              await producerStuck();
              aheadWhileStalled = produced - received;
            }
          }
          return { n: last };
        }),
      },
      [
        { container: 'src', proto: 'flow.proto', operations: { Split: ['sink:Collect'] } },
        { container: 'sink', proto: 'flow.proto', operations: { Collect: [] } },
      ],
    );
    let pid = 0;
    let peakKb = 0;
    const sample = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // not started yet, or gone
      }
    }, 50);
    const r = await runCli(['orchestrate', 'pkg', '-o', 'out.json', '--no-progress'], {
      cwd: dir,
      timeoutMs: 240_000,
      onSpawn: (p) => (pid = p),
    }).finally(() => clearInterval(sample));
    expect(r.code).toBe(0);
    expect(received).toBe(total);
    // Backpressure: while the consumer read nothing, the producer got only a few buffers' worth ahead (the link's 16
    // messages, the calls' stream buffers and HTTP/2 windows: about a thousand here), not the 100,000 an unbounded
    // queue takes.
    expect(aheadWhileStalled).toBeGreaterThanOrEqual(16);
    expect(aheadWhileStalled).toBeLessThan(10_000);
    const doc = readDocument(dir);
    expect(doc.summary.nodes['src:Split']).toMatchObject({ status: 'succeeded', messages_out: total });
    expect(doc.summary.nodes['sink:Collect']).toMatchObject({ status: 'succeeded', messages_in: total });
    expect(doc.results['sink:Collect']).toMatchObject({ n: String(total) });
    // The result keeps the last 100 (--keep-messages), not all 100,000.
    expect((doc.results['src:Split'] as Message[]).map(n)).toEqual([...Array(100).keys()].map((i) => total - 99 + i));
    // Loosely: the CLI's peak resident memory (about 160 MB here; with an unbounded queue, about 330 MB).
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb / 1024).toBeLessThan(250);
  }, 300_000);
});
