// A bidirectional rpc: one call per run, opened when the run starts; every message arriving on its links is written
// into it (writer.ts) while its responses go downstream as they come (responses.ts); it is half-closed once its
// links have all ended, and finishes when the service ends its stream. UNAVAILABLE is retried only while nothing has
// been written or received; the deadline is --stream-timeout.
import * as grpc from '@grpc/grpc-js';
import { CallFailure, deadline, encoder } from '../invoker.js';
import type { NodeRun, RunContext } from '../node-run.js';
import type { Message } from '../types.js';
import { readResponses } from './responses.js';
import { retryStream } from './retry.js';
import { writeRequests } from './writer.js';

export async function bidiStream(run: NodeRun, ctx: RunContext): Promise<void> {
  run.called();
  await retryStream(run, ctx, (passed) => attempt(run, ctx, passed));
}

async function attempt(run: NodeRun, ctx: RunContext, count: (n: number) => void): Promise<void> {
  const signal = run.stop.signal;
  if (signal.aborted) throw new CallFailure('CANCELLED', 'cancelled before the call started');
  const { method } = run.node.call;
  const { serialize, failure } = encoder(method);
  const call = ctx.channels
    .get(run.node.container)
    .makeBidiStreamRequest<Message, Message>(
      method.path,
      serialize,
      method.responseDeserialize as (value: Buffer) => Message,
      new grpc.Metadata(),
      deadline(ctx.settings.streamTimeoutMs),
    );
  run.open = true;
  run.halfClosed = false;
  const onAbort = () => call.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  let received = 0;
  const reading = readResponses(run, call, failure, () => received++);
  const writer = writeRequests(run, call, ctx);
  try {
    await reading;
  } finally {
    signal.removeEventListener('abort', onAbort);
    writer.stop();
    count(writer.written() + received);
    run.open = false;
  }
}
