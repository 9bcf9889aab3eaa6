// Waiting until every service can take calls, before the first call: the channel must be READY, and where the
// server implements the standard gRPC health service, its overall status must be SERVING. Event-driven (channel
// state and the health Watch stream), no fixed sleeps; bounded by --wait-timeout.
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { UserError } from '../errors.js';
import type { EngineEventHandler } from './events.js';
import type { Channels } from './invoker.js';
import type { Endpoint } from './types.js';

type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

interface WatchMethod {
  path: string;
  requestSerialize: (value: { service: string }) => Buffer;
  responseDeserialize: (value: Buffer) => { status: HealthStatus };
}

// grpc-health-check loads health.proto with the same loader options as ours; only the wire functions are used.
const watch = healthService.Watch as unknown as WatchMethod;

/** Why a service is not ready yet, for the timeout message. */
type Pending = { state: 'connecting' } | { state: 'health'; status: HealthStatus };

/**
 * Watches the server's overall health (service ""). The call is made with waitForReady, so it is sent as soon as the
 * channel connects (one round trip after READY, no separate wait). Resolves 'health' once SERVING, 'channel' when the
 * server has no health service (UNIMPLEMENTED) or reports no overall status (SERVICE_UNKNOWN), 'retry' when the stream
 * ended otherwise (the server went away: watch again), 'timeout' at the deadline.
 */
function watchHealth(
  client: grpc.Client,
  deadline: number,
  signal: AbortSignal,
  pending: (p: Pending) => void,
): Promise<'health' | 'channel' | 'retry' | 'timeout'> {
  return new Promise((resolve) => {
    let settled = false;
    const call = client.makeServerStreamRequest(
      watch.path,
      watch.requestSerialize,
      watch.responseDeserialize,
      { service: '' },
      new grpc.Metadata({ waitForReady: true }),
      { deadline },
    );
    const finish = (outcome: 'health' | 'channel' | 'retry' | 'timeout') => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
      call.cancel();
    };
    const onAbort = () => finish('timeout');
    signal.addEventListener('abort', onAbort, { once: true });
    call.on('data', (response: { status: HealthStatus }) => {
      pending({ state: 'health', status: response.status });
      if (response.status === 'SERVING') finish('health');
      else if (response.status === 'SERVICE_UNKNOWN') finish('channel');
    });
    call.on('error', (err: grpc.ServiceError) => {
      if (err.code === grpc.status.UNIMPLEMENTED) finish('channel');
      else if (err.code === grpc.status.DEADLINE_EXCEEDED) finish('timeout');
      else finish('retry');
    });
    call.on('end', () => finish('retry'));
  });
}

async function waitForOne(
  client: grpc.Client,
  deadline: number,
  signal: AbortSignal,
  pending: (p: Pending) => void,
): Promise<'channel' | 'health' | undefined> {
  let pause = 50;
  while (!signal.aborted && Date.now() < deadline) {
    pending({ state: 'connecting' });
    const outcome = await watchHealth(client, deadline, signal, pending);
    if (outcome === 'health' || outcome === 'channel') return outcome;
    if (outcome === 'timeout') return undefined;
    // 'retry': the server ended the stream (restarting?). Back off a little (doubling, as the health protocol asks),
    // then watch again.
    await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(0, deadline - Date.now()))));
    pause = Math.min(pause * 2, 1000);
  }
  return undefined;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Waits for every endpoint in parallel. Returns false when `signal` aborted the wait. Thrown: UserError
 * SERVICES_NOT_READY naming each container and address that was not ready within `timeoutMs`.
 */
export async function waitForServices(
  channels: Channels,
  endpoints: Endpoint[],
  timeoutMs: number,
  signal: AbortSignal,
  emit: EngineEventHandler,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  // Aborting the run (or the first timeout) stops every watch at once.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const states = new Map<string, Pending>();
  // One wait per distinct address: containers served by the same server are ready together.
  const waits = new Map<string, Promise<'channel' | 'health' | undefined>>();
  try {
    const outcomes = await Promise.all(
      endpoints.map(async (e) => {
        emit({ type: 'service-waiting', at: Date.now(), container: e.container, address: e.address });
        let wait = waits.get(e.address);
        if (!wait) {
          wait = waitForOne(channels.at(e.address), deadline, stop.signal, (p) => states.set(e.address, p));
          waits.set(e.address, wait);
        }
        const via = await wait;
        if (via) emit({ type: 'service-ready', at: Date.now(), container: e.container, address: e.address, via });
        return via;
      }),
    );
    if (signal.aborted) return false;
    const missing = endpoints.filter((_, i) => outcomes[i] === undefined);
    if (missing.length === 0) return true;
    const parts = missing.map((e) => {
      const state = states.get(e.address) ?? { state: 'connecting' };
      const why = state.state === 'connecting' ? 'no connection' : `health status ${state.status}`;
      return `"${e.container}" at ${e.address} (${why})`;
    });
    throw new UserError(
      'SERVICES_NOT_READY',
      `${missing.length === 1 ? 'service' : 'services'} not ready within ${seconds(timeoutMs)}: ${parts.join(', ')}`,
      {
        hint: 'start the services, check the addresses in dockerinfo.json or pass --address container=host:port; --wait-timeout waits longer',
        details: { containers: missing.map((e) => ({ container: e.container, address: e.address })) },
      },
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
