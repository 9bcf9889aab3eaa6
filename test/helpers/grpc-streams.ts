// Streaming handlers for test servers (startServer in ./grpc.ts): a server stream yields its messages, a client
// stream consumes an async iterable of what was written, a bidirectional call does both. Writes respect
// backpressure (write() false: wait for 'drain'), so a test server produces no faster than the engine reads; a thrown
// grpcError(...) ends the call with that status after the messages already written.
import type * as grpc from '@grpc/grpc-js';
import type { Readable } from 'node:stream';
import type { Message, RecordedCall } from './grpc.js';

type Items = Iterable<Message> | AsyncIterable<Message>;
type Failure = Error & { code?: number; details?: string };

/** What startServer needs to serve one streaming rpc. */
export interface StreamHandler {
  kind: 'server-stream' | 'client-stream' | 'bidi';
  implement(rpc: string, calls: RecordedCall[], track: (delta: number) => void): grpc.UntypedHandleCall;
}

/** A server-streaming rpc: yields the responses to `request`. */
export function serverStream(
  produce: (request: Message, call: grpc.ServerWritableStream<Message, Message>) => Items,
): StreamHandler {
  return {
    kind: 'server-stream',
    implement: (rpc, calls, track) => (call: grpc.ServerWritableStream<Message, Message>) => {
      calls.push({ rpc, request: call.request });
      track(1);
      void writeAll(call, () => produce(call.request, call)).finally(() => track(-1));
    },
  };
}

/** A client-streaming rpc: reads what is written (recorded in the call's `messages`) and returns one response. */
export function clientStream(
  consume: (requests: AsyncIterable<Message>, call: grpc.ServerReadableStream<Message, Message>) => Promise<Message>,
): StreamHandler {
  return {
    kind: 'client-stream',
    implement:
      (rpc, calls, track) => (call: grpc.ServerReadableStream<Message, Message>, done: grpc.sendUnaryData<Message>) => {
        const recorded: RecordedCall = { rpc, request: {}, messages: [] };
        calls.push(recorded);
        track(1);
        consume(recording(call, recorded), call)
          .then(
            (response) => done(null, response),
            (err: Failure) => done({ code: err.code ?? 13, details: err.details ?? err.message }),
          )
          .finally(() => track(-1));
      },
  };
}

/** A bidirectional rpc: reads what is written (recorded in `messages`) and yields responses. */
export function bidi(
  respond: (requests: AsyncIterable<Message>, call: grpc.ServerDuplexStream<Message, Message>) => Items,
): StreamHandler {
  return {
    kind: 'bidi',
    implement: (rpc, calls, track) => (call: grpc.ServerDuplexStream<Message, Message>) => {
      const recorded: RecordedCall = { rpc, request: {}, messages: [] };
      calls.push(recorded);
      track(1);
      void writeAll(call, () => respond(recording(call, recorded), call)).finally(() => track(-1));
    },
  };
}

/**
 * The messages of a request stream, each recorded as it is read. Not `for await (... of call)`: that destroys the
 * stream when the loop ends, which for a bidirectional call cancels the responses still to be written.
 */
async function* recording(call: Readable, recorded: RecordedCall): AsyncIterable<Message> {
  for await (const message of call.iterator({ destroyOnReturn: false })) {
    recorded.messages!.push(message as Message);
    yield message as Message;
  }
}

type Writable = grpc.ServerWritableStream<Message, Message> | grpc.ServerDuplexStream<Message, Message>;

/** Writes every item with backpressure, then ends the call; a failure ends it with its status instead. */
async function writeAll(call: Writable, items: () => Items): Promise<void> {
  try {
    for await (const item of items()) {
      if (call.cancelled) return;
      if (!call.write(item)) await drained(call);
    }
    call.end();
  } catch (err) {
    if (call.cancelled) return;
    const failure = err as Failure;
    call.emit('error', { code: failure.code ?? 13, details: failure.details ?? failure.message });
  }
}

function drained(call: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
