// When a node that takes one message (a unary or server-streaming rpc) is called:
// - source: once with its --input request; with --loop, a trigger source again each time it finishes, until it is
//   stopped (--duration, a failure, a signal);
// - join: once every upstream has ended, with their single outputs merged in blueprint order (AND-join);
// - each: once per message arriving on any inbound link, in arrival order, one call at a time.
import type { NodeRun, RunContext } from '../node-run.js';
import type { Arrival } from '../queue.js';
import type { Message } from '../types.js';
import { serverStreamCall } from './server-stream.js';
import { unaryCall } from './unary.js';

type Call = (run: NodeRun, request: Message, ctx: RunContext) => Promise<boolean>;

export async function driveRequests(run: NodeRun, ctx: RunContext): Promise<void> {
  const call: Call = run.flow.kind === 'server-stream' ? serverStreamCall : unaryCall;
  if (run.flow.trigger === 'source') return source(run, ctx, call);
  if (run.flow.trigger === 'join') return join(run, ctx, call);
  return each(run, ctx, call);
}

async function source(run: NodeRun, ctx: RunContext, call: Call): Promise<void> {
  const request = ctx.initial.get(run.id) ?? {};
  do {
    if (!(await call(run, request, ctx))) return;
  } while (run.flow.loops && !run.stop.signal.aborted && ctx.halted() === undefined);
}

async function join(run: NodeRun, ctx: RunContext, call: Call): Promise<void> {
  const inbox = run.inbox!;
  await new Promise<void>((resolve) => inbox.whenEnded(resolve));
  const arrivals: Arrival[] = [];
  for (let a = inbox.take(); a; a = inbox.take()) arrivals.push(a);
  const given = new Set(arrivals.map((a) => a.link));
  for (let link = 0; link < run.inboundLinks; link++) {
    if (!given.has(link)) {
      run.skipReason = `upstream "${run.upstream(link)}" produced no output`;
      return;
    }
  }
  const halted = ctx.halted();
  if (halted !== undefined) {
    run.skipReason = halted;
    return;
  }
  ctx.activity.add();
  try {
    await call(run, run.joinRequest(arrivals), ctx);
  } finally {
    ctx.activity.done();
  }
}

async function each(run: NodeRun, ctx: RunContext, call: Call): Promise<void> {
  const inbox = run.inbox!;
  for (;;) {
    if (ctx.halted() !== undefined) {
      if (!inbox.done) run.interrupted = run.calls > 0;
      return;
    }
    const arrival = inbox.take();
    if (!arrival) {
      if (inbox.done) break;
      await new Promise<void>((resolve) => inbox.wait(resolve));
      continue;
    }
    ctx.activity.add();
    try {
      if (!(await call(run, run.request(arrival), ctx))) {
        run.interrupted = run.calls > 0;
        return;
      }
    } finally {
      ctx.activity.done();
    }
  }
  if (run.calls === 0) run.skipReason = 'no message arrived';
}
