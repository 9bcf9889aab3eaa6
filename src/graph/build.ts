// Blueprint -> PipelineGraph: nodes are container:operation, edges come from `connected_to`. Links to nodes that do
// not exist and cycles are reported here, naming the culprits, so nothing downstream has to expect them.
import { Graph, alg } from '@dagrejs/graphlib';
import { UserError } from '../errors.js';
import type { Blueprint } from '../platform/types.js';
import type { NodeId, PipelineEdge, PipelineGraph, PipelineNode } from './types.js';

export function nodeId(container: string, operation: string): NodeId {
  return `${container}:${operation}`;
}

/** Lists names for an error message, shortened when there are many. */
function list(names: string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown}, ... (${names.length} in all)` : shown || 'none';
}

/**
 * Builds the graph of a validated blueprint. `label` names blueprint.json in messages. Thrown: UserError
 * EMPTY_PIPELINE, DUPLICATE_OPERATION, UNKNOWN_LINK_TARGET, or GRAPH_CYCLE (naming the nodes of one cycle in order).
 */
export function buildPipelineGraph(blueprint: Blueprint, label = 'blueprint.json'): PipelineGraph {
  const graph = new Graph({ directed: true, multigraph: false });
  const nodes: PipelineNode[] = [];
  const byId = new Map<NodeId, PipelineNode>();
  const operationsOf = new Map<string, string[]>();

  blueprint.nodes.forEach((bpNode, n) => {
    const ops: string[] = [];
    operationsOf.set(bpNode.container_name, ops);
    bpNode.operation_signature_list.forEach((op, o) => {
      const sig = op.operation_signature;
      const id = nodeId(bpNode.container_name, sig.operation_name);
      const pointer = `/nodes/${n}/operation_signature_list/${o}`;
      if (byId.has(id)) {
        throw new UserError(
          'DUPLICATE_OPERATION',
          `${label} ${pointer}: operation "${sig.operation_name}" appears twice in container "${bpNode.container_name}"`,
          { file: label, pointer },
        );
      }
      const node: PipelineNode = {
        id,
        container: bpNode.container_name,
        operation: sig.operation_name,
        order: nodes.length,
        pointer,
        signature: sig,
        inputStream: sig.input_message_stream === true,
        outputStream: sig.output_message_stream === true,
      };
      nodes.push(node);
      byId.set(id, node);
      ops.push(sig.operation_name);
      graph.setNode(id, node);
    });
  });
  if (nodes.length === 0) {
    throw new UserError('EMPTY_PIPELINE', `${label}: the blueprint has no operations to run`, {
      file: label,
      hint: 'each node needs an operation_signature_list with at least one operation',
    });
  }

  const edges: PipelineEdge[] = [];
  const upstream = new Map<NodeId, NodeId[]>(nodes.map((x) => [x.id, []]));
  const downstream = new Map<NodeId, NodeId[]>(nodes.map((x) => [x.id, []]));
  blueprint.nodes.forEach((bpNode, n) => {
    bpNode.operation_signature_list.forEach((op, o) => {
      const from = nodeId(bpNode.container_name, op.operation_signature.operation_name);
      (op.connected_to ?? []).forEach((link, l) => {
        const pointer = `/nodes/${n}/operation_signature_list/${o}/connected_to/${l}`;
        const targetOps = operationsOf.get(link.container_name);
        if (!targetOps) {
          throw new UserError(
            'UNKNOWN_LINK_TARGET',
            `${label} ${pointer}: container "${link.container_name}" is not a node of the blueprint ` +
              `(nodes: ${list([...operationsOf.keys()])})`,
            { file: label, pointer },
          );
        }
        const target = link.operation_signature.operation_name;
        if (!targetOps.includes(target)) {
          throw new UserError(
            'UNKNOWN_LINK_TARGET',
            `${label} ${pointer}: operation "${target}" is not an operation of container "${link.container_name}" ` +
              `(it has: ${list(targetOps)})`,
            { file: label, pointer },
          );
        }
        const to = nodeId(link.container_name, target);
        if (graph.hasEdge(from, to)) return;
        graph.setEdge(from, to);
        edges.push({ from, to });
        upstream.get(to)!.push(from);
        downstream.get(from)!.push(to);
      });
    });
  });
  // Fan-in merges follow blueprint order of the upstream nodes, not the order links happen to be listed in.
  for (const ups of upstream.values()) ups.sort((a, b) => byId.get(a)!.order - byId.get(b)!.order);
  for (const downs of downstream.values()) downs.sort((a, b) => byId.get(a)!.order - byId.get(b)!.order);

  const levels = computeLevels(nodes, upstream, downstream);
  if (!levels) throw cycleError(graph, byId, label);
  return {
    graph,
    nodes,
    byId,
    edges,
    upstream,
    downstream,
    starts: nodes.filter((x) => upstream.get(x.id)!.length === 0).map((x) => x.id),
    levels,
  };
}

/**
 * Longest-path levels by Kahn's algorithm (linear in nodes + edges, which keeps 10,000-node plans fast). Undefined
 * when some nodes are never freed: they sit on or behind a cycle.
 */
function computeLevels(
  nodes: PipelineNode[],
  upstream: Map<NodeId, NodeId[]>,
  downstream: Map<NodeId, NodeId[]>,
): NodeId[][] | undefined {
  const pending = new Map<NodeId, number>();
  const level = new Map<NodeId, number>();
  let frontier: NodeId[] = [];
  for (const node of nodes) {
    const count = upstream.get(node.id)!.length;
    pending.set(node.id, count);
    if (count === 0) {
      frontier.push(node.id);
      level.set(node.id, 0);
    }
  }
  let seen = 0;
  while (frontier.length > 0) {
    const next: NodeId[] = [];
    for (const id of frontier) {
      seen++;
      const mine = level.get(id)!;
      for (const down of downstream.get(id)!) {
        level.set(down, Math.max(level.get(down) ?? 0, mine + 1));
        const left = pending.get(down)! - 1;
        pending.set(down, left);
        if (left === 0) next.push(down);
      }
    }
    frontier = next;
  }
  if (seen !== nodes.length) return undefined;
  const levels: NodeId[][] = [];
  for (const node of nodes) (levels[level.get(node.id)!] ??= []).push(node.id);
  return levels;
}

/** Names one cycle in order (a -> b -> a), starting from its node that comes first in the blueprint. */
function cycleError(graph: Graph, byId: Map<NodeId, PipelineNode>, label: string): UserError {
  const order = (id: NodeId) => byId.get(id)!.order;
  const components = alg.findCycles(graph).map((c) => [...c].sort((a, b) => order(a) - order(b)));
  components.sort((a, b) => order(a[0]!) - order(b[0]!));
  const component = new Set(components[0]);
  const start = components[0]![0]!;
  // Walk inside the strongly connected component, always taking the earliest successor, until a node repeats.
  const path: NodeId[] = [start];
  const at = new Map<NodeId, number>([[start, 0]]);
  for (;;) {
    const current = path[path.length - 1]!;
    const next = (graph.successors(current) ?? [])
      .filter((s) => component.has(s))
      .sort((a, b) => order(a) - order(b))[0]!;
    const seenAt = at.get(next);
    if (seenAt !== undefined) {
      const cycle = [...path.slice(seenAt), next];
      return new UserError('GRAPH_CYCLE', `${label}: the pipeline has a cycle: ${cycle.join(' -> ')}`, {
        file: label,
        hint: 'a pipeline must be acyclic: remove one of these connected_to links',
        details: { cycle },
      });
    }
    at.set(next, path.length);
    path.push(next);
  }
}
