// The picture of a pipeline as plain data, whatever it was drawn from (a use case or an export package) and whatever
// it is drawn as (Mermaid, DOT, SVG, the run report): operations grouped by container, links with the message they
// carry, stream links marked, operations no link touches marked "not wired". Cycles need no special case: every
// format draws them as they are.
import { isStreamLink } from '../graph/order.js';
import type { NodeId, PipelineGraph, PipelineNode } from '../graph/types.js';

export interface PictureOperation {
  /** Stable short id (`n0`, `n1`, ... in blueprint order): what the text formats and the SVG use as node ids. */
  key: string;
  /** `container:operation`. */
  id: NodeId;
  container: string;
  operation: string;
  input?: string;
  output?: string;
  inputStream: boolean;
  outputStream: boolean;
  /** False for an operation the pipeline graph counts as not wired (no link touches it): the engine does not call it. */
  wired: boolean;
}

export interface PictureContainer {
  /** Stable short id (`c0`, `c1`, ... in order of first appearance). */
  key: string;
  name: string;
  operations: PictureOperation[];
}

export interface PictureLink {
  from: NodeId;
  to: NodeId;
  /** The message it carries: the source's output type (the target's input type when the source names none). */
  message?: string;
  /** The target's input type when it differs from `message`: the engine maps fields by name. */
  mappedTo?: string;
  /** The source streams its output or the target takes a stream. */
  stream: boolean;
  /** The link closes a cycle (one with a stream link): drawn without pulling its target before its source. */
  loop: boolean;
}

export interface Picture {
  name?: string;
  containers: PictureContainer[];
  /** Every operation, in blueprint order. */
  operations: PictureOperation[];
  byId: Map<NodeId, PictureOperation>;
  links: PictureLink[];
}

export type PictureNodeInput = Pick<
  PipelineNode,
  'id' | 'container' | 'operation' | 'signature' | 'inputStream' | 'outputStream'
>;

export type PictureGraphInput = Pick<PipelineGraph, 'edges' | 'loops' | 'unwired'> & {
  nodes: readonly PictureNodeInput[];
};

/** The picture of a pipeline graph: its nodes (in blueprint order), edges, loops and operations not wired. */
export function pictureOf(graph: PictureGraphInput, name?: string): Picture {
  const unwired = new Set(graph.unwired);
  const loops = new Set(graph.loops.map((e) => `${e.from}\u0000${e.to}`));
  const operations: PictureOperation[] = graph.nodes.map((n, i) => ({
    key: `n${i}`,
    id: n.id,
    container: n.container,
    operation: n.operation,
    ...(n.signature.input_message_name ? { input: n.signature.input_message_name } : {}),
    ...(n.signature.output_message_name ? { output: n.signature.output_message_name } : {}),
    inputStream: n.inputStream,
    outputStream: n.outputStream,
    wired: !unwired.has(n.id),
  }));
  const byId = new Map(operations.map((o) => [o.id, o]));
  const containers: PictureContainer[] = [];
  const byName = new Map<string, PictureContainer>();
  for (const op of operations) {
    let container = byName.get(op.container);
    if (!container) {
      container = { key: `c${containers.length}`, name: op.container, operations: [] };
      containers.push(container);
      byName.set(op.container, container);
    }
    container.operations.push(op);
  }
  const links = graph.edges.map((e): PictureLink => {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    if (!from || !to) throw new Error(`pictureOf: edge ${e.from} -> ${e.to} names an unknown node`);
    const message = from.output ?? to.input;
    const mappedTo = from.output && to.input && to.input !== from.output ? to.input : undefined;
    return {
      from: e.from,
      to: e.to,
      ...(message ? { message } : {}),
      ...(mappedTo ? { mappedTo } : {}),
      stream: isStreamLink(from, to),
      loop: loops.has(`${e.from}\u0000${e.to}`),
    };
  });
  return { ...(name ? { name } : {}), containers, operations, byId, links };
}

/** The label lines of a link: its message, and `→ Input` when the target takes another type. */
export function linkLabel(link: Pick<PictureLink, 'message' | 'mappedTo'>): string[] {
  if (link.message === undefined) return [];
  return link.mappedTo === undefined ? [link.message] : [link.message, `→ ${link.mappedTo}`];
}

/** A second label line for streaming operations: which side streams. */
export function streamNote(op: Pick<PictureOperation, 'inputStream' | 'outputStream'>): string | undefined {
  if (op.inputStream && op.outputStream) return 'stream in/out';
  if (op.inputStream) return 'stream in';
  if (op.outputStream) return 'stream out';
  return undefined;
}

/**
 * A name as lines of plain text for a label: split at its line breaks, other control characters (which no format
 * can show and some cannot even carry) replaced by U+FFFD.
 */
export function textLines(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return text.split(/\r\n|\r|\n/).map((line) => line.replace(/[\u0000-\u001f\u007f]/g, '\ufffd'));
}
