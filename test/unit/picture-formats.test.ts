// Pictures of a pipeline as text: the model (stream links, "not wired", messages on links), Mermaid and DOT compared
// byte for byte with golden files, names that try to break either syntax, cycles, and SVG through the real Graphviz
// (WebAssembly) with every name coming out exactly as written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPicture, pictureFormat, pictureOf, renderPicture, toDot, toMermaid } from '../../src/picture/index.js';
import { graphvizVersion } from '../../src/picture/svg.js';
import { buildPipelineGraph } from '../../src/graph/index.js';
import type { Blueprint } from '../../src/platform/types.js';
import { expectGolden } from '../golden/golden.js';
import { repoRoot, sharedFixtures } from '../helpers/cli.js';
import { userError } from '../helpers/user-error.js';

const energy = join(repoRoot, 'test/fixtures/usecases/energy_pipeline');
const sudoku = join(sharedFixtures, 'graphene-sudoku');
const hostile = join(repoRoot, 'test/fixtures/pictures/hostile');

interface Op {
  in?: string;
  out?: string;
  inStream?: boolean;
  outStream?: boolean;
  to?: string[];
}

/** A pipeline graph from `container: {operation: {messages, stream flags, targets}}`, through the real builder. */
function graph(spec: Record<string, Record<string, Op>>) {
  const blueprint: Blueprint = {
    nodes: Object.entries(spec).map(([container, ops]) => ({
      container_name: container,
      operation_signature_list: Object.entries(ops).map(([operation, op]) => ({
        operation_signature: {
          operation_name: operation,
          ...(op.in ? { input_message_name: op.in } : {}),
          ...(op.out ? { output_message_name: op.out } : {}),
          input_message_stream: op.inStream ?? false,
          output_message_stream: op.outStream ?? false,
        },
        connected_to: (op.to ?? []).map((t) => ({
          container_name: t.split(':')[0]!,
          operation_signature: { operation_name: t.split(':')[1]! },
        })),
      })),
    })),
  };
  return buildPipelineGraph(blueprint);
}

/** The text of every <text> element of an SVG, entities decoded, in document order. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

describe('pictureOf', () => {
  it('groups operations by container in blueprint order, labels links with their message, marks streams', () => {
    const picture = pictureOf(
      graph({
        gen1: { Generate: { out: 'Batch', outStream: true, to: ['an1:Analyze'] } },
        an1: {
          Analyze: { in: 'Batch', out: 'Result', to: ['rep1:Report'] },
          Watch: { in: 'Empty', out: 'Alert', outStream: true },
        },
        rep1: { Report: { in: 'Summary', out: 'Report' } },
      }),
      'p',
    );
    expect(picture.containers.map((c) => [c.key, c.name, c.operations.map((o) => o.key)])).toEqual([
      ['c0', 'gen1', ['n0']],
      ['c1', 'an1', ['n1', 'n2']],
      ['c2', 'rep1', ['n3']],
    ]);
    expect(picture.links).toEqual([
      { from: 'gen1:Generate', to: 'an1:Analyze', message: 'Batch', stream: true, loop: false },
      { from: 'an1:Analyze', to: 'rep1:Report', message: 'Result', mappedTo: 'Summary', stream: false, loop: false },
    ]);
    expect(picture.operations.filter((o) => !o.wired).map((o) => o.id)).toEqual(['an1:Watch']);
  });

  it('counts every operation as wired when the pipeline has no link at all (each runs once)', () => {
    const picture = pictureOf(graph({ a1: { A: {} }, b1: { B: {} } }));
    expect(picture.operations.map((o) => o.wired)).toEqual([true, true]);
    expect(picture.name).toBeUndefined();
  });

  it('marks a link as a stream when only the target takes a stream', () => {
    const picture = pictureOf(graph({ a1: { A: { out: 'M', to: ['b1:B'] } }, b1: { B: { in: 'M', inStream: true } } }));
    expect(picture.links[0]!.stream).toBe(true);
  });
});

describe('Mermaid and DOT (golden files)', () => {
  it('draws a use case as the blueprint its export would write', async () => {
    const { kind, picture } = loadPicture(energy);
    expect(kind).toBe('use-case');
    expectGolden('graph/energy_pipeline.mmd', toMermaid(picture));
    expectGolden('graph/energy_pipeline.dot', toDot(picture));
  });

  it('draws the Graphene sudoku package (streams looping between containers)', async () => {
    const { kind, picture } = loadPicture(sudoku);
    expect(kind).toBe('export');
    expectGolden('graph/graphene-sudoku.mmd', toMermaid(picture));
    expectGolden('graph/graphene-sudoku.dot', toDot(picture));
  });

  it('keeps hostile names inside quoted labels, escaped', () => {
    const { picture } = loadPicture(hostile);
    const mermaid = toMermaid(picture);
    const dot = toDot(picture);
    expectGolden('graph/hostile.mmd', mermaid);
    expectGolden('graph/hostile.dot', dot);
    // Outside the quoted labels only our own syntax remains: ids, arrows, keywords.
    const mermaidSkeleton = mermaid.replace(/"[^"\n]*"/g, '""');
    for (const line of mermaidSkeleton.split('\n').slice(3)) {
      expect(line).toMatch(
        /^(flowchart LR| {2}subgraph c\d+\[""\]| {4}n\d+\[""\]| {2}end| {2}n\d+ (-->|-\.->)(\|""\|)? n\d+| {2}classDef unwired [^"]+| {2}class [n\d,]+ unwired|)$/,
      );
    }
    const attrList = /\[\w+=(""|[\w.]+)(, \w+=(""|[\w.]+))*\]/.source;
    const dotLine = new RegExp(
      `^(digraph pipeline \\{|  (graph|node|edge) ${attrList};|  subgraph cluster_c\\d+ \\{|    graph ${attrList};|` +
        `    n\\d+ ${attrList};|  \\}|  n\\d+ -> n\\d+ ${attrList};|\\}|)$`,
    );
    for (const line of dot.replace(/"(?:[^"\\\n]|\\.)*"/g, '""').split('\n')) expect(line).toMatch(dotLine);
  });

  it('draws a cycle broken by a stream, the link that closes it kept out of the ranking', async () => {
    // The sudoku shape inside one pair of operations: the GUI streams jobs out, the evaluator answers each back.
    const picture = pictureOf(
      graph({
        gui1: { Ask: { in: 'Result', out: 'Job', outStream: true, to: ['eval1:Check'] } },
        eval1: { Check: { in: 'Job', out: 'Result', to: ['gui1:Ask'] } },
      }),
      'loop',
    );
    expect(picture.links.map((l) => [l.from, l.to, l.stream, l.loop])).toEqual([
      ['gui1:Ask', 'eval1:Check', true, false],
      ['eval1:Check', 'gui1:Ask', false, true],
    ]);
    expect(toMermaid(picture)).toContain('  n0 -.->|"Job"| n1\n  n1 -->|"Result"| n0\n');
    expect(toDot(picture)).toContain('  n0 -> n1 [label="Job", class="link stream", style=dashed, penwidth=1.8];\n');
    expect(toDot(picture)).toContain('  n1 -> n0 [label="Result", class="link loop", constraint=false];\n');
    const svg = await renderPicture(picture, 'svg');
    expect(svg.match(/<g id="edge\d+" class="edge link( stream| loop)">/g)).toHaveLength(2);
  });
});

describe('SVG (Graphviz in WebAssembly)', () => {
  it('is the same bytes every time, and matches the golden file', async () => {
    const { picture } = loadPicture(sudoku);
    const svg = await renderPicture(picture, 'svg');
    expect(await renderPicture(picture, 'svg')).toBe(svg);
    expect(svg).toContain(`<!-- Generated by graphviz version ${await graphvizVersion()}`);
    expectGolden('graph/graphene-sudoku.svg', svg);
  });

  it('shows every hostile name exactly as written, and the picture classes on nodes and links', async () => {
    const { picture } = loadPicture(hostile);
    const svg = await renderPicture(picture, 'svg');
    const texts = svgTexts(svg);
    const blueprint = JSON.parse(readFileSync(join(hostile, 'blueprint.json'), 'utf8')) as {
      name: string;
      nodes: { container_name: string }[];
    };
    // A name with a line break is drawn as two lines; control characters become U+FFFD.
    expect(texts).toEqual(expect.arrayContaining(blueprint.name.split('\n')));
    for (const n of blueprint.nodes) expect(texts).toContain(n.container_name);
    expect(texts).toEqual(
      expect.arrayContaining(['Gen"erate', 'lines', 'stream out', '-->|x|', 'classDef x fill:#f00']),
    );
    expect(texts).toEqual(expect.arrayContaining(['\ufffdbell\ufffdtab', 'not wired', 'a&b;c', '→ M\\N', 'Out"put']));
    expect(svg).toMatch(/<g id="n3" class="node unwired">/);
    expect(svg).toMatch(/<g id="n0" class="node wired">/);
    expect(svg).not.toMatch(/<script/i);
  });
});

describe('pictureFormat', () => {
  it('takes --format, else the output extension, else mermaid', () => {
    expect(pictureFormat('dot', 'x.svg')).toBe('dot');
    expect(pictureFormat(undefined, 'out/pipeline.SVG')).toBe('svg');
    expect(pictureFormat(undefined, 'p.gv')).toBe('dot');
    expect(pictureFormat(undefined, 'p.mmd')).toBe('mermaid');
    expect(pictureFormat(undefined, 'pipeline')).toBe('mermaid');
    expect(pictureFormat(undefined, undefined)).toBe('mermaid');
  });

  it('refuses an extension it cannot write (exit 2)', () => {
    const err = userError(() => pictureFormat(undefined, 'pipeline.png'));
    expect(err.exit).toBe(2);
    expect(err.message).toBe('--output pipeline.png: ".png" names no format aieffect draws');
    expect(err.hint).toBe('give --format (mermaid, dot, svg), or an output ending in .mmd, .mermaid, .dot, .gv, .svg');
  });
});
