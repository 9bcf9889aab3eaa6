// The plan of a prepared run as plain data: what `--plan` prints (levels, edges and how each maps messages, the
// address of each container) without calling anything.
import type { NodeId } from '../graph/types.js';
import type { PreparedRun } from './types.js';

export interface RunPlan {
  pipeline?: string;
  /** Level 0: start nodes; level n: nodes whose longest upstream path has n links. */
  levels: NodeId[][];
  edges: {
    from: NodeId;
    to: NodeId;
    mode: 'pass-through' | 'mapped';
    fields: string[];
    skipped?: string[];
    /** Request fields the upstream's output does not have: left at default / from --input. */
    left_at_default?: string[];
  }[];
  start_nodes: NodeId[];
  /** container -> host:port */
  addresses: Record<string, string>;
  /** Nodes with streaming rpcs: they plan, but running them is not supported yet. */
  streaming: NodeId[];
  /** Operations no link touches, in a blueprint that has links: not called. */
  not_wired: NodeId[];
  /** What the package says that the run does not follow (e.g. stream flags the proto contradicts). */
  notes: string[];
}

export function planOf(prepared: PreparedRun): RunPlan {
  // Links in the order the run takes them: by their source's level, then blueprint order.
  const level = new Map<string, number>();
  prepared.graph.levels.forEach((ids, i) => ids.forEach((id) => level.set(id, i)));
  const links = prepared.links
    .map((l, i) => ({ l, i }))
    .sort((a, b) => level.get(a.l.from)! - level.get(b.l.from)! || a.i - b.i)
    .map(({ l }) => l);
  return {
    ...(prepared.pipeline === undefined ? {} : { pipeline: prepared.pipeline }),
    levels: prepared.graph.levels,
    edges: links.map((l) => ({
      from: l.from,
      to: l.to,
      mode: l.mode,
      fields: l.fields,
      ...(l.skipped.length > 0 ? { skipped: l.skipped } : {}),
      ...(l.absent.length > 0 ? { left_at_default: l.absent } : {}),
    })),
    start_nodes: prepared.graph.starts,
    addresses: Object.fromEntries(prepared.endpoints.map((e) => [e.container, e.address])),
    streaming: prepared.nodes.filter((n) => n.streaming).map((n) => n.id),
    not_wired: prepared.graph.unwired,
    notes: prepared.notes,
  };
}
