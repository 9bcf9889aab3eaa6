// The pipeline graph: build it from a blueprint, read its levels and edges.
export { buildPipelineGraph, type StreamFlags } from './build.js';
export { isStreamLink } from './order.js';
export type { NodeId, PipelineEdge, PipelineGraph, PipelineNode } from './types.js';
