// The request side of a client-streaming or bidirectional call: what arrives on the node's inbound links is written
// into the call in arrival order, one message at a time; when write() answers false the writer waits for 'drain'
// (the call's own buffer is full: the server reads slower than upstream produces), which leaves the messages in the
// inbox, whose full links in turn hold the producers back. Once every inbound link has ended, the call is half-closed.
// A source (no inbound link) writes its --input request and half-closes.
import type * as grpc from '@grpc/grpc-js';
import type { NodeRun, RunContext } from '../node-run.js';
import type { Message } from '../types.js';

type RequestStream = grpc.ClientWritableStream<Message> | grpc.ClientDuplexStream<Message, Message>;

export interface Writer {
  /** Messages taken from the inbox and written so far. */
  written(): number;
  /** Stops writing (the call ended); what is left stays in the inbox. */
  stop(): void;
}

export function writeRequests(run: NodeRun, call: RequestStream, ctx: RunContext): Writer {
  let written = 0;
  let stopped = false;
  let draining = false;
  let halfClosed = false;
  const halfClose = () => {
    halfClosed = true;
    run.halfClosed = true;
    // Half-closed, the call is in flight until it ends: the run is not idle while it may still answer.
    ctx.activity.add();
    call.end();
  };
  const inbox = run.inbox;
  const step = (): void => {
    while (!stopped) {
      const arrival = inbox!.take();
      if (arrival) {
        written++;
        if (!call.write(run.request(arrival))) {
          draining = true;
          ctx.activity.add();
          call.once('drain', () => {
            if (!draining) return;
            draining = false;
            ctx.activity.done();
            step();
          });
          return;
        }
        continue;
      }
      if (inbox!.done) return halfClose();
      return inbox!.wait(step);
    }
  };
  if (inbox) step();
  else {
    written++;
    call.write(ctx.initial.get(run.id) ?? {});
    halfClose();
  }
  return {
    written: () => written,
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (draining) {
        draining = false;
        ctx.activity.done();
      }
      if (halfClosed) ctx.activity.done();
    },
  };
}
