// How each node of a prepared run is called, decided from its call kind and its upstreams before anything runs:
// - a node that takes a stream (client-streaming, bidirectional) is one call per run, every arriving message written
//   into it ("stream");
// - a node that takes one message (unary, server-streaming) with no upstream is called with the initial input
//   ("source"), with only single-message upstreams once with their outputs merged ("join"), and with an upstream
//   that emits many messages once per arriving message ("each");
// - a node emits many messages when it returns a stream, is called per message, or is a trigger source that --loop
//   calls again. Cycles are solved by iterating to a fixed point.
// Trigger sources take a message without fields (google.protobuf.Empty). One whose stream only answers calls the
// pipeline makes into its own container (the Graphene pattern of a sub-procedure: the sudoku evaluator's
// callAnswersetSolver) is a callback: the end of the run closes it instead of waiting for it to end.
import type { NodeId } from '../graph/types.js';
import type { CallKind, PreparedRun } from './types.js';

export type Trigger = 'source' | 'join' | 'each' | 'stream';

export interface NodeFlow {
  kind: CallKind;
  trigger: Trigger;
  /** Emits more than one message: its result is the list of its messages. */
  many: boolean;
  /** A source whose request has no fields. */
  triggerSource: boolean;
  /** Called again each time it finishes (--loop, trigger sources only). */
  loops: boolean;
  /** A trigger source's stream the end of the run closes (see above). */
  callback: boolean;
}

export interface FlowOptions {
  /** --loop: trigger sources are called again each time they finish. */
  loop?: boolean;
}

/** A node that streams or is called per message: its counters say more than its status. */
export function streams(flow: NodeFlow): boolean {
  return flow.many || flow.trigger === 'stream';
}

const takesStream = (kind: CallKind) => kind === 'client-stream' || kind === 'bidi';
const returnsStream = (kind: CallKind) => kind === 'server-stream' || kind === 'bidi';

export function planFlow(prepared: PreparedRun, options: FlowOptions = {}): Map<NodeId, NodeFlow> {
  const { graph } = prepared;
  const flows = new Map<NodeId, NodeFlow>();
  for (const node of prepared.nodes) {
    const ups = graph.upstream.get(node.id)!;
    const triggerSource = ups.length === 0 && node.call.request.fields.length === 0;
    const trigger: Trigger = takesStream(node.kind) ? 'stream' : ups.length === 0 ? 'source' : 'join';
    const loops = triggerSource && options.loop === true;
    flows.set(node.id, {
      kind: node.kind,
      trigger,
      many: returnsStream(node.kind) || loops,
      triggerSource,
      loops,
      callback: false,
    });
  }
  // A node taking one message becomes per-message once an upstream emits many; that may make it emit many in turn.
  for (let changed = true; changed;) {
    changed = false;
    for (const id of graph.levels.flat()) {
      const flow = flows.get(id)!;
      if (flow.trigger !== 'join') continue;
      if (graph.upstream.get(id)!.some((up) => flows.get(up)!.many)) {
        flow.trigger = 'each';
        flow.many = true;
        changed = true;
      }
    }
  }
  markCallbacks(prepared, flows);
  return flows;
}

/**
 * A trigger source returning a stream is a callback when another operation of its container is reachable from
 * another source: what it emits may answer those calls. When every source would be one, none is (something must
 * start the run).
 */
function markCallbacks(prepared: PreparedRun, flows: Map<NodeId, NodeFlow>): void {
  const { graph } = prepared;
  const candidates = graph.starts.filter((id) => {
    const flow = flows.get(id)!;
    return flow.triggerSource && returnsStream(flow.kind);
  });
  const callbacks = candidates.filter((id) => {
    const container = prepared.byId.get(id)!.container;
    const seen = new Set(graph.starts.filter((s) => s !== id));
    const stack = [...seen];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (at !== id && prepared.byId.get(at)!.container === container && !graph.starts.includes(at)) return true;
      for (const down of graph.downstream.get(at)!) {
        if (!seen.has(down) && down !== id) {
          seen.add(down);
          stack.push(down);
        }
      }
    }
    return false;
  });
  if (callbacks.length === graph.starts.length) return;
  for (const id of callbacks) flows.get(id)!.callback = true;
}
