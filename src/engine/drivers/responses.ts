// The response side of a server-streaming or bidirectional call: every message goes downstream as it arrives; while
// a downstream link is full the call is paused (grpc-js then stops reading, and HTTP/2 flow control holds the
// server back), and resumed once there is room.
import type * as grpc from '@grpc/grpc-js';
import type { CallFailure } from '../invoker.js';
import type { NodeRun } from '../node-run.js';
import type { Message } from '../types.js';

type ResponseStream = grpc.ClientReadableStream<Message> | grpc.ClientDuplexStream<Message, Message>;

/**
 * Resolves when the stream ends with status OK; rejects with `failure(err)` when it ends with another status, after
 * passing on the messages that arrived before it. `onMessage` is called for each.
 */
export function readResponses(
  run: NodeRun,
  call: ResponseStream,
  failure: (err: unknown) => CallFailure,
  onMessage: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const resume = () => call.resume();
    call.on('data', (message: Message) => {
      onMessage();
      if (!run.output(message)) {
        call.pause();
        run.outbox.whenWritable(resume);
      }
    });
    call.on('end', () => {
      if (settled) return;
      settled = true;
      resolve();
    });
    call.on('error', (err: Error) => {
      if (settled) return;
      settled = true;
      // grpc-js reports the status at once, possibly with messages still buffered behind a pause: they are results.
      for (let m = call.read() as Message | null; m !== null; m = call.read() as Message | null) {
        onMessage();
        run.output(m);
      }
      reject(failure(err));
    });
  });
}
