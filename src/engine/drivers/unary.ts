// A unary rpc: one request, one response. The call takes a --concurrency slot while it is in flight (only while:
// waiting for room downstream holds none, so a full link can never starve the call that would empty it), retries
// UNAVAILABLE with backoff, and its response goes to every downstream link.
import { callWithRetry } from '../invoker.js';
import type { NodeRun, RunContext } from '../node-run.js';
import type { Message } from '../types.js';

/** One call of `run`'s rpc. Resolves false when the run halted before the call could start. */
export async function unaryCall(run: NodeRun, request: Message, ctx: RunContext): Promise<boolean> {
  if (!(await ctx.slots.acquire())) return false;
  if (ctx.halted() !== undefined) {
    ctx.slots.release();
    return false;
  }
  ctx.activity.add();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    ctx.slots.release();
  };
  try {
    run.called();
    run.attempts++;
    const { output } = await callWithRetry(ctx.channels.get(run.node.container), run.node.call.method, request, {
      timeoutMs: ctx.settings.timeoutMs,
      signal: ctx.signal,
      retries: ctx.settings.retries,
      backoff: ctx.settings.backoff,
      onRetry: (attempt, delayMs, error) => {
        run.attempts++;
        ctx.emit({ type: 'node-retrying', at: Date.now(), node: run.id, attempt, delayMs, error: error.toCallError() });
      },
    });
    release();
    const room = run.output(output);
    ctx.activity.done();
    if (!room) await run.outbox.writable();
    return true;
  } catch (err) {
    ctx.activity.done();
    throw err;
  } finally {
    release();
  }
}
