// Is a server ready for calls? Asks the standard gRPC health service (grpc.health.v1.Health/Watch) for the server's
// overall status and waits for SERVING; a server without the health service counts as ready once a call reaches it
// (UNIMPLEMENTED proves the channel is up). Event-driven: the Watch call waits for the connection (waitForReady, so
// it goes out one round trip after the channel is READY) and the stream reports each status change; nothing polls.
// Used by the engine before the first call and by the local runtime after starting a service.
//
// The wait is on the path of every run, so it is kept to the connection and that one round trip:
// - the two health messages are encoded here (HealthCheckRequest {string service = 1}, HealthCheckResponse
//   {ServingStatus status = 1}) rather than by grpc-health-check, which parses its health.proto when loaded;
// - the call is made on the channel itself (Channel.createCall, what grpc-js's Client builds its calls on), without
//   the Client's stream object and interceptor stack, and a status arrives as a plain object: grpc-js's Client turns
//   every non-OK status (UNIMPLEMENTED from a server without the service, CANCELLED when the wait ends the stream)
//   into an Error with a formatted stack trace.
import * as grpc from '@grpc/grpc-js';
import { sleep } from './invoker.js';

export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
export type ReadyVia = 'health' | 'channel';

/**
 * Where a server stands while it is not ready yet, for error messages. A status number the enum does not name (a
 * newer server) is kept as the number, as protobufjs decodes it.
 */
export type Readiness = { state: 'connecting' } | { state: 'health'; status: HealthStatus | number };

const WATCH = '/grpc.health.v1.Health/Watch';
/** grpc.health.v1.HealthCheckResponse.ServingStatus, by number. */
const STATUS_NAMES: readonly HealthStatus[] = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
/** HealthCheckRequest {service: ""}, the server's overall status: field 1, length 0 (as grpc-health-check writes it). */
export const OVERALL_REQUEST = Buffer.from([0x0a, 0x00]);

/**
 * The status of an encoded HealthCheckResponse (a missing field is UNKNOWN, proto3's default; of a repeated one the
 * last counts), or undefined when the bytes are not a protobuf message. Fields it does not know are skipped.
 */
export function decodeHealthResponse(bytes: Uint8Array): HealthStatus | number | undefined {
  let status = 0;
  let at = 0;
  const varint = (): number | undefined => {
    // The low 32 bits, as protobufjs reads an int32 (an enum); up to 10 bytes (a negative value).
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (at >= bytes.length) return undefined;
      const byte = bytes[at++]!;
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value | 0;
    }
    return undefined;
  };
  while (at < bytes.length) {
    const key = varint();
    if (key === undefined) return undefined;
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 0) return undefined;
    if (wireType === 0) {
      const value = varint();
      if (value === undefined) return undefined;
      if (field === 1) status = value;
    } else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const length = varint();
      if (length === undefined || length < 0) return undefined;
      at += length;
    } else return undefined;
    if (at > bytes.length) return undefined;
  }
  return STATUS_NAMES[status] ?? status;
}

type Outcome = ReadyVia | 'again' | 'aborted';

function watchOnce(client: grpc.Client, signal: AbortSignal, onState: (r: Readiness) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const call = client.getChannel().createCall(WATCH, Infinity, undefined, null, null);
    let settled = false;
    let ended = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (!ended) call.cancelWithStatus(grpc.status.CANCELLED, 'Cancelled on client');
      resolve(outcome);
    };
    const onAbort = () => finish('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    // Wait for the connection instead of failing at once while the server is still starting.
    call.start(new grpc.Metadata({ waitForReady: true }), {
      onReceiveMetadata: () => {},
      onReceiveMessage: (message: Buffer) => {
        if (settled) return;
        const status = decodeHealthResponse(message);
        // Not a HealthCheckResponse: the stream is no use (grpc-js's Client would end it as INTERNAL).
        if (status === undefined) return finish('again');
        onState({ state: 'health', status });
        if (status === 'SERVING') finish('health');
        // A health service that knows no overall status: the server answers, which is all we can check.
        else if (status === 'SERVICE_UNKNOWN') finish('channel');
        else call.startRead();
      },
      onReceiveStatus: (status: grpc.StatusObject) => {
        ended = true;
        finish(status.code === grpc.status.UNIMPLEMENTED ? 'channel' : 'again');
      },
    });
    call.sendMessageWithContext({}, OVERALL_REQUEST);
    call.halfClose();
    call.startRead();
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
  let pause = 50;
  while (!signal.aborted) {
    onState({ state: 'connecting' });
    const outcome = await watchOnce(client, signal, onState);
    if (outcome === 'health' || outcome === 'channel') return outcome;
    if (outcome === 'aborted') return undefined;
    // The stream broke (the server closed it or went away, e.g. restarting): back off a little, doubling as the
    // health protocol asks, so that a server that keeps dropping the stream is not hammered. An abort ends it at once.
    await sleep(pause, signal).catch(() => {});
    pause = Math.min(pause * 2, 1000);
  }
  return undefined;
}
