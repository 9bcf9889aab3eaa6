// Waiting until every service can take calls, before the first call: the channel must be READY, and where the
// server implements the standard gRPC health service, its overall status must be SERVING. Event-driven (channel
// state and the health Watch stream), no fixed sleeps; bounded by --wait-timeout.
import { UserError } from '../errors.js';
import type { EngineEventHandler } from './events.js';
import { waitUntilReady, type Readiness, type ReadyVia } from './health.js';
import type { Channels } from './invoker.js';
import type { Endpoint } from './types.js';
import { seconds } from '../util/duration.js';

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
  // Aborting the run, or the deadline, stops every watch at once.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(onAbort, timeoutMs);
  const states = new Map<string, Readiness>();
  // One wait per distinct address: containers served by the same server are ready together.
  const waits = new Map<string, Promise<ReadyVia | undefined>>();
  try {
    const outcomes = await Promise.all(
      endpoints.map(async (e) => {
        emit({ type: 'service-waiting', at: Date.now(), container: e.container, address: e.address });
        let wait = waits.get(e.address);
        if (!wait) {
          wait = waitUntilReady(channels.at(e.address), stop.signal, (p) => states.set(e.address, p));
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
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
