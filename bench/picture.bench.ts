// Pictures and run reports: what drawing costs. Method:
// - graph.svg.example_ms: `aieffect graph examples/file_based_energy_pipeline --format svg` as a fresh process,
//   against `--format mermaid` of the same use case (same start-up and loading, no Graphviz) interleaved in the same
//   run: the difference is what loading the Graphviz WebAssembly and laying out the graph add.
// - graph.svg.400_ops_ms: in this process, the SVG of a generated 400-operation pipeline (a layered DAG, 5 wide, each
//   operation linked to two of the next layer; 400 is the report's limit for drawing the graph), against its DOT text.
// - report.build.400_ops_ms: the whole run report of that pipeline (timeline of 400 finished nodes, graph laid out,
//   page rendered) against the same page without the graph.
// Each figure is the median of several runs, after a warm-up.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildPipelineGraph } from '../src/graph/index.js';
import type { EngineEvent } from '../src/engine/events.js';
import { pictureOf, renderPicture, toDot } from '../src/picture/index.js';
import { buildRunReport, createRunRecorder, renderReport } from '../src/report/index.js';
import { median, round, type BenchResult } from './types.js';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const example = fileURLToPath(new URL('../examples/file_based_energy_pipeline', import.meta.url));

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`aieffect ${args.join(' ')} failed: ${r.stderr}`);
}

async function timed(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** `measured` against `baseline`, interleaved `runs` times after `warm` warm-up rounds: one figure (median). */
async function compare(
  id: string,
  runs: number,
  warm: number,
  baseline: () => unknown,
  measured: () => unknown,
): Promise<BenchResult> {
  const base: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < warm + runs; i++) {
    const b = await timed(baseline);
    const v = await timed(measured);
    if (i < warm) continue;
    base.push(b);
    value.push(v);
  }
  const [b, v] = [round(median(base), 2), round(median(value), 1)];
  return { id, value: v, unit: 'ms', baseline: b, ratio: round(v / b) };
}

function layered(n: number) {
  const nodes = Array.from({ length: n }, (_, i) => ({
    container_name: `svc${i}`,
    operation_signature_list: [
      {
        operation_signature: { operation_name: 'Op', input_message_name: 'In', output_message_name: 'Out' },
        connected_to: [i + 5, i + 6]
          .filter((j) => j < n)
          .map((j) => ({ container_name: `svc${j}`, operation_signature: { operation_name: 'Op' } })),
      },
    ],
  }));
  return buildPipelineGraph({ name: 'bench', nodes });
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  results.push(
    await compare(
      'graph.svg.example_ms',
      5,
      2,
      () => cli(['graph', example, '--format', 'mermaid']),
      () => cli(['graph', example, '--format', 'svg']),
    ),
  );
  const graph = layered(400);
  const picture = pictureOf(graph, 'bench');
  results.push(
    await compare(
      'graph.svg.400_ops_ms',
      4,
      1,
      () => toDot(picture),
      () => renderPicture(picture, 'svg'),
    ),
  );

  const recorder = createRunRecorder();
  const t = Date.now();
  const events: EngineEvent[] = [{ type: 'run-started', at: t, levels: graph.levels, nodes: graph.levels.flat() }];
  graph.levels.flat().forEach((node, i) => {
    events.push({ type: 'node-started', at: t + i, node });
    events.push({ type: 'node-finished', at: t + i + 5, node, durationMs: 5, attempts: 1 });
  });
  events.push({ type: 'run-finished', at: t + 500, status: 'succeeded', durationMs: 500 });
  events.forEach(recorder.onEvent);
  const input = {
    command: 'aieffect orchestrate bench',
    status: 'succeeded' as const,
    timeline: recorder.timeline(),
    generator: 'aieffect bench',
    createdAt: new Date(t),
  };
  results.push(
    await compare(
      'report.build.400_ops_ms',
      4,
      1,
      () => renderReport({ ...input, picture, graphNote: 'left out' }),
      () => buildRunReport({ ...input, picture }),
    ),
  );
  return results;
}
