// `aieffect export` as users run it: the built CLI as a process, on the energy_pipeline fixture and broken copies of it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSchema } from '../../src/schema/validate.js';
import { listFiles, runCli } from '../helpers/cli.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import {
  ANALYZE,
  GENERATE,
  editFile,
  energyFixture,
  setConnections,
  ENERGY_EXPORT_FILES,
  useCaseCopies,
} from '../helpers/usecase-fixture.js';

const copy = useCaseCopies();

const PINNED = { SOURCE_DATE_EPOCH: '1700000000' };
const DATE = '2023-11-14T22:13:20Z';
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const USE_CASE_FILES = listFiles(energyFixture).map((f) => `energy_pipeline/${f}`);

const op = (
  name: string,
  input: string,
  inputStream: boolean,
  output: string,
  outputStream: boolean,
  connectedTo: [string, string][] = [],
) => ({
  operation_signature: {
    operation_name: name,
    input_message_name: input,
    input_message_stream: inputStream,
    output_message_name: output,
    output_message_stream: outputStream,
  },
  connected_to: connectedTo.map(([container, operation]) => ({
    container_name: container,
    operation_signature: { operation_name: operation },
  })),
});

describe('aieffect export', () => {
  it('writes the fixture package, correct field by field and schema-valid', async () => {
    const { root } = copy();
    const r = await runCli(['export', 'energy_pipeline', 'out/energy', '--pipeline-id', 'energy-v1'], {
      cwd: root,
      env: PINNED,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'wrote out/energy: pipeline "energy-pipeline", 3 nodes, 2 connections',
        '  blueprint.json',
        '  dockerinfo.json',
        '  generation_metadata.json',
        '  microservice/common/types.proto',
        '  microservice/data_analyzer1.proto',
        '  microservice/data_generator1.proto',
        '  microservice/report_generator1.proto',
        `pipeline_id energy-v1, creation_date ${DATE}`,
        'next:',
        '  aieffect compose out/energy',
        '',
      ].join('\n'),
    );
    const out = join(root, 'out', 'energy');
    const blueprint = readJson(join(out, 'blueprint.json')) as Record<string, unknown>;
    // Exactly the platform's top-level keys, in its order: the original's newer parser refuses any other.
    expect(Object.keys(blueprint)).toEqual(['name', 'pipeline_id', 'creation_date', 'type', 'version', 'nodes']);
    expect(blueprint).toEqual({
      name: 'energy-pipeline',
      version: '2.0',
      type: 'pipeline-topology/v2',
      pipeline_id: 'energy-v1',
      creation_date: DATE,
      nodes: [
        {
          container_name: 'data_analyzer1',
          node_type: 'MLModel',
          image: 'energy_pipeline-data-analyzer:latest',
          proto_uri: 'microservice/data_analyzer1.proto',
          operation_signature_list: [
            op('AnalyzeData', 'DataBatch', false, 'AnalysisResult', false, [['report_generator1', 'GenerateReport']]),
            op('WatchAnomalies', 'DataBatch', false, 'Anomaly', true),
            op('Health', 'google.protobuf.Empty', false, 'HealthStatus', false),
          ],
        },
        {
          container_name: 'data_generator1',
          node_type: 'MLModel',
          image: 'energy_pipeline-data-generator:latest',
          proto_uri: 'microservice/data_generator1.proto',
          operation_signature_list: [
            op('GenerateData', 'GenerateRequest', false, 'DataBatch', false, [['data_analyzer1', 'AnalyzeData']]),
          ],
        },
        {
          container_name: 'report_generator1',
          node_type: 'MLModel',
          image: 'energy_pipeline-report-generator:latest',
          proto_uri: 'microservice/report_generator1.proto',
          operation_signature_list: [op('GenerateReport', 'AnalysisResult', true, 'Report', false)],
        },
      ],
    });
    const dockerinfo = readJson(join(out, 'dockerinfo.json'));
    expect(dockerinfo).toEqual({
      docker_info_list: [
        { container_name: 'data_analyzer1', ip_address: 'data-analyzer', port: '50051' },
        { container_name: 'data_generator1', ip_address: 'data-generator', port: '50051' },
        { container_name: 'report_generator1', ip_address: 'report-generator', port: '50051' },
      ],
    });
    const version = (readJson(join(energyFixture, '..', '..', '..', '..', 'package.json')) as { version: string })
      .version;
    const metadata = readJson(join(out, 'generation_metadata.json'));
    const service = (folder: string, compose: string, imports: string[] = []) => ({
      service_name: compose,
      container_name: `${folder}1`,
      image_name: `energy_pipeline-${compose}:latest`,
      folder,
      proto: `microservice/${folder}1.proto`,
      proto_files: [`microservice/${folder}1.proto`, ...imports],
    });
    // The original tools' keys with their meaning first, ours beside them.
    expect(Object.keys(metadata as object).slice(0, 4)).toEqual([
      'use_case_name',
      'use_case_directory',
      'source_path',
      'services',
    ]);
    expect(metadata).toEqual({
      use_case_name: 'energy_pipeline',
      use_case_directory: 'energy_pipeline',
      source_path: '../../energy_pipeline',
      services: [
        service('data_analyzer', 'data-analyzer', ['microservice/common/types.proto']),
        service('data_generator', 'data-generator', ['microservice/common/types.proto']),
        service('report_generator', 'report-generator'),
      ],
      generator: 'aieffect',
      generator_version: version,
      pipeline_id: 'energy-v1',
      pipeline_name: 'energy-pipeline',
      description: 'Generate energy readings, flag anomalies, write a report.',
      creation_date: DATE,
    });
    assertSchema('blueprint', blueprint, 'blueprint.json');
    assertSchema('dockerinfo', dockerinfo, 'dockerinfo.json');
    assertSchema('generation-metadata', metadata, 'generation_metadata.json');
    // Protos are copied byte for byte; imports keep their relative path beside the service proto.
    const src = join(root, 'energy_pipeline', 'services');
    expect(readFileSync(join(out, 'microservice', 'data_generator1.proto'), 'utf8')).toBe(
      readFileSync(join(src, 'data_generator', 'proto', 'data_generator.proto'), 'utf8'),
    );
    expect(readFileSync(join(out, 'microservice', 'common', 'types.proto'), 'utf8')).toBe(
      readFileSync(join(src, 'data_generator', 'proto', 'common', 'types.proto'), 'utf8'),
    );
    // Nothing but the package was written (no temporary folders left behind).
    expect(listFiles(root)).toEqual([...USE_CASE_FILES, ...listFiles(out).map((f) => `out/energy/${f}`)].sort());
  });

  it('gives byte-identical output for the same input, pipeline id and SOURCE_DATE_EPOCH', async () => {
    const { root } = copy();
    for (const out of ['a', 'b']) {
      const r = await runCli(['export', 'energy_pipeline', out, '--pipeline-id', 'same'], { cwd: root, env: PINNED });
      expect(r.code).toBe(0);
    }
    const files = listFiles(join(root, 'a'));
    expect(files).toEqual(listFiles(join(root, 'b')));
    for (const f of files) expect(readFileSync(join(root, 'a', f))).toEqual(readFileSync(join(root, 'b', f)));
  });

  it('picks a fresh UUID and the current time when nothing is pinned', async () => {
    const { root } = copy();
    const r = await runCli(['export', 'energy_pipeline', 'out', '--json'], {
      cwd: root,
      env: { SOURCE_DATE_EPOCH: '' },
    });
    expect(r.code).toBe(0);
    const summary = expectJsonContract<{ pipeline_id: string; creation_date: string }>('export', r.stdout);
    expect(summary.pipeline_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Math.abs(Date.parse(summary.creation_date) - Date.now())).toBeLessThan(10 * 60_000);
  });

  it('--json prints a machine-readable summary', async () => {
    const { root } = copy();
    const r = await runCli(['export', 'energy_pipeline', 'out', '--pipeline-id', 'p1', '--json'], {
      cwd: root,
      env: PINNED,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(expectJsonContract('export', r.stdout)).toEqual({
      output_dir: join(root, 'out'),
      files: ENERGY_EXPORT_FILES,
      use_case_dir: join(root, 'energy_pipeline'),
      pipeline_id: 'p1',
      pipeline_name: 'energy-pipeline',
      creation_date: DATE,
      replaced: false,
      nodes: [
        {
          container: 'data_analyzer1',
          service: 'data-analyzer',
          folder: 'data_analyzer',
          image: 'energy_pipeline-data-analyzer:latest',
          operations: ['AnalyzeData', 'WatchAnomalies', 'Health'],
        },
        {
          container: 'data_generator1',
          service: 'data-generator',
          folder: 'data_generator',
          image: 'energy_pipeline-data-generator:latest',
          operations: ['GenerateData'],
        },
        {
          container: 'report_generator1',
          service: 'report-generator',
          folder: 'report_generator',
          image: 'energy_pipeline-report-generator:latest',
          operations: ['GenerateReport'],
        },
      ],
      connections: 2,
      skipped_folders: [],
      notes: [],
      next: ['aieffect compose out'],
    });
  });

  it('--overwrite replaces an earlier package; without it an existing folder is an error', async () => {
    const { root } = copy();
    const first = await runCli(['export', 'energy_pipeline', 'out', '--pipeline-id', 'one'], {
      cwd: root,
      env: PINNED,
    });
    expect(first.code).toBe(0);
    writeFileSync(join(root, 'out', 'stale.txt'), 'from before');
    const refused = await runCli(['export', 'energy_pipeline', 'out', '--pipeline-id', 'two'], {
      cwd: root,
      env: PINNED,
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'error out: already exists\n  hint: pass --overwrite to replace it once the new package is complete, or choose another folder\n',
    );
    expect((readJson(join(root, 'out', 'blueprint.json')) as { pipeline_id: string }).pipeline_id).toBe('one');
    const replaced = await runCli(['export', 'energy_pipeline', 'out', '--pipeline-id', 'two', '--overwrite'], {
      cwd: root,
      env: PINNED,
    });
    expect(replaced.code).toBe(0);
    expect(replaced.stdout.split('\n')[0]).toBe('replaced out: pipeline "energy-pipeline", 3 nodes, 2 connections');
    expect((readJson(join(root, 'out', 'blueprint.json')) as { pipeline_id: string }).pipeline_id).toBe('two');
    expect(listFiles(join(root, 'out'))).not.toContain('stale.txt');
    expect(listFiles(root).filter((f) => !f.startsWith('energy_pipeline/') && !f.startsWith('out/'))).toEqual([]);
  });

  describe('refusals (exit 2, nothing written)', () => {
    const cases: [string, (root: string) => string[], string][] = [
      [
        'output is the use case',
        () => ['energy_pipeline', 'energy_pipeline', '--overwrite'],
        'error energy_pipeline: refusing to write the export package there: it is the use case folder\n  hint: export into a folder of its own, outside the use case, e.g. use-cases-platform/<name>\n',
      ],
      [
        'output contains the use case',
        (root) => ['energy_pipeline', root, '--overwrite'],
        'error {root}: refusing to write the export package there: it contains the use case folder energy_pipeline\n  hint: export into a folder of its own, outside the use case, e.g. use-cases-platform/<name>\n',
      ],
      [
        'output is the file system root',
        () => ['energy_pipeline', '/', '--overwrite'],
        'error /: refusing to write an export package to the file system root\n  hint: give a new folder, e.g. use-cases-platform/<name>\n',
      ],
      [
        'bad pipeline id',
        () => ['energy_pipeline', 'out', '--pipeline-id', '../x'],
        'error --pipeline-id "../x": expected 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit\n  hint: e.g. --pipeline-id energy-pipeline-2024-06\n',
      ],
      [
        'missing output_dir',
        () => ['energy_pipeline'],
        'error missing required argument: output_dir\n  hint: see `aieffect export --help` for usage\n',
      ],
    ];
    for (const [title, args, stderr] of cases) {
      it(title, async () => {
        const { root } = copy();
        const r = await runCli(['export', ...args(root)], { cwd: root, env: PINNED });
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(stderr.replace('{root}', root));
        expect(listFiles(root)).toEqual(USE_CASE_FILES);
      });
    }
  });

  describe('bad inputs (exit 1, exact message, nothing written)', () => {
    const cases: [string, (dir: string) => void, string][] = [
      [
        'unknown service',
        (dir) => setConnections(dir, [{ ...GENERATE, to_service: 'data_analyzer' }, ANALYZE]),
        'error energy_pipeline/connections.json /pipeline/connections/0/to_service: unknown service "data_analyzer" (pipeline services: data-analyzer, data-generator, report-generator)\n  hint: "data_analyzer" is a folder name; connections.json uses docker-compose.yml service names: "data-analyzer"\n',
      ],
      [
        'unknown method',
        (dir) => setConnections(dir, [GENERATE, { ...ANALYZE, to_method: 'Generate' }]),
        'error energy_pipeline/connections.json /pipeline/connections/1/to_method: report-generator has no rpc "Generate" (its rpcs: GenerateReport)\n  hint: rpc names are case-sensitive, as written in energy_pipeline/services/report_generator/proto/report_generator.proto\n',
      ],
      [
        'no proto declares a service',
        (dir) =>
          editFile(dir, 'services/report_generator/proto/report_generator.proto', (t) =>
            t.slice(0, t.indexOf('service ReportGenerator')),
          ),
        "error energy_pipeline/services/report_generator/proto: no .proto file declares a service (found: report_generator.proto)\n  hint: put the service's .proto in energy_pipeline/services/report_generator/proto/ (other .proto files there are its imports)\n",
      ],
      [
        'two protos declare a service',
        (dir) =>
          writeFileSync(
            join(dir, 'services/data_analyzer/proto/admin.proto'),
            'syntax = "proto3";\nmessage E {}\nservice Admin { rpc Ping (E) returns (E); }\n',
          ),
        'error energy_pipeline/services/data_analyzer/proto: 2 .proto files declare a service (admin.proto, data_analyzer.proto); one service proto per folder\n  hint: move the extra service into its own services/<folder>, or merge the services\n',
      ],
      [
        'two compose services built from one folder',
        (dir) =>
          editFile(dir, 'docker-compose.yml', (t) =>
            t.replace('  cache:\n    image: redis:7', '  analyzer-copy:\n    build: ./services/data_analyzer'),
          ),
        'error energy_pipeline/docker-compose.yml: services "analyzer-copy" and "data-analyzer" are both built from services/data_analyzer; each service folder is one pipeline node\n  hint: give each compose service its own services/<folder> with its Dockerfile and proto\n',
      ],
      [
        'incompatible messages',
        (dir) =>
          editFile(dir, 'services/report_generator/proto/report_generator.proto', (t) =>
            t
              .replace('    double max_kwh = 2;', '    int32 max_kwh = 2;\n    string unit = 3;')
              .replace('string file_path = 1;', 'bytes file_path = 1;'),
          ),
        'error energy_pipeline/connections.json /pipeline/connections/0: data-analyzer.AnalyzeData returns energy.AnalysisResult, which report-generator.GenerateReport cannot take as report.AnalysisResult: field "file_path": string in the source, bytes expected; field "summary.max_kwh": double in the source, int32 expected\n  hint: a field of the input message whose output namesake has a type that cannot be carried (a string into a number, a message into a scalar, a list into a single value): rename one, or change its type\n',
      ],
      [
        'a cycle of unary rpcs',
        (dir) =>
          setConnections(dir, [
            GENERATE,
            ANALYZE,
            {
              from_service: 'data-analyzer',
              from_method: 'AnalyzeData',
              to_service: 'data-generator',
              to_method: 'GenerateData',
            },
          ]),
        'error energy_pipeline/connections.json /pipeline/connections/2: the connections form a cycle without a streaming rpc: data-generator.GenerateData -> data-analyzer.AnalyzeData -> data-generator.GenerateData\n  hint: in a cycle of unary calls each call waits for its own output; let one rpc of the cycle return or take a `stream`, or remove one connection of the cycle\n',
      ],
      [
        'a JSON syntax error',
        (dir) => editFile(dir, 'connections.json', (t) => t.replace('"GenerateReport"\n', '"GenerateReport",\n')),
        'error energy_pipeline/connections.json: invalid JSON at line 12, column 7: unexpected "}", expected a property name in double quotes\n  hint: fix the syntax (a JSON linter or `node -e "JSON.parse(...)"` shows it too)\n',
      ],
      [
        'a schema violation',
        (dir) =>
          editFile(dir, 'connections.json', (t) =>
            t.replace('"to_method": "GenerateReport"', '"to_methods": "GenerateReport"'),
          ),
        'error energy_pipeline/connections.json /pipeline/connections/0: missing required property "to_method"\n  hint: see schemas/connections.schema.json for the expected format\n',
      ],
      [
        'a proto syntax error',
        (dir) =>
          editFile(dir, 'services/data_analyzer/proto/data_analyzer.proto', (t) =>
            t.replace('rpc Health(google.protobuf.Empty)', 'rpc Health(google.protobuf.Empty'),
          ),
        "error energy_pipeline/services/data_analyzer/proto/data_analyzer.proto:36:36: unexpected 'returns', ')' expected\n  hint: fix the .proto file (protoc reports the same place)\n",
      ],
      [
        'a missing connections.json',
        (dir) => rmSync(join(dir, 'connections.json')),
        'error energy_pipeline/connections.json: file not found\n  hint: a use case describes its pipeline in connections.json (see README: connections.json)\n',
      ],
    ];
    for (const [title, breakIt, stderr] of cases) {
      it(title, async () => {
        const { root, dir } = copy();
        breakIt(dir);
        const before = listFiles(root);
        const r = await runCli(['export', 'energy_pipeline', 'out'], { cwd: root, env: PINNED });
        expect(r.stderr).toBe(stderr);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(listFiles(root)).toEqual(before);
      });
    }

    it('--json puts the error on stdout', async () => {
      const { root, dir } = copy();
      setConnections(dir, [GENERATE, { ...ANALYZE, from_method: 'Analyse' }]);
      const r = await runCli(['export', 'energy_pipeline', 'out', '--json'], { cwd: root });
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toEqual({
        error: {
          code: 'UNKNOWN_METHOD',
          message:
            'energy_pipeline/connections.json /pipeline/connections/1/from_method: data-analyzer has no rpc "Analyse" (its rpcs: AnalyzeData, WatchAnomalies, Health)',
          hint: 'rpc names are case-sensitive, as written in energy_pipeline/services/data_analyzer/proto/data_analyzer.proto',
          file: 'energy_pipeline/connections.json',
          pointer: '/pipeline/connections/1/from_method',
        },
      });
      expect(listFiles(root)).toEqual(USE_CASE_FILES);
    });
  });

  it('notes services/ folders that no compose service is built from, and skips them', async () => {
    const { root, dir } = copy();
    mkdirSync(join(dir, 'services', 'shared_lib'));
    const r = await runCli(['export', 'energy_pipeline', 'out', '--pipeline-id', 'p'], { cwd: root, env: PINNED });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('skipped services/shared_lib: no compose service is built from it\n');
    expect(r.stdout.split('\n')[0]).toBe('wrote out: pipeline "energy-pipeline", 3 nodes, 2 connections');
  });

  it('creates missing parent folders of output_dir', async () => {
    const { root } = copy();
    const r = await runCli(['export', 'energy_pipeline', 'platform/new/energy'], { cwd: root, env: PINNED });
    expect(r.code).toBe(0);
    expect(listFiles(join(root, 'platform', 'new', 'energy'))).toContain('blueprint.json');
  });
});
