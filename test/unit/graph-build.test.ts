// Blueprint -> PipelineGraph: nodes, edges, start nodes, levels, and the errors that name their culprits.
import { describe, expect, it } from 'vitest';
import { buildPipelineGraph } from '../../src/graph/index.js';
import { userError } from '../helpers/user-error.js';
import type { Blueprint } from '../../src/platform/types.js';

/** A blueprint from `container: {operation: [targets]}`. */
function bp(spec: Record<string, Record<string, string[]>>): Blueprint {
  return {
    nodes: Object.entries(spec).map(([container, ops]) => ({
      container_name: container,
      operation_signature_list: Object.entries(ops).map(([op, targets]) => ({
        operation_signature: { operation_name: op },
        connected_to: targets.map((t) => ({
          container_name: t.split(':')[0]!,
          operation_signature: { operation_name: t.split(':')[1]! },
        })),
      })),
    })),
  };
}

describe('buildPipelineGraph', () => {
  it('makes one node per container:operation and one edge per link, in blueprint order', () => {
    const g = buildPipelineGraph(
      bp({
        a: { Gen: ['b:Analyze', 'c:Report'] },
        b: { Analyze: ['c:Report'], Unused: [] },
        c: { Report: [] },
      }),
    );
    expect(g.nodes.map((n) => n.id)).toEqual(['a:Gen', 'b:Analyze', 'b:Unused', 'c:Report']);
    expect(g.edges).toEqual([
      { from: 'a:Gen', to: 'b:Analyze' },
      { from: 'a:Gen', to: 'c:Report' },
      { from: 'b:Analyze', to: 'c:Report' },
    ]);
    expect(g.starts).toEqual(['a:Gen', 'b:Unused']);
    expect(g.levels).toEqual([['a:Gen', 'b:Unused'], ['b:Analyze'], ['c:Report']]);
    expect(g.upstream.get('c:Report')).toEqual(['a:Gen', 'b:Analyze']);
    expect(g.graph.nodeCount()).toBe(4);
    expect(g.graph.edgeCount()).toBe(3);
    expect(g.byId.get('b:Analyze')!.pointer).toBe('/nodes/1/operation_signature_list/0');
  });

  it('orders fan-in upstreams by blueprint order, not by the order links are listed', () => {
    const g = buildPipelineGraph(bp({ z: { Z: ['m:M'] }, a: { A: ['m:M'] }, m: { M: [] } }));
    expect(g.upstream.get('m:M')).toEqual(['z:Z', 'a:A']);
  });

  it('ignores a link listed twice', () => {
    const g = buildPipelineGraph(bp({ a: { A: ['b:B', 'b:B'] }, b: { B: [] } }));
    expect(g.edges).toEqual([{ from: 'a:A', to: 'b:B' }]);
  });

  it('puts a node on the level of its longest upstream path', () => {
    const g = buildPipelineGraph(bp({ a: { A: ['b:B', 'd:D'] }, b: { B: ['c:C'] }, c: { C: ['d:D'] }, d: { D: [] } }));
    expect(g.levels).toEqual([['a:A'], ['b:B'], ['c:C'], ['d:D']]);
  });

  it('names a cycle in order, from its first node in the blueprint', () => {
    const e = userError(() =>
      buildPipelineGraph(bp({ s: { S: ['a:A'] }, a: { A: ['b:B'] }, b: { B: ['c:C'] }, c: { C: ['a:A'] } })),
    );
    expect(e.code).toBe('GRAPH_CYCLE');
    expect(e.message).toBe('blueprint.json: the pipeline has a cycle: a:A -> b:B -> c:C -> a:A');
    expect(e.details).toEqual({ cycle: ['a:A', 'b:B', 'c:C', 'a:A'] });
  });

  it('names a self-loop', () => {
    const e = userError(() => buildPipelineGraph(bp({ a: { A: ['a:A'] } }), 'pkg/blueprint.json'));
    expect(e.message).toBe('pkg/blueprint.json: the pipeline has a cycle: a:A -> a:A');
  });

  it('accepts loops between containers that are not loops between operations (the Graphene shape)', () => {
    const g = buildPipelineGraph(bp({ gui: { Request: ['ev:Evaluate'], Show: [] }, ev: { Evaluate: ['gui:Show'] } }));
    expect(g.levels).toEqual([['gui:Request'], ['ev:Evaluate'], ['gui:Show']]);
  });

  it('reports a link to an unknown container, naming the place and the nodes', () => {
    const e = userError(() => buildPipelineGraph(bp({ a: { A: ['nope:X'] }, b: { B: [] } })));
    expect(e.message).toBe(
      'blueprint.json /nodes/0/operation_signature_list/0/connected_to/0: container "nope" is not a node of the blueprint (nodes: a, b)',
    );
    expect(e.pointer).toBe('/nodes/0/operation_signature_list/0/connected_to/0');
  });

  it('reports a link to an unknown operation, naming what the container has', () => {
    const e = userError(() => buildPipelineGraph(bp({ a: { A: ['b:Nope'] }, b: { B: [], C: [] } })));
    expect(e.message).toBe(
      'blueprint.json /nodes/0/operation_signature_list/0/connected_to/0: operation "Nope" is not an operation of container "b" (it has: B, C)',
    );
  });

  it('reports an operation listed twice in one container', () => {
    const blueprint = bp({ a: { A: [] } });
    blueprint.nodes[0]!.operation_signature_list.push({ operation_signature: { operation_name: 'A' } });
    const e = userError(() => buildPipelineGraph(blueprint));
    expect(e.message).toBe(
      'blueprint.json /nodes/0/operation_signature_list/1: operation "A" appears twice in container "a"',
    );
  });

  it('reports a blueprint without operations', () => {
    expect(userError(() => buildPipelineGraph({ nodes: [] })).message).toBe(
      'blueprint.json: the blueprint has no operations to run',
    );
  });

  it('reads the stream flags', () => {
    const blueprint = bp({ a: { A: [] } });
    blueprint.nodes[0]!.operation_signature_list[0]!.operation_signature.output_message_stream = true;
    const node = buildPipelineGraph(blueprint).nodes[0]!;
    expect([node.inputStream, node.outputStream]).toEqual([false, true]);
  });

  it('plans a 10,000-node layered graph', () => {
    // 100 levels of 100 nodes, each linked to two nodes of the next level.
    const spec: Record<string, Record<string, string[]>> = {};
    for (let l = 0; l < 100; l++) {
      for (let i = 0; i < 100; i++) {
        spec[`n${l}-${i}`] = { Op: l < 99 ? [`n${l + 1}-${i}:Op`, `n${l + 1}-${(i + 1) % 100}:Op`] : [] };
      }
    }
    const g = buildPipelineGraph(bp(spec));
    expect(g.nodes).toHaveLength(10_000);
    expect(g.edges).toHaveLength(19_800);
    expect(g.levels).toHaveLength(100);
    expect(g.levels.every((level) => level.length === 100)).toBe(true);
  });
});
