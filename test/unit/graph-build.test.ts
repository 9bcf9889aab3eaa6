// Blueprint -> PipelineGraph: nodes, edges, start nodes, levels, and the errors that name their culprits.
import { describe, expect, it } from 'vitest';
import { buildPipelineGraph } from '../../src/graph/index.js';
import { userError } from '../helpers/user-error.js';
import type { Blueprint } from '../../src/platform/types.js';

/**
 * A blueprint from `container: {operation: [targets]}`. An operation name ending in `>` returns a stream, one starting
 * with `<` takes one (the marks are not part of the name).
 */
function bp(spec: Record<string, Record<string, string[]>>): Blueprint {
  return {
    nodes: Object.entries(spec).map(([container, ops]) => ({
      container_name: container,
      operation_signature_list: Object.entries(ops).map(([op, targets]) => ({
        operation_signature: {
          operation_name: op.replace(/^</, '').replace(/>$/, ''),
          ...(op.startsWith('<') ? { input_message_stream: true } : {}),
          ...(op.endsWith('>') ? { output_message_stream: true } : {}),
        },
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
    expect(g.starts).toEqual(['a:Gen']);
    expect(g.levels).toEqual([['a:Gen'], ['b:Analyze'], ['c:Report']]);
    // No link touches b:Unused: it is not part of the pipeline.
    expect(g.unwired).toEqual(['b:Unused']);
    expect(g.loops).toEqual([]);
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

  it('runs every operation of a blueprint without links, each on its own', () => {
    const g = buildPipelineGraph(bp({ a: { A: [], B: [] }, b: { C: [] } }));
    expect(g.unwired).toEqual([]);
    expect(g.starts).toEqual(['a:A', 'a:B', 'b:C']);
    expect(g.levels).toEqual([['a:A', 'a:B', 'b:C']]);
  });

  it('names a cycle of unary links in order, from its first node in the blueprint', () => {
    const e = userError(() =>
      buildPipelineGraph(bp({ s: { S: ['a:A'] }, a: { A: ['b:B'] }, b: { B: ['c:C'] }, c: { C: ['a:A'] } })),
    );
    expect(e.code).toBe('GRAPH_CYCLE');
    expect(e.message).toBe(
      'blueprint.json: the pipeline has a cycle without a streaming link: a:A -> b:B -> c:C -> a:A',
    );
    expect(e.hint).toBe(
      'in a cycle of unary calls each call waits for its own output; a cycle needs a link that carries a stream ' +
        '(an operation that returns a stream, or one that takes one), else remove one of these links',
    );
    expect(e.details).toEqual({ cycle: ['a:A', 'b:B', 'c:C', 'a:A'] });
  });

  it('names a self-loop', () => {
    const e = userError(() => buildPipelineGraph(bp({ a: { A: ['a:A'] } }), 'pkg/blueprint.json'));
    expect(e.message).toBe('pkg/blueprint.json: the pipeline has a cycle without a streaming link: a:A -> a:A');
  });

  it('accepts a cycle broken by a stream and levels it without the link that closes it', () => {
    // s -> env (takes and returns a stream) -> agent (unary) -> env
    const g = buildPipelineGraph(
      bp({ s: { S: ['env:Step'] }, env: { '<Step>': ['agent:Act'] }, agent: { Act: ['env:Step'] } }),
    );
    expect(g.levels).toEqual([['s:S'], ['env:Step'], ['agent:Act']]);
    expect(g.loops).toEqual([{ from: 'agent:Act', to: 'env:Step' }]);
    expect(g.edges).toHaveLength(3);
  });

  it('accepts a cycle whose only stream is a target taking one, and one without any start node', () => {
    const g = buildPipelineGraph(bp({ a: { '<A': ['b:B'] }, b: { B: ['a:A'] } }));
    expect(g.starts).toEqual([]);
    expect(g.levels).toEqual([['a:A'], ['b:B']]);
    expect(g.loops).toEqual([{ from: 'b:B', to: 'a:A' }]);
  });

  it('still refuses a unary cycle beside a stream-broken one', () => {
    const e = userError(() =>
      buildPipelineGraph(bp({ a: { 'A>': ['b:B'] }, b: { B: ['a:A', 'c:C'] }, c: { C: ['d:D'] }, d: { D: ['c:C'] } })),
    );
    expect(e.message).toBe('blueprint.json: the pipeline has a cycle without a streaming link: c:C -> d:D -> c:C');
  });

  it('takes the stream flags of the proto when given, instead of the blueprint ones', () => {
    const spec = { a: { A: ['b:B'] }, b: { B: ['a:A'] } };
    expect(userError(() => buildPipelineGraph(bp(spec))).code).toBe('GRAPH_CYCLE');
    const g = buildPipelineGraph(bp(spec), 'blueprint.json', (n) => ({
      inputStream: false,
      outputStream: n.id === 'a:A',
    }));
    expect(g.byId.get('a:A')!.outputStream).toBe(true);
    expect(g.loops).toEqual([{ from: 'b:B', to: 'a:A' }]);
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
