// Blueprint -> PipelineGraph: nodes are container:operation, edges come from `connected_to`. Links to nodes that do
// not exist and cycles without a streaming link are reported here, naming the culprits, so nothing downstream has to
// expect them. In a blueprint with links, operations no link touches are set aside as not wired (never called).
import { Graph } from '@dagrejs/graphlib';
import { UserError } from '../errors.js';
import type { Blueprint, Link } from '../platform/types.js';
import { orderGraph } from './order.js';
import type { NodeId, PipelineEdge, PipelineGraph, PipelineNode } from './types.js';

/** Stream flags that override the blueprint's (the engine passes those of the proto, which decide the call). */
export type StreamFlags = (node: PipelineNode) => { inputStream: boolean; outputStream: boolean };

function nodeId(container: string, operation: string): NodeId {
  return `${container}:${operation}`;
}

/** Lists names for an error message, shortened when there are many. */
function list(names: string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown}, ... (${names.length} in all)` : shown || 'none';
}

/**
 * Builds the graph of a validated blueprint. `label` names blueprint.json in messages. Thrown: UserError
 * EMPTY_PIPELINE, DUPLICATE_OPERATION, UNKNOWN_LINK_TARGET, or GRAPH_CYCLE (a cycle without a streaming link, naming
 * its nodes in order).
 */
export function buildPipelineGraph(
  blueprint: Blueprint,
  label = 'blueprint.json',
  streams?: StreamFlags,
): PipelineGraph {
  const nodes: PipelineNode[] = [];
  const byId = new Map<NodeId, PipelineNode>();
  const operationsOf = new Map<string, string[]>();
  const firstOf = new Map<string, number>(); // index of a container's first operation in `nodes`

  blueprint.nodes.forEach((bpNode, n) => {
    const ops: string[] = [];
    operationsOf.set(bpNode.container_name, ops);
    firstOf.set(bpNode.container_name, nodes.length);
    const pointers = `/nodes/${n}/operation_signature_list/`;
    bpNode.operation_signature_list.forEach((op, o) => {
      const sig = op.operation_signature;
      const id = nodeId(bpNode.container_name, sig.operation_name);
      const pointer = pointers + o;
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
      if (streams) {
        const flags = streams(node);
        node.inputStream = flags.inputStream;
        node.outputStream = flags.outputStream;
      }
      nodes.push(node);
      byId.set(id, node);
      ops.push(sig.operation_name);
    });
  });
  if (nodes.length === 0) {
    throw new UserError('EMPTY_PIPELINE', `${label}: the blueprint has no operations to run`, {
      file: label,
      hint: 'each node needs an operation_signature_list with at least one operation',
    });
  }

  // Index-based adjacency (node.order) keeps 100,000-node plans fast; the id-keyed maps are derived at the end. The
  // lists are allocated at their final length (a list grown by push reserves room for 16 entries: 200,000 of them
  // were a third of a large plan's memory, and of its garbage collection time).
  const edges: PipelineEdge[] = [];
  const targets: number[] = []; // every node's downstream indices, node after node, in link order
  const firstTarget = new Int32Array(nodes.length + 1);
  const inDegree = new Int32Array(nodes.length);
  const linkedFrom = new Int32Array(nodes.length).fill(-1); // the last source linked to each node: repeats are skipped
  let from = 0;
  blueprint.nodes.forEach((bpNode, n) => {
    bpNode.operation_signature_list.forEach((op, o) => {
      const source = nodes[from]!;
      (op.connected_to ?? []).forEach((link, l) => {
        // By container, then operation: no `container:operation` string built and hashed per link.
        const operation = link.operation_signature.operation_name;
        const at = operationsOf.get(link.container_name)?.indexOf(operation) ?? -1;
        const target =
          at >= 0 ? nodes[firstOf.get(link.container_name)! + at] : byId.get(nodeId(link.container_name, operation));
        if (!target)
          throw unknownTarget(label, `/nodes/${n}/operation_signature_list/${o}/connected_to/${l}`, link, operationsOf);
        if (linkedFrom[target.order] === from) return;
        linkedFrom[target.order] = from;
        targets.push(target.order);
        inDegree[target.order]!++;
        edges.push({ from: source.id, to: target.id });
      });
      firstTarget[++from] = targets.length;
    });
  });
  // Fan-in merges follow blueprint order of the upstream nodes, not the order links happen to be listed in: upstream
  // lists are filled in node order, downstream lists are sorted.
  const downs: number[][] = nodes.map((_, i) => {
    const list = targets.slice(firstTarget[i], firstTarget[i + 1]);
    if (list.length > 1) list.sort((a, b) => a - b);
    return list;
  });
  const ups: number[][] = nodes.map((_, i) => new Array<number>(inDegree[i]!));
  const filled = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    for (let t = firstTarget[i]!; t < firstTarget[i + 1]!; t++) ups[targets[t]!]![filled[targets[t]!]!++] = i;
  }

  // With links, an operation none of them touches is not part of the pipeline (a service offering more rpcs than
  // the pipeline uses); without any link, every operation runs once on its own.
  const include = nodes.map((_, i) => edges.length === 0 || ups[i]!.length > 0 || downs[i]!.length > 0);
  const { levels, loops } = orderGraph(nodes, ups, downs, include, label);
  const ids = (list: number[]) => list.map((i) => nodes[i]!.id);
  // Filled by set, not from a list of [id, ids] pairs: 200,000 pairs held at once were work for the collector.
  const upstream = new Map<NodeId, NodeId[]>();
  const downstream = new Map<NodeId, NodeId[]>();
  nodes.forEach((x, i) => {
    upstream.set(x.id, ids(ups[i]!));
    downstream.set(x.id, ids(downs[i]!));
  });
  return withGraphlib({
    nodes,
    byId,
    edges,
    loops,
    upstream,
    downstream,
    starts: nodes.filter((_, i) => include[i] && ups[i]!.length === 0).map((x) => x.id),
    unwired: nodes.filter((_, i) => !include[i]).map((x) => x.id),
    levels,
  });
}

/**
 * The graph with its `graph` getter, which builds the graphlib Graph on first access. A function of its own, so that
 * the getter's closure holds only the nodes and edges, not the adjacency lists buildPipelineGraph works on.
 */
function withGraphlib(parts: Omit<PipelineGraph, 'graph'>): PipelineGraph {
  let graph: Graph | undefined;
  return {
    get graph() {
      return (graph ??= toGraphlib(parts.nodes, parts.edges));
    },
    ...parts,
  };
}

/**
 * The graph as a graphlib Graph (labels: PipelineNode). Built on demand: graphlib spends several microseconds per
 * edge, which alone would take a large share of the 10,000-node plan budget, so planning runs on the adjacency lists.
 */
function toGraphlib(nodes: PipelineNode[], edges: PipelineEdge[]): Graph {
  const graph = new Graph({ directed: true, multigraph: false });
  for (const node of nodes) graph.setNode(node.id, node);
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  return graph;
}

/** The error for a link whose target is not in the blueprint, naming what is there. */
function unknownTarget(label: string, pointer: string, link: Link, operationsOf: Map<string, string[]>): UserError {
  const targetOps = operationsOf.get(link.container_name);
  const message = targetOps
    ? `operation "${link.operation_signature.operation_name}" is not an operation of container "${link.container_name}" (it has: ${list(targetOps)})`
    : `container "${link.container_name}" is not a node of the blueprint (nodes: ${list([...operationsOf.keys()])})`;
  return new UserError('UNKNOWN_LINK_TARGET', `${label} ${pointer}: ${message}`, { file: label, pointer });
}
