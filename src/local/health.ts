// Is a freshly started service ready for calls? Asks the standard gRPC health service (grpc.health.v1.Health/Watch)
// for the server's overall status and waits for SERVING; a server without the health service counts as ready once a
// call reaches it (UNIMPLEMENTED proves the channel is up). Event-driven: the Watch call waits for the connection
// (waitForReady) and the stream reports each status change; nothing polls on a timer.
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

export type ReadyVia = 'health' | 'channel';

/** Where a service stands while it is not ready yet, for error messages. */
export type Readiness = { state: 'connecting' } | { state: 'health'; status: string };

interface WatchMethod {
  path: string;
  requestSerialize: (value: { service: string }) => Buffer;
  responseDeserialize: (value: Buffer) => { status: string };
}

// grpc-health-check's definition carries the wire functions of the Watch rpc.
const watch = healthService.Watch as unknown as WatchMethod;

// A local process starts listening within moments: retry connecting quickly rather than with gRPC's default
// 1 s-and-growing backoff.
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 50,
  'grpc.max_reconnect_backoff_ms': 500,
};

type Outcome = ReadyVia | 'again' | 'aborted';

function watchOnce(client: grpc.Client, signal: AbortSignal, onState: (r: Readiness) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const metadata = new grpc.Metadata();
    // Wait for the connection instead of failing at once while the server is still starting.
    metadata.setOptions({ waitForReady: true });
    const call = client.makeServerStreamRequest(
      watch.path,
      watch.requestSerialize,
      watch.responseDeserialize,
      { service: '' },
      metadata,
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
    call.on('data', (response: { status: string }) => {
      onState({ state: 'health', status: response.status });
      if (response.status === 'SERVING') finish('health');
      // A health service that knows no overall status: the server answers, which is all we can check.
      else if (response.status === 'SERVICE_UNKNOWN') finish('channel');
    });
    call.on('error', (err: grpc.ServiceError) => {
      if (err.code === grpc.status.UNIMPLEMENTED) finish('channel');
      else finish('again');
    });
    call.on('end', () => finish('again'));
  });
}

/**
 * Waits until the server at `address` (host:port) is ready. Resolves how it was found ready, or undefined when
 * `signal` aborts first (the process exited, the wait timed out, the user pressed Ctrl-C).
 */
export async function waitUntilReady(
  address: string,
  signal: AbortSignal,
  onState: (readiness: Readiness) => void = () => {},
): Promise<ReadyVia | undefined> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  let pause = 50;
  try {
    while (!signal.aborted) {
      onState({ state: 'connecting' });
      const outcome = await watchOnce(client, signal, onState);
      if (outcome === 'health' || outcome === 'channel') return outcome;
      if (outcome === 'aborted') return undefined;
      // The stream broke (the server closed it or went away): back off a little before watching again, so that a
      // server that keeps dropping the stream is not hammered.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pause);
        function done() {
          signal.removeEventListener('abort', done);
          clearTimeout(timer);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
      pause = Math.min(pause * 2, 1000);
    }
    return undefined;
  } finally {
    client.close();
  }
}
