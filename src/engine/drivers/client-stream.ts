// A client-streaming rpc: one call per run, opened when the run starts; every message arriving on its links is
// written into it (writer.ts), it is half-closed once they have all ended, and its one response goes downstream.
// UNAVAILABLE is retried only while nothing has been written; the deadline is --stream-timeout.
import * as grpc from '@grpc/grpc-js';
import { CallFailure, deadline, encoder } from '../invoker.js';
import type { NodeRun, RunContext } from '../node-run.js';
import type { Message } from '../types.js';
import { retryStream } from './retry.js';
import { writeRequests } from './writer.js';

export async function clientStream(run: NodeRun, ctx: RunContext): Promise<void> {
  run.called();
  await retryStream(run, ctx, (passed) => attempt(run, ctx, passed));
}

function attempt(run: NodeRun, ctx: RunContext, count: (written: number) => void): Promise<void> {
  const signal = run.stop.signal;
  if (signal.aborted) return Promise.reject(new CallFailure('CANCELLED', 'cancelled before the call started'));
  const { method } = run.node.call;
  const { serialize, failure } = encoder(method);
  return new Promise((resolve, reject) => {
    const onAbort = () => call.cancel();
    const call = ctx.channels
      .get(run.node.container)
      .makeClientStreamRequest<Message, Message>(
        method.path,
        serialize,
        method.responseDeserialize as (value: Buffer) => Message,
        new grpc.Metadata(),
        deadline(ctx.settings.streamTimeoutMs),
        (err, response) => {
          signal.removeEventListener('abort', onAbort);
          // The callback comes after the call has started (at the earliest on the next turn): writer is set.
          writer.stop();
          count(writer.written());
          run.open = false;
          if (err) return reject(failure(err));
          run.output(response ?? {});
          resolve();
        },
      );
    run.open = true;
    run.halfClosed = false;
    signal.addEventListener('abort', onAbort, { once: true });
    const writer = writeRequests(run, call, ctx);
  });
}
