// Times the built engine (dist/) against direct grpc-js calls, in one plain `node` process (no tsx: its source-map
// stack traces would bill the engine for every gRPC error object, e.g. the UNIMPLEMENTED health probe).
// argv[2]: JSON {mode: "chain" | "fanout" | "run", dir, runs, size?, addresses?, count?}. Prints {engine, direct,
// floor} (milliseconds per run; direct is empty for mode "run"; floor, chain only: the direct chain after one health
// round trip to each stage, bench/support/health-floor.mjs, the least any readiness check adds). Runs are interleaved
// after one warm-up of each.
import * as grpc from '@grpc/grpc-js';
import { healthRoundTrip } from './health-floor.mjs';

const spec = JSON.parse(process.argv[2]);
const dist = new URL('../../dist/', import.meta.url);
const { executeRun, prepareRun } = await import(new URL('engine/index.js', dist).href);
const { loadRuntimeProto, resolveOperation } = await import(new URL('proto/runtime.js', dist).href);

const prepared = prepareRun(spec.dir);
const echo = loadRuntimeProto(new URL('../../test/fixtures/protos/echo.proto', import.meta.url).pathname);
const { method } = resolveOperation(echo, 'bench', 'Echo');
const options = { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 };
const payload = spec.size ? { data: 'x'.repeat(spec.size) } : {};

const unary = (client, request) =>
  new Promise((resolve, reject) =>
    client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, (err, out) =>
      err ? reject(err) : resolve(out),
    ),
  );

async function connect(addresses) {
  const clients = addresses.map((a) => new grpc.Client(a, grpc.credentials.createInsecure(), options));
  await Promise.all(
    clients.map((c) => new Promise((res, rej) => c.waitForReady(Date.now() + 10_000, (e) => (e ? rej(e) : res())))),
  );
  return clients;
}

/** The chain by hand: one client per stage, each output passed on as the next request. */
async function directChain() {
  const t0 = performance.now();
  const clients = await connect(spec.addresses);
  return chainFrom(clients, t0);
}

/** The same chain, each stage's connection awaited through one health round trip instead (its floor). */
async function floorChain() {
  const t0 = performance.now();
  const clients = spec.addresses.map((a) => new grpc.Client(a, grpc.credentials.createInsecure(), options));
  await Promise.all(clients.map(healthRoundTrip));
  return chainFrom(clients, t0);
}

async function chainFrom(clients, t0) {
  let message = payload;
  for (const client of clients) message = await unary(client, message);
  const ms = performance.now() - t0;
  for (const c of clients) c.close();
  return ms;
}

/** `count` calls sent at once on one client. */
async function directFanout() {
  const t0 = performance.now();
  const [client] = await connect([spec.addresses[0]]);
  await Promise.all(Array.from({ length: spec.count }, () => unary(client, payload)));
  const ms = performance.now() - t0;
  client.close();
  return ms;
}

async function engine() {
  const t0 = performance.now();
  const result = await executeRun(prepared, { input: { all: payload }, waitTimeoutMs: 10_000 });
  const ms = performance.now() - t0;
  if (result.summary.status !== 'succeeded') throw new Error(`bench run ${result.summary.status}`);
  return ms;
}

const direct = spec.mode === 'chain' ? directChain : spec.mode === 'fanout' ? directFanout : undefined;
const floor = spec.mode === 'chain' ? floorChain : undefined;
const times = { engine: [], direct: [], floor: [] };
await engine();
await direct?.();
await floor?.();
for (let i = 0; i < spec.runs; i++) {
  times.engine.push(await engine());
  if (direct) times.direct.push(await direct());
  if (floor) times.floor.push(await floor());
}
process.stdout.write(JSON.stringify(times));
