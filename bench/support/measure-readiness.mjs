// Readiness of services that are already up (bench/process.bench.ts), in one plain `node` process: the built engine's
// waitForServices on fresh channels (connect, then the health Watch: SERVING, or UNIMPLEMENTED from a server without
// the health service), against the baseline of fresh grpc-js clients waiting for their connections (waitForReady).
// floor: the same fresh clients, each awaited through one bare health round trip (bench/support/health-floor.mjs): the
// least a readiness check that asks the health service can take.
// argv[2]: JSON {addresses, runs}. Prints {engine, direct, floor} (milliseconds per run), interleaved after a warm-up.
import * as grpc from '@grpc/grpc-js';
import { healthRoundTrip } from './health-floor.mjs';

const spec = JSON.parse(process.argv[2]);
const dist = new URL('../../dist/', import.meta.url);
const { Channels } = await import(new URL('engine/invoker.js', dist).href);
const { waitForServices } = await import(new URL('engine/readiness.js', dist).href);
const endpoints = spec.addresses.map((address, i) => ({ container: `s${i}`, address, source: 'dockerinfo' }));

async function engine() {
  const channels = new Channels(endpoints);
  const t0 = performance.now();
  const ready = await waitForServices(channels, endpoints, 10_000, new AbortController().signal, () => {});
  const ms = performance.now() - t0;
  channels.close();
  if (!ready) throw new Error('not ready');
  return ms;
}

/** Fresh grpc-js clients, each awaited by `wait`. */
async function clients(wait) {
  const clients = spec.addresses.map((a) => new grpc.Client(a, grpc.credentials.createInsecure()));
  const t0 = performance.now();
  await Promise.all(clients.map(wait));
  const ms = performance.now() - t0;
  for (const c of clients) c.close();
  return ms;
}

const direct = () =>
  clients((c) => new Promise((res, rej) => c.waitForReady(Date.now() + 10_000, (e) => (e ? rej(e) : res()))));
const floor = () => clients(healthRoundTrip);

const times = { engine: [], direct: [], floor: [] };
await engine();
await direct();
await floor();
for (let i = 0; i < spec.runs; i++) {
  times.engine.push(await engine());
  times.direct.push(await direct());
  times.floor.push(await floor());
}
process.stdout.write(JSON.stringify(times));
