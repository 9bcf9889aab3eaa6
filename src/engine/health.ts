// Is a server ready for calls? Asks the standard gRPC health service (grpc.health.v1.Health/Watch) for the server's
// overall status and waits for SERVING; a server without the health service counts as ready once a call reaches it
// (UNIMPLEMENTED proves the channel is up). Event-driven: the Watch call waits for the connection (waitForReady, so
// it goes out one round trip after the channel is READY) and the stream reports each status change; nothing polls.
// Used by the engine before the first call and by the local runtime after starting a service.
import * as grpc from '@grpc/grpc-js';
import { sleep } from './invoker.js';

export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
export type ReadyVia = 'health' | 'channel';

/** Where a server stands while it is not ready yet, for error messages. */
export type Readiness = { state: 'connecting' } | { state: 'health'; status: HealthStatus };

interface WatchMethod {
  path: string;
  requestSerialize: (value: { service: string }) => Buffer;
  responseDeserialize: (value: Buffer) => { status: HealthStatus };
}

// grpc-health-check's definition carries the wire functions of the Watch rpc; only those are used. It parses its
// health.proto when imported, so it is imported on the first wait, not by every command that loads the engine.
let watchMethod: Promise<WatchMethod> | undefined;
const loadWatch = () =>
  // A CommonJS module: its exports are the namespace's default, both in Node and in the bundle.
  (watchMethod ??= import('grpc-health-check').then((m) => m.default.service.Watch as unknown as WatchMethod));

type Outcome = ReadyVia | 'again' | 'aborted';

function watchOnce(
  watch: WatchMethod,
  client: grpc.Client,
  signal: AbortSignal,
  onState: (r: Readiness) => void,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const call = client.makeServerStreamRequest(
      watch.path,
      watch.requestSerialize,
      watch.responseDeserialize,
      { service: '' },
      // Wait for the connection instead of failing at once while the server is still starting.
      new grpc.Metadata({ waitForReady: true }),
    );
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      call.cancel();
      resolve(outcome);
    };
    const onAbort = () => finish('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    call.on('data', (response: { status: HealthStatus }) => {
      onState({ state: 'health', status: response.status });
      if (response.status === 'SERVING') finish('health');
      // A health service that knows no overall status: the server answers, which is all we can check.
      else if (response.status === 'SERVICE_UNKNOWN') finish('channel');
    });
    call.on('error', (err: grpc.ServiceError) => finish(err.code === grpc.status.UNIMPLEMENTED ? 'channel' : 'again'));
    call.on('end', () => finish('again'));
  });
}

/**
 * Waits until the server behind `client` is ready. Resolves how it was found ready, or undefined when `signal` aborts
 * first (a deadline, the process exited, Ctrl-C). The client stays open: the caller owns it.
 */
export async function waitUntilReady(
  client: grpc.Client,
  signal: AbortSignal,
  onState: (readiness: Readiness) => void = () => {},
): Promise<ReadyVia | undefined> {
  const watch = await loadWatch();
  let pause = 50;
  while (!signal.aborted) {
    onState({ state: 'connecting' });
    const outcome = await watchOnce(watch, client, signal, onState);
    if (outcome === 'health' || outcome === 'channel') return outcome;
    if (outcome === 'aborted') return undefined;
    // The stream broke (the server closed it or went away, e.g. restarting): back off a little, doubling as the
    // health protocol asks, so that a server that keeps dropping the stream is not hammered. An abort ends it at once.
    await sleep(pause, signal).catch(() => {});
    pause = Math.min(pause * 2, 1000);
  }
  return undefined;
}
