// The pipeline graph: build it from a blueprint, read its levels and edges.
export { buildPipelineGraph } from './build.js';
export type { NodeId, PipelineEdge, PipelineGraph, PipelineNode } from './types.js';
