// The least a readiness check that asks the health service can cost with grpc-js (issue 10's floors): one
// grpc.health.v1.Health/Watch call made on the channel itself (Channel.createCall, no Client stream, no interceptors,
// nothing decoded), waiting for the connection like the engine's (waitForReady), ended by the first message (SERVING)
// or the status (UNIMPLEMENTED from a server without the health service). The engine does this plus what it needs to
// act on the answer (decoding the status, NOT_SERVING, retries, events).
import * as grpc from '@grpc/grpc-js';

const WATCH = '/grpc.health.v1.Health/Watch';
const OVERALL = Buffer.from([0x0a, 0x00]);

/** Resolves once the server behind `client` answered one health Watch call, whatever it answered. */
export function healthRoundTrip(client) {
  return new Promise((resolve) => {
    const call = client.getChannel().createCall(WATCH, Infinity, undefined, null, null);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve();
    };
    call.start(new grpc.Metadata({ waitForReady: true }), {
      onReceiveMetadata() {},
      onReceiveMessage() {
        call.cancelWithStatus(grpc.status.CANCELLED, 'Cancelled on client');
        finish();
      },
      onReceiveStatus: finish,
    });
    call.sendMessageWithContext({}, OVERALL);
    call.halfClose();
    call.startRead();
  });
}
