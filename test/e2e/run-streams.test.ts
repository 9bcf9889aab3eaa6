// e2e: `aieffect run` on a streaming use case (test/fixtures/usecases/stream_pipeline): the same engine as
// `orchestrate`, through export (streaming connections accepted) and the local runtime. A sensor streams readings, a
// scaler is called once per reading, a statistics service takes them as one client stream; an rpc nobody wires is
// not called. With --loop and --duration the sensor's stream is opened again each time it ends, until the time is up.
// A loop between two containers broken by a bidirectional stream (loop_pipeline) exports with both links of its cycle
// and runs round the loop until the environment ends its stream.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { assertSchema } from '../../src/schema/validate.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { processesWithEnv } from '../helpers/local.js';

const useCase = join(repoRoot, 'test', 'fixtures', 'usecases', 'stream_pipeline');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Reading {
  seq: number;
  value: number;
}

interface Document {
  results: Record<string, Reading | Reading[] | { count: number; sum: number; max: number }>;
  summary: {
    status: string;
    stopped_by?: string;
    not_wired?: string[];
    nodes: Record<string, { status: string; calls: number; messages_in: number; messages_out: number }>;
  };
}

async function run(...flags: string[]) {
  const { dir, cleanup } = tempDir('aieffect-run-streams-');
  cleanups.push(cleanup);
  const r = await runCli(['run', useCase, '--data-dir', dir, '-o', join(dir, 'run.json'), ...flags]);
  const doc = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Document;
  assertSchema('run-result', { results: doc.results, summary: doc.summary }, 'run.json');
  expect(processesWithEnv('DATA_DIR', dir)).toEqual([]);
  return { r, doc };
}

describe('aieffect run: a streaming use case', () => {
  it('streams readings through a per-message unary call into a client stream; the unwired rpc is not called', async () => {
    const pages = tempDir('aieffect-run-streams-report-');
    cleanups.push(pages.cleanup);
    const { r, doc } = await run('--no-progress', '--report', join(pages.dir, 'run.html'));
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout) as Document['results'];
    // The report's node table gives each streaming node's calls and messages, as the run document does.
    const page = readFileSync(join(pages.dir, 'run.html'), 'utf8');
    expect(page).toContain('<td class="num">5 calls, 5 in, 5 out</td>');
    expect(page).toContain('<td class="num">1 call, 5 in, 1 out</td>');
    expect(results['sensor1:Readings']).toEqual([1, 2, 3, 4, 5].map((seq) => ({ seq, value: seq })));
    expect(results['scaler1:Scale']).toEqual([1, 2, 3, 4, 5].map((seq) => ({ seq, value: 2 * seq })));
    expect(results['stats1:Summarize']).toEqual({ count: 5, sum: 30, max: 10 });
    expect(doc.results).toEqual(results);
    expect(doc.summary.status).toBe('succeeded');
    expect(doc.summary.not_wired).toEqual(['scaler1:Calibrate']);
    expect(Object.keys(doc.summary.nodes)).toEqual(['sensor1:Readings', 'scaler1:Scale', 'stats1:Summarize']);
    expect(doc.summary.nodes['scaler1:Scale']).toMatchObject({ calls: 5, messages_in: 5, messages_out: 5 });
    expect(doc.summary.nodes['stats1:Summarize']).toMatchObject({ calls: 1, messages_in: 5, messages_out: 1 });
    expect(r.stderr).not.toContain('Calibrate was called');
  });

  it('--loop opens the sensor stream again each time it ends, until --duration; every reading is summarised', async () => {
    const { r, doc } = await run('--loop', '--duration', '2s', '--keep-messages', '3');
    expect(r.code).toBe(0);
    expect(doc.summary.stopped_by).toBe('duration');
    const sensor = doc.summary.nodes['sensor1:Readings']!;
    expect(sensor.calls).toBeGreaterThan(1);
    // What the sensor sent before the stop went through: every reading scaled and summarised.
    const stats = doc.results['stats1:Summarize'] as { count: number };
    expect(stats.count).toBe(sensor.messages_out);
    expect(doc.summary.nodes['scaler1:Scale']!.calls).toBe(sensor.messages_out);
    expect(doc.results['scaler1:Scale']).toHaveLength(3);
    expect(r.stderr).toContain('end   --duration is up: stopping sensor1:Readings; the rest drains');
  });
});

describe('a loop between two containers, broken by a stream (test/fixtures/usecases/loop_pipeline)', () => {
  const loop = join(repoRoot, 'test', 'fixtures', 'usecases', 'loop_pipeline');

  it('export writes both links of the cycle, the stream flags from the proto', async () => {
    const { dir, cleanup } = tempDir('aieffect-loop-export-');
    cleanups.push(cleanup);
    const r = await runCli(['export', loop, join(dir, 'pkg')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const blueprint = JSON.parse(readFileSync(join(dir, 'pkg', 'blueprint.json'), 'utf8')) as {
      nodes: {
        container_name: string;
        operation_signature_list: {
          operation_signature: Record<string, unknown>;
          connected_to: { container_name: string; operation_signature: { operation_name: string } }[];
        }[];
      }[];
    };
    const ops = blueprint.nodes.flatMap((node) =>
      node.operation_signature_list.map((o) => [
        `${node.container_name}:${String(o.operation_signature.operation_name)}`,
        o.operation_signature.input_message_stream,
        o.operation_signature.output_message_stream,
        o.connected_to.map((c) => `${c.container_name}:${c.operation_signature.operation_name}`),
      ]),
    );
    expect(ops).toEqual([
      ['agent1:Act', false, false, ['env1:Step']],
      ['env1:Step', true, true, ['agent1:Act']],
    ]);
  });

  it('aieffect run goes round the loop until the stream ends, then ends by itself with every message correct', async () => {
    const { dir, cleanup } = tempDir('aieffect-loop-run-');
    cleanups.push(cleanup);
    const r = await runCli(['run', loop, '--data-dir', dir, '-o', join(dir, 'run.json'), '--no-progress']);
    expect(r.stderr).not.toContain('fail');
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Document;
    assertSchema('run-result', { results: doc.results, summary: doc.summary }, 'run.json');
    const steps = [0, 1, 2, 3, 4];
    expect(doc.results['env1:Step']).toEqual(steps.map((step) => ({ step, value: 2 ** step })));
    expect(doc.results['agent1:Act']).toEqual(steps.map((s) => ({ step: s + 1, value: 2 ** (s + 1) })));
    expect(doc.summary.status).toBe('succeeded');
    expect(doc.summary.nodes['env1:Step']).toMatchObject({ status: 'succeeded', calls: 1, messages_in: 5 });
    expect(doc.summary.nodes['env1:Step']!.messages_out).toBe(5);
    expect(doc.summary.nodes['agent1:Act']).toMatchObject({
      status: 'succeeded',
      calls: 5,
      messages_in: 5,
      messages_out: 5,
    });
    expect(processesWithEnv('DATA_DIR', dir)).toEqual([]);
  });
});
