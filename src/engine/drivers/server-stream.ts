// A server-streaming rpc: one request, a stream of responses, each sent downstream as it arrives (responses.ts).
// UNAVAILABLE is retried only while nothing has arrived; the deadline is --stream-timeout.
import * as grpc from '@grpc/grpc-js';
import { CallFailure, deadline, encoder } from '../invoker.js';
import type { NodeRun, RunContext } from '../node-run.js';
import type { Message } from '../types.js';
import { readResponses } from './responses.js';
import { retryStream } from './retry.js';

/** One call of `run`'s rpc. Resolves false when the run halted before it could start. */
export async function serverStreamCall(run: NodeRun, request: Message, ctx: RunContext): Promise<boolean> {
  if (ctx.halted() !== undefined || run.stop.signal.aborted) return false;
  // In flight, the call keeps the run busy; a callback stream does not: it only waits (the end-of-run rule).
  const busy = !run.flow.callback;
  if (busy) ctx.activity.add();
  run.called();
  try {
    await retryStream(run, ctx, (passed) => readCall(run, request, ctx, () => passed(1)));
    return true;
  } finally {
    if (busy) ctx.activity.done();
  }
}

function readCall(run: NodeRun, request: Message, ctx: RunContext, onMessage: () => void): Promise<void> {
  const signal = run.stop.signal;
  if (signal.aborted) return Promise.reject(new CallFailure('CANCELLED', 'cancelled before the call started'));
  const { method } = run.node.call;
  const { serialize, failure } = encoder(method);
  let call: grpc.ClientReadableStream<Message>;
  try {
    call = ctx.channels
      .get(run.node.container)
      .makeServerStreamRequest<Message, Message>(
        method.path,
        serialize,
        method.responseDeserialize as (value: Buffer) => Message,
        request,
        new grpc.Metadata(),
        deadline(ctx.settings.streamTimeoutMs),
      );
  } catch (err) {
    return Promise.reject(failure(err));
  }
  run.open = true;
  const onAbort = () => call.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  return readResponses(run, call, failure, onMessage).finally(() => {
    signal.removeEventListener('abort', onAbort);
    run.open = false;
  });
}
