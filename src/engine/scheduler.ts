// The dependency-driven scheduler. Every node is a task that waits for one message on each of its inbound links,
// takes a concurrency slot, runs, and pushes its output into its outbound links. There is no level barrier: a node
// starts as soon as its own upstreams are done. After a failure (or cancellation) no new node starts; the running
// ones finish, and every node that did not run is reported as skipped with the reason.
import type { NodeId } from '../graph/types.js';
import { Link, Slots } from './link.js';

export interface Upstream<T> {
  from: NodeId;
  output: T;
}

export type Outcome<T> =
  | { status: 'succeeded'; output: T }
  | { status: 'failed'; error: unknown }
  | { status: 'cancelled'; error: unknown }
  | { status: 'skipped'; reason: string };

export interface ScheduleSpec<T> {
  /** Node ids in blueprint order. */
  nodes: NodeId[];
  upstream: Map<NodeId, NodeId[]>;
  downstream: Map<NodeId, NodeId[]>;
  /** Calls in flight at most (default: unbounded). */
  concurrency?: number;
  /** Aborting halts the schedule; `run` receives it to cancel what is in flight. */
  signal?: AbortSignal;
  /** Runs one node with its upstream outputs (in blueprint order); throws to fail it. */
  run: (node: NodeId, inputs: Upstream<T>[], signal: AbortSignal) => Promise<T>;
  onSkip?: (node: NodeId, reason: string) => void;
}

/** Runs the graph; resolves with every node's outcome once no task is left. */
export async function schedule<T>(spec: ScheduleSpec<T>): Promise<Map<NodeId, Outcome<T>>> {
  const signal = spec.signal ?? new AbortController().signal;
  const slots = new Slots(spec.concurrency && spec.concurrency > 0 ? spec.concurrency : Number.POSITIVE_INFINITY);
  const links = new Map<string, Link<T>>();
  const key = (from: NodeId, to: NodeId) => `${from}\u0000${to}`;
  for (const [from, downs] of spec.downstream) for (const to of downs) links.set(key(from, to), new Link<T>());

  let haltReason: string | undefined;
  const halt = (reason: string) => {
    if (haltReason !== undefined) return;
    haltReason = reason;
    slots.halt();
  };
  const onAbort = () => halt('the run was cancelled');
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });

  const outcomes = new Map<NodeId, Outcome<T>>();

  const runTask = async (node: NodeId): Promise<Outcome<T>> => {
    const ups = spec.upstream.get(node) ?? [];
    const received = await Promise.all(ups.map((from) => links.get(key(from, node))!.next()));
    const missing = ups.find((_, i) => received[i]!.done);
    if (missing !== undefined) return { status: 'skipped', reason: `upstream "${missing}" produced no output` };
    if (haltReason !== undefined) return { status: 'skipped', reason: haltReason };
    if (!(await slots.acquire())) return { status: 'skipped', reason: haltReason ?? 'the run was halted' };
    try {
      if (haltReason !== undefined) return { status: 'skipped', reason: haltReason };
      const inputs = ups.map((from, i) => ({ from, output: received[i]!.value as T }));
      const output = await spec.run(node, inputs, signal);
      return { status: 'succeeded', output };
    } catch (error) {
      if (signal.aborted) return { status: 'cancelled', error };
      halt(`not started: "${node}" failed`);
      return { status: 'failed', error };
    } finally {
      slots.release();
    }
  };

  try {
    await Promise.all(
      spec.nodes.map(async (node) => {
        const outcome = await runTask(node);
        outcomes.set(node, outcome);
        if (outcome.status === 'skipped') spec.onSkip?.(node, outcome.reason);
        for (const to of spec.downstream.get(node) ?? []) {
          const link = links.get(key(node, to))!;
          if (outcome.status === 'succeeded') link.push(outcome.output);
          link.close();
        }
      }),
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // In blueprint order, whatever order the tasks finished in.
  return new Map(spec.nodes.map((n) => [n, outcomes.get(n)!]));
}
