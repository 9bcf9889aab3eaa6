// `aieffect graph` as users run it: the built CLI as a process, on a use case, on our export of it, on the Graphene
// package, and on every mistake a user can make (each with its exact message and nothing written).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WriterJson } from '../../src/cli/json-output.js';
import type { GraphJson } from '../../src/commands/graph.js';
import { goldenDir } from '../golden/golden.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import { listFiles, repoRoot, runCli, sharedFixtures } from '../helpers/cli.js';
import { GENERATE, setConnections, useCaseCopies } from '../helpers/usecase-fixture.js';

const copy = useCaseCopies();
const golden = (name: string) => readFileSync(join(goldenDir, 'graph', name), 'utf8');
const sudoku = join(sharedFixtures, 'graphene-sudoku');

describe('aieffect graph', () => {
  it('prints a use case as Mermaid by default, nothing on stderr', async () => {
    const { root } = copy();
    const r = await runCli(['graph', 'energy_pipeline'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(golden('energy_pipeline.mmd'));
  });

  it('draws our export of a use case exactly as the use case itself', async () => {
    const { root } = copy();
    expect((await runCli(['export', 'energy_pipeline', 'out'], { cwd: root })).code).toBe(0);
    const fromExport = await runCli(['graph', 'out', '--format', 'dot'], { cwd: root });
    const fromUseCase = await runCli(['graph', 'energy_pipeline', '--format', 'dot'], { cwd: root });
    expect(fromExport.code).toBe(0);
    expect(fromExport.stdout).toBe(golden('energy_pipeline.dot'));
    expect(fromUseCase.stdout).toBe(fromExport.stdout);
  });

  it('draws the example as the README shows it (in the console example and the rendered block)', async () => {
    const r = await runCli(['graph', 'examples/file_based_energy_pipeline']);
    expect(r.code).toBe(0);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const rendered = /\n```mermaid\n([\s\S]*?)```\n/.exec(readme)?.[1];
    expect(rendered).toBe(r.stdout);
    expect(readme).toContain(`$ aieffect graph examples/file_based_energy_pipeline\n${r.stdout}`);
  });

  it('draws a platform package (Graphene sudoku) as DOT', async () => {
    const r = await runCli(['graph', sudoku, '--format', 'dot']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(golden('graphene-sudoku.dot'));
  });

  it('writes an SVG file atomically, the format taken from its extension, the same bytes each time', async () => {
    const { root } = copy();
    const r = await runCli(['graph', sudoku, '-o', 'pictures/sudoku.svg'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'wrote pictures/sudoku.svg: svg of pipeline "sudoku-stream": 6 operations in 3 containers, 4 links (4 stream)\n',
    );
    const svg = readFileSync(join(root, 'pictures/sudoku.svg'), 'utf8');
    expect(svg).toBe(golden('graphene-sudoku.svg'));
    expect(listFiles(join(root, 'pictures'))).toEqual(['sudoku.svg']);
    expect((await runCli(['graph', sudoku, '--format', 'svg'], { cwd: root })).stdout).toBe(svg);
  });

  it('--json: the pipeline as data, with the picture itself in text when it went to stdout', async () => {
    const { root } = copy();
    const r = await runCli(['graph', 'energy_pipeline', '--json'], { cwd: root });
    expect(r.code).toBe(0);
    const doc = expectJsonContract<GraphJson & { text: string }>('graph', r.stdout);
    expect(doc).toMatchObject({
      use_case_dir: join(root, 'energy_pipeline'),
      format: 'mermaid',
      pipeline_name: 'energy-pipeline',
      text: golden('energy_pipeline.mmd'),
      links: [
        {
          from: 'data_analyzer1:AnalyzeData',
          to: 'report_generator1:GenerateReport',
          message: 'AnalysisResult',
          mapped_to: null,
          stream: true,
          loop: false,
        },
        {
          from: 'data_generator1:GenerateData',
          to: 'data_analyzer1:AnalyzeData',
          message: 'DataBatch',
          mapped_to: null,
          stream: false,
        },
      ],
    });
    expect(doc.containers[0]!.operations[1]).toEqual({
      id: 'data_analyzer1:WatchAnomalies',
      operation: 'WatchAnomalies',
      input_message: 'DataBatch',
      output_message: 'Anomaly',
      input_stream: false,
      output_stream: true,
      wired: false,
    });

    const written = await runCli(['graph', sudoku, '-o', 'pictures/p.dot', '--json'], { cwd: root });
    const out = expectJsonContract<WriterJson & GraphJson>('graph_written', written.stdout);
    expect(out).toMatchObject({
      output_dir: join(root, 'pictures'),
      files: ['p.dot'],
      export_dir: sudoku,
      format: 'dot',
      pipeline_name: 'sudoku-stream',
      notes: [],
      next: [],
    });
    expect(readFileSync(join(root, 'pictures/p.dot'), 'utf8')).toBe(golden('graphene-sudoku.dot'));
  });

  describe('mistakes: one line, the exit code, nothing written', () => {
    const cases: {
      name: string;
      args: (root: string) => string[];
      prepare?: (root: string, dir: string) => void;
      exit: number;
      stderr: string;
    }[] = [
      {
        name: 'no such folder',
        args: () => ['graph', 'nowhere', '-o', 'out.svg'],
        exit: 1,
        stderr:
          'error nowhere: no such directory\n  hint: give a use case folder (docker-compose.yml, connections.json) or an export package (blueprint.json)\n',
      },
      {
        name: 'a folder that is neither kind',
        args: () => ['graph', 'empty', '-o', 'out.svg'],
        prepare: (root) => mkdirSync(join(root, 'empty')),
        exit: 1,
        stderr:
          'error empty: neither an export package (no blueprint.json) nor a use case (no compose file or connections.json)\n  hint: give a use case folder or an export package, e.g. examples/file_based_energy_pipeline\n',
      },
      {
        name: 'an output extension that names no format',
        args: () => ['graph', 'energy_pipeline', '-o', 'out.png'],
        exit: 2,
        stderr:
          'error --output out.png: ".png" names no format aieffect draws\n  hint: give --format (mermaid, dot, svg), or an output ending in .mmd, .mermaid, .dot, .gv, .svg\n',
      },
      {
        name: 'a format it does not know',
        args: () => ['graph', 'energy_pipeline', '--format', 'png', '-o', 'out.svg'],
        exit: 2,
        stderr:
          'error Expected --format=png to be one of: mermaid, dot, svg\n  hint: see `aieffect graph --help` for usage\n',
      },
      {
        name: 'a broken use case',
        args: () => ['graph', 'energy_pipeline', '-o', 'out.svg'],
        prepare: (_root, dir) => setConnections(dir, [{ ...GENERATE, to_service: 'data_analyzer' }]),
        exit: 1,
        stderr:
          'error energy_pipeline/connections.json /pipeline/connections/0/to_service: unknown service "data_analyzer" (pipeline services: data-analyzer, data-generator, report-generator)\n  hint: "data_analyzer" is a folder name; connections.json uses docker-compose.yml service names: "data-analyzer"\n',
      },
      {
        name: 'a broken blueprint',
        args: () => ['graph', 'pkg', '-o', 'out.svg'],
        prepare: (root) => {
          mkdirSync(join(root, 'pkg'));
          writeFileSync(join(root, 'pkg/blueprint.json'), '{"nodes": [{"container_name": "a"}]}');
        },
        exit: 1,
        stderr:
          'error pkg/blueprint.json /nodes/0: missing required property "operation_signature_list"\n  hint: see schemas/blueprint.schema.json for the expected format\n',
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const { root, dir } = copy();
        c.prepare?.(root, dir);
        const before = listFiles(root);
        const r = await runCli(c.args(root), { cwd: root });
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(c.stderr);
        expect(r.code).toBe(c.exit);
        expect(listFiles(root)).toEqual(before);
      });
    }

    it('an output path that is a folder: the error names it, the folder is untouched', async () => {
      const { root } = copy();
      mkdirSync(join(root, 'taken.svg'));
      const r = await runCli(['graph', 'energy_pipeline', '-o', 'taken.svg'], { cwd: root });
      expect(r.stderr.split('\n')[0]).toBe('error --output taken.svg: cannot write (is a folder)');
      expect(r.code).toBe(1);
      expect(listFiles(join(root, 'taken.svg'))).toEqual([]);
      expect(listFiles(root).filter((f) => f.includes('.tmp'))).toEqual([]);
    });
  });
});
