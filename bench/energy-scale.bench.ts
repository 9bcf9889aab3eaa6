// The energy example at scale: 1,000,000 readings (the most its input provider takes) through the whole pipeline with
// `aieffect run`, against the baseline of 100,000 readings measured in the same run, scaled by ten: a ratio near 1
// means the services are linear in their input (the report generator once copied a household's array per reading:
// 100,000 readings took 1.7 s, 1,000,000 did not finish in 12 minutes). Per node, the call's duration from the run
// summary; for the pipeline, the summary's duration (the services' start-up is not counted).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, type BenchResult } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'run.js');
const example = join(root, 'examples', 'file_based_energy_pipeline');
const NODES = ['data_generator1:GenerateData', 'data_analyzer1:AnalyzeData', 'report_generator1:GenerateReport'];

interface Summary {
  status: string;
  duration_ms: number;
  nodes: Record<string, { duration_ms?: number }>;
}

/** One run of the example with `records` readings: the pipeline's and each node's duration, in ms. */
function runWith(records: number): Record<string, number> {
  const data = mkdtempSync(join(tmpdir(), 'aieffect-bench-energy-'));
  try {
    const input = JSON.stringify({ num_records: records });
    const r = spawnSync(
      process.execPath,
      [bin, 'run', example, '--json', '--input', input, '--data-dir', data, '--wait-timeout', '120s'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.status !== 0) throw new Error(`aieffect run with ${records} readings failed:\n${r.stdout}\n${r.stderr}`);
    const summary = (JSON.parse(r.stdout) as { summary: Summary }).summary;
    const figures: Record<string, number> = { pipeline: summary.duration_ms };
    for (const node of NODES) figures[node] = summary.nodes[node]!.duration_ms!;
    return figures;
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  // The first run builds the services if needed and warms the file cache; it is not counted.
  runWith(1000);
  const small = runWith(100_000);
  const large = runWith(1_000_000);
  return ['pipeline', ...NODES].map((key) => ({
    id: `energy 1,000,000 readings: ${key} (baseline: 10 x 100,000)`,
    value: round(large[key]!, 0),
    unit: 'ms',
    baseline: round(small[key]! * 10, 0),
    ratio: round(large[key]! / (small[key]! * 10), 2),
    target: key === 'pipeline' ? 'ratio ~1 (linear)' : undefined,
  }));
}
