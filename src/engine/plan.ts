// The plan of a prepared run as plain data: what `--plan` prints (levels, how each node is called, the links and how
// each maps messages, the address of each container) without calling anything.
import { isStreamLink } from '../graph/order.js';
import type { NodeId } from '../graph/types.js';
import { planFlow, type FlowOptions, type Trigger } from './flow.js';
import type { CallKind, PreparedRun } from './types.js';

export interface NodePlan {
  kind: CallKind;
  /** source: with --input; join: once, upstream outputs merged; each: per arriving message; stream: one call per run. */
  trigger: Trigger;
  /** Emits more than one message: its result is a list. */
  many: boolean;
  /** A trigger source --loop calls again. */
  loops?: true;
  /** A trigger source's stream the end of the run closes. */
  callback?: true;
}

export interface RunPlan {
  pipeline?: string;
  /** Level 0: start nodes; level n: nodes whose longest upstream path has n links (links closing a cycle aside). */
  levels: NodeId[][];
  /** How each node is called. */
  nodes: Record<NodeId, NodePlan>;
  edges: {
    from: NodeId;
    to: NodeId;
    mode: 'pass-through' | 'mapped';
    fields: string[];
    skipped?: string[];
    /** Request fields the upstream's output does not have: left at default / from --input. */
    left_at_default?: string[];
    /** The link carries a stream (its source returns one or its target takes one). */
    stream?: true;
    /** The link closes a cycle. */
    loop?: true;
  }[];
  start_nodes: NodeId[];
  /** container -> host:port */
  addresses: Record<string, string>;
  /** Nodes with streaming rpcs. */
  streaming: NodeId[];
  /** Operations no link touches, in a blueprint that has links: not called. */
  not_wired: NodeId[];
  /** What the package says that the run does not follow (e.g. stream flags the proto contradicts). */
  notes: string[];
}

export function planOf(prepared: PreparedRun, options: FlowOptions = {}): RunPlan {
  const { graph } = prepared;
  const flows = planFlow(prepared, options);
  // Links in the order the run takes them: by their source's level, then blueprint order (one bucket per level).
  const level = new Map<string, number>();
  graph.levels.forEach((ids, i) => ids.forEach((id) => level.set(id, i)));
  const byLevel: RunPlan['edges'][] = graph.levels.map(() => []);
  const loops = new Set(graph.loops.map((e) => `${e.from}\u0000${e.to}`));
  // Keys are added one by one, not spread in (`...(c ? { k } : {})`): V8's slow path for that took a share of a
  // 100,000-node plan. The key order stays that of the type.
  for (const l of prepared.links) {
    const edge: RunPlan['edges'][number] = { from: l.from, to: l.to, mode: l.mode, fields: l.fields };
    if (l.skipped.length > 0) edge.skipped = l.skipped;
    if (l.absent.length > 0) edge.left_at_default = l.absent;
    if (isStreamLink(graph.byId.get(l.from)!, graph.byId.get(l.to)!)) edge.stream = true;
    if (loops.size > 0 && loops.has(`${l.from}\u0000${l.to}`)) edge.loop = true;
    byLevel[level.get(l.from)!]!.push(edge);
  }
  const nodes: Record<NodeId, NodePlan> = {};
  for (const ids of graph.levels) {
    for (const id of ids) {
      const f = flows.get(id)!;
      const node: NodePlan = { kind: f.kind, trigger: f.trigger, many: f.many };
      if (f.loops) node.loops = true;
      if (f.callback) node.callback = true;
      nodes[id] = node;
    }
  }
  return {
    ...(prepared.pipeline === undefined ? {} : { pipeline: prepared.pipeline }),
    levels: graph.levels,
    nodes,
    edges: byLevel.flat(),
    start_nodes: graph.starts,
    addresses: Object.fromEntries(prepared.endpoints.map((e) => [e.container, e.address])),
    streaming: prepared.nodes.filter((n) => n.kind !== 'unary').map((n) => n.id),
    not_wired: graph.unwired,
    notes: prepared.notes,
  };
}
