// Times the built engine (dist/) on the three-stage stream of bench/stream.bench.ts against the same stages driven
// directly with grpc-js, in one plain `node` process. argv[2]: JSON {dir, address, count, size, runs} (dir: the
// package src:Split -> mid:Relay -> sink:Collect), or {memory: true, dir, count, size}: one engine run in this fresh
// process, reporting its peak resident memory. Prints {engine, direct} (ms per run) or {rss_mb, base_mb}.
import * as grpc from '@grpc/grpc-js';

const spec = JSON.parse(process.argv[2]);
const dist = new URL('../../dist/', import.meta.url);
const { executeRun, prepareRun } = await import(new URL('engine/index.js', dist).href);
const { loadRuntimeProto, resolveOperation } = await import(new URL('proto/runtime.js', dist).href);

const prepared = prepareRun(spec.dir);
const request = { n: spec.count, data: 'x'.repeat(spec.size) };

async function engine() {
  const t0 = performance.now();
  const result = await executeRun(prepared, { input: { all: request }, waitTimeoutMs: 10_000, keepMessages: 100 });
  const ms = performance.now() - t0;
  if (result.summary.status !== 'succeeded') throw new Error(`bench run ${result.summary.status}`);
  if (Number(result.results['sink:Collect'].n) !== spec.count) throw new Error('messages lost');
  return ms;
}

if (spec.memory) {
  const base = process.memoryUsage().rss;
  await engine();
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ rss_mb: peak / 2 ** 20, base_mb: base / 2 ** 20 }));
  process.exit(0);
}

const flow = loadRuntimeProto(new URL('../../test/fixtures/protos/flow.proto', import.meta.url).pathname);
const method = (name) => resolveOperation(flow, 'bench', name).method;
const [split, relay, collect] = ['Split', 'Relay', 'Collect'].map(method);
const options = { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 };

/** The same three stages by hand: each message read from one call is written into the next, with backpressure. */
async function direct() {
  const t0 = performance.now();
  const client = new grpc.Client(spec.address, grpc.credentials.createInsecure(), options);
  await new Promise((res, rej) => client.waitForReady(Date.now() + 10_000, (e) => (e ? rej(e) : res())));
  const md = () => new grpc.Metadata();
  const count = await new Promise((resolve, reject) => {
    const sink = client.makeClientStreamRequest(
      collect.path,
      collect.requestSerialize,
      collect.responseDeserialize,
      md(),
      {},
      (err, out) => (err ? reject(err) : resolve(Number(out.n))),
    );
    const mid = client.makeBidiStreamRequest(relay.path, relay.requestSerialize, relay.responseDeserialize, md(), {});
    const src = client.makeServerStreamRequest(
      split.path,
      split.requestSerialize,
      split.responseDeserialize,
      request,
      md(),
      {},
    );
    const pipe = (from, to) => {
      from.on('data', (m) => {
        if (!to.write(m)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => to.end());
      from.on('error', reject);
    };
    pipe(src, mid);
    pipe(mid, sink);
  });
  const ms = performance.now() - t0;
  client.close();
  if (count !== spec.count) throw new Error('messages lost');
  return ms;
}

const times = { engine: [], direct: [] };
await engine();
await direct();
for (let i = 0; i < spec.runs; i++) {
  times.engine.push(await engine());
  times.direct.push(await direct());
}
process.stdout.write(JSON.stringify(times));
