// Readiness of a freshly started local service, by address: the engine's health wait (src/engine/health.ts) on a
// channel of its own that reconnects quickly, since a local process starts listening within moments.
import * as grpc from '@grpc/grpc-js';
import { waitUntilReady, type Readiness, type ReadyVia } from '../engine/health.js';

export type { Readiness, ReadyVia };

// gRPC's default reconnect backoff starts at 1 s and grows; a local process is worth retrying much sooner, and often:
// a connection to a port nobody listens on yet is refused at once, and a service starting in about a second was
// otherwise seen up to 500 ms late (retries at 50, 130, 258, 463, 791, 1291, 1791 ms; issue 10).
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 20,
  'grpc.max_reconnect_backoff_ms': 100,
  // As for the engine's channels (engine/invoker.ts): no channelz admin service reads its bookkeeping.
  'grpc.enable_channelz': 0,
};

/**
 * Waits until the server at `address` (host:port) is ready. Resolves how it was found ready, or undefined when
 * `signal` aborts first (the process exited, the wait timed out, the user pressed Ctrl-C).
 */
export async function waitForAddress(
  address: string,
  signal: AbortSignal,
  onState: (readiness: Readiness) => void = () => {},
): Promise<ReadyVia | undefined> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  try {
    return await waitUntilReady(client, signal, onState);
  } finally {
    client.close();
  }
}
