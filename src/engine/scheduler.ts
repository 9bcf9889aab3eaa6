// The scheduler: one task per node, run by the driver of its call kind (drivers/), the nodes connected by bounded
// links (queue.ts). Every task starts at once and waits only for its own links: no level barrier. It also owns how a
// run stops:
// - a failure halts the run: no new call starts, streaming calls are cancelled, unary calls in flight finish;
// - --duration stops the sources, after which the pipeline drains;
// - the end-of-run rule, applied whenever nothing is queued or in flight: callback streams are cancelled first; then
//   client streams waiting for more are half-closed (after --duration or a failure, bidirectional ones too); when no
//   call is open at all, nothing can send a message any more and nodes still waiting on links (in a cycle) end.
import type { NodeId } from '../graph/types.js';
import { bidiStream } from './drivers/bidi.js';
import { clientStream } from './drivers/client-stream.js';
import { driveRequests } from './drivers/requests.js';
import { streams, type NodeFlow } from './flow.js';
import { NodeRun, type InboundLink, type RunContext } from './node-run.js';
import { Activity, Inbox, Outbox, Slots } from './queue.js';
import type { PreparedRun } from './types.js';

export interface ScheduleOptions {
  /** Calls in flight at most (unary calls; default: unbounded). */
  concurrency?: number;
  /** Messages a link holds before its producer waits. */
  queueSize: number;
  /** Stop the sources after this long (ms). */
  durationMs?: number;
}

export type SharedContext = Omit<RunContext, 'slots' | 'activity' | 'halted' | 'halt'>;

/** How often live counters are reported (node-progress). */
const PROGRESS_MS = 250;

/** Runs the graph; resolves with every node's run once all have settled, in blueprint order. */
export async function schedule(
  prepared: PreparedRun,
  flows: Map<NodeId, NodeFlow>,
  shared: SharedContext,
  options: ScheduleOptions,
): Promise<{ runs: NodeRun[]; stoppedBy?: 'duration' }> {
  const { graph } = prepared;
  let haltReason: string | undefined;
  let durationUp = false;
  let settled = false;
  const runs: NodeRun[] = [];
  const slots = new Slots(options.concurrency && options.concurrency > 0 ? options.concurrency : Infinity);
  const activity = new Activity(() => endOfRun());
  const ctx: RunContext = {
    ...shared,
    slots,
    activity,
    halted: () => haltReason,
    halt: (reason) => {
      if (haltReason !== undefined) return;
      haltReason = reason;
      slots.halt();
      for (const run of runs) {
        if (run.status !== undefined) continue;
        if (run.open || run.flow.trigger === 'source' || run.flow.trigger === 'stream') run.stop.abort();
        run.inbox?.nudge();
      }
      activity.check();
    },
  };

  // Links: a bounded queue each, except one that closes a cycle (a bound there could deadlock the loop).
  const loops = new Set(graph.loops.map((e) => `${e.from}\u0000${e.to}`));
  const planOf = new Map(prepared.links.map((l) => [`${l.from}\u0000${l.to}`, l]));
  const inboxes = new Map<NodeId, Inbox>();
  const inbound = new Map<NodeId, InboundLink[]>();
  for (const node of prepared.nodes) {
    const ups = graph.upstream.get(node.id)!;
    if (ups.length === 0) continue;
    const keys = ups.map((from) => `${from}\u0000${node.id}`);
    inboxes.set(
      node.id,
      new Inbox(
        keys.map((k) => (loops.has(k) ? Infinity : options.queueSize)),
        activity,
      ),
    );
    inbound.set(
      node.id,
      ups.map((from, i) => ({ plan: planOf.get(keys[i]!)!, message: prepared.byId.get(from)!.call.response })),
    );
  }
  for (const node of prepared.nodes) {
    const targets = graph.downstream.get(node.id)!.map((to) => ({
      inbox: inboxes.get(to)!,
      link: graph.upstream.get(to)!.indexOf(node.id),
    }));
    runs.push(
      new NodeRun(
        node,
        flows.get(node.id)!,
        inboxes.get(node.id),
        new Outbox(targets),
        inbound.get(node.id) ?? [],
        ctx,
      ),
    );
  }

  const live = () => runs.filter((r) => r.status === undefined);
  const ending = (reason: 'idle' | 'duration', which: NodeRun[], end: (run: NodeRun) => void) => {
    shared.emit({ type: 'run-ending', at: Date.now(), reason, nodes: which.map((r) => r.id) });
    which.forEach(end);
  };
  function endOfRun(): void {
    if (settled) return;
    const open = live().filter((r) => r.open && !r.closedByRun);
    const callbacks = open.filter((r) => r.flow.callback);
    if (callbacks.length > 0) return ending('idle', callbacks, (r) => r.closeByRun());
    const stopping = durationUp || haltReason !== undefined;
    const waiting = open.filter(
      (r) => r.flow.trigger === 'stream' && !r.halfClosed && (r.flow.kind === 'client-stream' || stopping),
    );
    if (waiting.length > 0) return ending('idle', waiting, (r) => r.inbox?.closeAll());
    // Bidirectional calls still open: their services end them (or --duration / a signal does).
    if (open.length > 0) return;
    // No call is open: nothing can send a message any more. Nodes waiting on links (a cycle) end with them.
    for (const run of live()) run.inbox?.closeAll();
  }

  const onAbort = () => {
    ctx.halt('the run was cancelled');
    for (const run of runs) run.stop.abort();
  };
  if (shared.signal.aborted) onAbort();
  shared.signal.addEventListener('abort', onAbort, { once: true });
  const timer =
    options.durationMs === undefined
      ? undefined
      : setTimeout(() => {
          durationUp = true;
          const sources = live().filter((r) => graph.upstream.get(r.id)!.length === 0 && !r.closedByRun);
          ending('duration', sources, (r) => r.closeByRun());
          activity.check();
        }, options.durationMs);
  const ticker = setInterval(() => {
    for (const run of runs) if (streams(run.flow)) run.progress();
  }, PROGRESS_MS);
  ticker.unref();

  try {
    const tasks = runs.map((run) => runNode(run, ctx));
    activity.check();
    await Promise.all(tasks);
  } finally {
    settled = true;
    clearTimeout(timer);
    clearInterval(ticker);
    shared.signal.removeEventListener('abort', onAbort);
  }
  reportDropped(runs, ctx);
  return { runs, ...(durationUp ? { stoppedBy: 'duration' as const } : {}) };
}

/** One node from start to end; never throws (how it ended is in its status). */
async function runNode(run: NodeRun, ctx: RunContext): Promise<void> {
  // A source keeps the run from being idle until it has finished (a callback stream excepted: it only waits).
  const holds = run.flow.trigger === 'source' && !run.flow.callback;
  if (holds) ctx.activity.add();
  let error: unknown;
  try {
    if (run.flow.kind === 'bidi') await bidiStream(run, ctx);
    else if (run.flow.kind === 'client-stream') await clientStream(run, ctx);
    else await driveRequests(run, ctx);
  } catch (err) {
    error = err ?? new Error('driver failed');
  }
  run.discarded = run.inbox?.seal() ?? 0;
  if (run.discarded > 0 && ctx.halted() !== undefined) run.interrupted = true;
  run.finish(error);
  run.outbox.close();
  if (holds) ctx.activity.done();
}

/** Messages that reached a node after it had ended (not because the run stopped): worth a warning. */
function reportDropped(runs: NodeRun[], ctx: RunContext): void {
  if (ctx.halted() !== undefined) return;
  for (const run of runs) {
    const dropped = run.discarded + (run.inbox?.dropped ?? 0);
    if (dropped === 0 || run.status !== 'succeeded') continue;
    ctx.warn(
      run.id,
      `node "${run.id}": ${dropped} message${dropped === 1 ? '' : 's'} arrived after its call had ended, not delivered`,
    );
  }
}
