// The pipeline graph: build it from a blueprint, read its levels and edges.
export { buildPipelineGraph, nodeId } from './build.js';
export type { NodeId, PipelineEdge, PipelineGraph, PipelineNode } from './types.js';
