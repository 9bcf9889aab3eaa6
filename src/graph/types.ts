// The pipeline as a graph: one node per container:operation of the blueprint, one edge per `connected_to` link.
// Plain data built once from a validated blueprint; the engine schedules it and `--plan` prints it.
import type { Graph } from '@dagrejs/graphlib';
import type { OperationSignature } from '../platform/types.js';

/** `container:operation`, the key of a node everywhere (results, events, --input). */
export type NodeId = string;

export interface PipelineNode {
  id: NodeId;
  container: string;
  operation: string;
  /** Position in the blueprint (node, then operation): the order of fan-in merges and of every listing. */
  order: number;
  /** JSON pointer of the operation in blueprint.json, for messages. */
  pointer: string;
  signature: OperationSignature;
  /** The stream flags: the blueprint's, or the proto's when the engine builds the graph for a run. */
  inputStream: boolean;
  outputStream: boolean;
}

export interface PipelineEdge {
  from: NodeId;
  to: NodeId;
}

export interface PipelineGraph {
  /** The graphlib graph (node labels are PipelineNode), built on first access. */
  readonly graph: Graph;
  /** Every node, in blueprint order. */
  nodes: PipelineNode[];
  byId: Map<NodeId, PipelineNode>;
  /** Every edge, in blueprint order, without duplicates. */
  edges: PipelineEdge[];
  /** Edges that close a cycle (each such cycle has a streaming link); levels are computed without them. */
  loops: PipelineEdge[];
  /** Upstream node ids of each node, in blueprint order. */
  upstream: Map<NodeId, NodeId[]>;
  /** Downstream node ids of each node, in blueprint order. */
  downstream: Map<NodeId, NodeId[]>;
  /** Nodes without an incoming edge, in blueprint order (not wired ones excepted). */
  starts: NodeId[];
  /** In a blueprint with links: operations no link touches. They are not called. */
  unwired: NodeId[];
  /**
   * Execution levels of the wired nodes: level 0 = start nodes, level n = nodes whose longest upstream path has n
   * edges (loop edges left out).
   */
  levels: NodeId[][];
}
