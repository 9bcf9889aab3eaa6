// Readiness of services that are already up (bench/process.bench.ts), in one plain `node` process: the built engine's
// waitForServices on fresh channels (connect, then the health Watch: SERVING, or UNIMPLEMENTED from a server without
// the health service), against the baseline of fresh grpc-js clients waiting for their connections (waitForReady).
// argv[2]: JSON {addresses, runs}. Prints {engine, direct} (milliseconds per run), interleaved after a warm-up.
import * as grpc from '@grpc/grpc-js';

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

async function direct() {
  const clients = spec.addresses.map((a) => new grpc.Client(a, grpc.credentials.createInsecure()));
  const t0 = performance.now();
  await Promise.all(
    clients.map((c) => new Promise((res, rej) => c.waitForReady(Date.now() + 10_000, (e) => (e ? rej(e) : res())))),
  );
  const ms = performance.now() - t0;
  for (const c of clients) c.close();
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
