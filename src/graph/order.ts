// Execution order of a pipeline graph: longest-path levels over node indices, and the rule for cycles. A cycle is
// allowed when at least one of its links carries a stream (the source returns a stream or the target takes one):
// messages then circulate one at a time and the services decide when the loop ends. A cycle of unary links only
// would have each call wait for its own output, so it is an error naming its path. Linear in nodes + edges; the
// graphlib graph is only built to name a cycle.
import { Graph, alg } from '@dagrejs/graphlib';
import { UserError } from '../errors.js';
import type { NodeId, PipelineEdge, PipelineNode } from './types.js';

export interface Order {
  levels: NodeId[][];
  /** Links that close a cycle (back edges in blueprint order); levels ignore them. */
  loops: PipelineEdge[];
}

/** Whether a link carries a stream: its source returns a stream, or its target takes one. */
export function isStreamLink(from: Pick<PipelineNode, 'outputStream'>, to: Pick<PipelineNode, 'inputStream'>): boolean {
  return from.outputStream || to.inputStream;
}

/**
 * Levels of the nodes in `include` (indices into `nodes`). Thrown: UserError GRAPH_CYCLE when a cycle has no stream
 * link, naming the nodes of one such cycle in order.
 */
export function orderGraph(
  nodes: PipelineNode[],
  ups: number[][],
  downs: number[][],
  include: boolean[],
  label: string,
): Order {
  const levels = computeLevels(nodes, ups, downs, include);
  if (levels) return { levels, loops: [] };

  // Some nodes sit on or behind a cycle. Without the stream links, what still loops is a cycle of unary links only.
  const isStream = (a: number, b: number) => isStreamLink(nodes[a]!, nodes[b]!);
  const unaryDowns = downs.map((list, a) => list.filter((b) => !isStream(a, b)));
  const unaryUps = ups.map((list, b) => list.filter((a) => !isStream(a, b)));
  if (!computeLevels(nodes, unaryUps, unaryDowns, include)) {
    const graph = new Graph({ directed: true });
    nodes.forEach((n, i) => include[i] && graph.setNode(n.id, n));
    unaryDowns.forEach((list, a) => list.forEach((b) => graph.setEdge(nodes[a]!.id, nodes[b]!.id)));
    throw cycleError(graph, nodes, label);
  }

  // Stream-broken cycles: drop the links that close them (found by a depth-first walk from the start nodes, then
  // from the rest, in blueprint order) and level the rest.
  const back = backEdges(ups, downs, include);
  const isBack = (a: number, b: number) => back.has(a * nodes.length + b);
  const dagDowns = downs.map((list, a) => list.filter((b) => !isBack(a, b)));
  const dagUps = ups.map((list, b) => list.filter((a) => !isBack(a, b)));
  const dagLevels = computeLevels(nodes, dagUps, dagDowns, include)!;
  const loops: PipelineEdge[] = [];
  downs.forEach((list, a) => list.forEach((b) => isBack(a, b) && loops.push({ from: nodes[a]!.id, to: nodes[b]!.id })));
  return { levels: dagLevels, loops };
}

/**
 * Longest-path levels by Kahn's algorithm over node indices. Undefined when some included nodes are never freed:
 * they sit on or behind a cycle.
 */
function computeLevels(
  nodes: PipelineNode[],
  ups: number[][],
  downs: number[][],
  include: boolean[],
): NodeId[][] | undefined {
  const pending = Int32Array.from(ups, (list) => list.length);
  const level = new Int32Array(nodes.length);
  let frontier: number[] = [];
  let total = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (!include[i]) continue;
    total++;
    if (pending[i] === 0) frontier.push(i);
  }
  let seen = 0;
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const i of frontier) {
      seen++;
      for (const d of downs[i]!) {
        if (level[d]! < level[i]! + 1) level[d] = level[i]! + 1;
        if (--pending[d]! === 0) next.push(d);
      }
    }
    frontier = next;
  }
  if (seen !== total) return undefined;
  const levels: NodeId[][] = [];
  for (let i = 0; i < nodes.length; i++) if (include[i]) (levels[level[i]!] ??= []).push(nodes[i]!.id);
  return levels;
}

/** Edges to a node still on the depth-first stack, as `from * n + to`. Iterative: deep chains do not overflow. */
function backEdges(ups: number[][], downs: number[][], include: boolean[]): Set<number> {
  const n = downs.length;
  const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
  const back = new Set<number>();
  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (include[i] && ups[i]!.length === 0) roots.push(i);
  for (let i = 0; i < n; i++) if (include[i]) roots.push(i);
  for (const root of roots) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      const list = downs[node]!;
      if (next >= list.length) {
        state[node] = 2;
        stack.pop();
        continue;
      }
      top[1] = next + 1;
      const to = list[next]!;
      if (state[to] === 1) back.add(node * n + to);
      else if (state[to] === 0) {
        state[to] = 1;
        stack.push([to, 0]);
      }
    }
  }
  return back;
}

/** Names one cycle in order (a -> b -> a), starting from its node that comes first in the blueprint. */
function cycleError(graph: Graph, nodes: PipelineNode[], label: string): UserError {
  const order = new Map(nodes.map((n) => [n.id, n.order]));
  const byOrder = (a: NodeId, b: NodeId) => order.get(a)! - order.get(b)!;
  const components = alg.findCycles(graph).map((c) => [...c].sort(byOrder));
  components.sort((a, b) => byOrder(a[0]!, b[0]!));
  const component = new Set(components[0]);
  const start = components[0]![0]!;
  // Walk inside the strongly connected component, always taking the earliest successor, until a node repeats.
  const path: NodeId[] = [start];
  const at = new Map<NodeId, number>([[start, 0]]);
  for (;;) {
    const current = path[path.length - 1]!;
    const next = (graph.successors(current) ?? []).filter((s) => component.has(s)).sort(byOrder)[0]!;
    const seenAt = at.get(next);
    if (seenAt !== undefined) {
      const cycle = [...path.slice(seenAt), next];
      return new UserError(
        'GRAPH_CYCLE',
        `${label}: the pipeline has a cycle without a streaming link: ${cycle.join(' -> ')}`,
        {
          file: label,
          hint:
            'in a cycle of unary calls each call waits for its own output; a cycle needs a link that carries a ' +
            'stream (an operation that returns a stream, or one that takes one), else remove one of these links',
          details: { cycle },
        },
      );
    }
    at.set(next, path.length);
    path.push(next);
  }
}
