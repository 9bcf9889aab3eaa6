// The original AI-Effect system's two use-case shapes (test/fixtures/usecases/original_*, see
// test/fixtures/packages/NOTICE.md) export as their authors wrote them, and their pipelines run from the package
// against real grpc-js services that implement their protos. Names and files are checked at the edge of export.
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFiles, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { startServer, type Message, type TestServer } from '../helpers/grpc.js';
import { editFile } from '../helpers/usecase-fixture.js';

const usecases = join(repoRoot, 'test', 'fixtures', 'usecases');
const PINNED = { SOURCE_DATE_EPOCH: '1700000000' };
const BLUEPRINT_KEYS = ['name', 'pipeline_id', 'creation_date', 'type', 'version', 'nodes'];

let tmp: { dir: string; cleanup: () => void };
let servers: TestServer[] = [];
beforeEach(() => {
  tmp = tempDir('aieffect-original-');
});
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
  tmp.cleanup();
});

/** A copy of the fixture use case in the temporary folder, under its own name. */
function copyUseCase(name: 'original_file_based' | 'original_protobuf_based'): string {
  const dir = join(tmp.dir, name);
  cpSync(join(usecases, name), dir, { recursive: true });
  return dir;
}

const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** What every export of ours must hold: the platform's keys only, string ports, the original's metadata keys. */
function expectConservativePackage(out: string, useCase: string): void {
  expect(Object.keys(readJson(join(out, 'blueprint.json')))).toEqual(BLUEPRINT_KEYS);
  const dockerinfo = readJson(join(out, 'dockerinfo.json')) as { docker_info_list: Record<string, unknown>[] };
  for (const entry of dockerinfo.docker_info_list) {
    expect(Object.keys(entry)).toEqual(['container_name', 'ip_address', 'port']);
    expect(entry.port).toBe('50051');
  }
  const metadata = readJson(join(out, 'generation_metadata.json')) as {
    services: Record<string, unknown>[];
  } & Record<string, unknown>;
  expect(Object.keys(metadata).slice(0, 4)).toEqual(['use_case_name', 'use_case_directory', 'source_path', 'services']);
  expect(metadata.use_case_name).toBe(useCase);
  expect(metadata.use_case_directory).toBe(useCase);
  expect(metadata.source_path).toBe(`../${useCase}`);
  for (const service of metadata.services) {
    expect(Object.keys(service).slice(0, 3)).toEqual(['service_name', 'container_name', 'image_name']);
    expect(service.image_name).toBe(`${useCase}-${String(service.service_name)}:latest`);
  }
}

type Handlers = Record<string, Record<string, (req: Message) => Message>>;

/**
 * Exports the fixture use case (already copied, unmodified unless said) to pkg/, starts one server per container from
 * the package's own proto with `handlers`, runs the pipeline against them and returns the results and the servers:
 * the package with `orchestrate`, or (`with: 'run'`) the use case with `aieffect run`, every service at its --address.
 * `protoPaths` go to export (and run) as --proto-path.
 */
async function exportAndRun(
  useCase: 'original_file_based' | 'original_protobuf_based',
  handlers: Handlers,
  options: { with?: 'orchestrate' | 'run'; protoPaths?: string[] } = {},
): Promise<{ results: Record<string, Message>; byContainer: Record<string, TestServer> }> {
  const protoPaths = (options.protoPaths ?? []).flatMap((p) => ['--proto-path', p]);
  const exported = await runCli(['export', useCase, 'pkg', ...protoPaths], { cwd: tmp.dir });
  expect(exported.code).toBe(0);
  const addresses: string[] = [];
  const byContainer: Record<string, TestServer> = {};
  for (const [container, rpcs] of Object.entries(handlers)) {
    const server = await startServer(join(tmp.dir, 'pkg', 'microservice', `${container}.proto`), rpcs);
    servers.push(server);
    byContainer[container] = server;
    addresses.push('--address', `${container}=${server.address}`);
  }
  const command = options.with === 'run' ? ['run', useCase, ...protoPaths] : ['orchestrate', 'pkg'];
  const run = await runCli([...command, '--no-progress', ...addresses], { cwd: tmp.dir });
  expect(run.stderr).not.toContain('error');
  expect(run.code).toBe(0);
  return { results: JSON.parse(run.stdout) as Record<string, Message>, byContainer };
}

describe('the file-based use case (files on a shared volume, a target field the source lacks)', () => {
  it('exports unmodified: the field left at default is reported, in the export output and in orchestrate --plan', async () => {
    copyUseCase('original_file_based');
    const r = await runCli(['export', 'original_file_based', 'out', '--pipeline-id', 'fb'], {
      cwd: tmp.dir,
      env: PINNED,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      [
        'original_file_based/connections.json /pipeline/connections/1: data-generator.GenerateData -> data-analyzer.AnalyzeData: field "anomaly_threshold" of data_analyzer.AnalyzeDataRequest not in data_generator.GenerateDataResponse: left at default / from --input',
        'original_file_based/connections.json /pipeline/connections/2: data-analyzer.AnalyzeData -> report-generator.GenerateReport: field "report_format" of report_generator.GenerateReportRequest not in data_analyzer.AnalyzeDataResponse: left at default / from --input',
        '',
      ].join('\n'),
    );
    expect(r.stdout.split('\n').slice(0, 8)).toEqual([
      'wrote out: pipeline "Energy Data Processing Pipeline", 4 nodes, 3 connections',
      '  blueprint.json',
      '  dockerinfo.json',
      '  generation_metadata.json',
      '  microservice/data_analyzer1.proto',
      '  microservice/data_generator1.proto',
      '  microservice/input_provider1.proto',
      '  microservice/report_generator1.proto',
    ]);
    expectConservativePackage(join(tmp.dir, 'out'), 'original_file_based');

    const json = await runCli(['export', 'original_file_based', 'out', '--overwrite', '--json'], { cwd: tmp.dir });
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { notes: string[] }).notes).toEqual(r.stderr.trim().split('\n'));

    const plan = await runCli(['orchestrate', 'out', '--plan'], { cwd: tmp.dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      [
        'links',
        '  input_provider1:GetConfiguration -> data_generator1:GenerateData  (mapped: num_records, output_format)',
        '  data_generator1:GenerateData -> data_analyzer1:AnalyzeData  (mapped: file_path; left at default / from --input: anomaly_threshold)',
        '  data_analyzer1:AnalyzeData -> report_generator1:GenerateReport  (mapped: analyzed_data_path; left at default / from --input: report_format)',
        '',
      ].join('\n'),
    );
  });

  it('double into float (the field added as the first error asked): a warning naming the field, not a refusal', async () => {
    const dir = copyUseCase('original_file_based');
    editFile(dir, 'services/data_generator/proto/data_generator.proto', (t) =>
      t.replace(
        '  int32 records_generated = 4;\n',
        '  int32 records_generated = 4;\n  double anomaly_threshold = 5;\n',
      ),
    );
    const r = await runCli(['export', 'original_file_based', 'out'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(
      'original_file_based/connections.json /pipeline/connections/1: data-generator.GenerateData -> data-analyzer.AnalyzeData: field "anomaly_threshold": double in the source, float expected: narrowed when passed on (values may lose precision or range)',
    );
    const plan = await runCli(['orchestrate', 'out', '--plan'], { cwd: tmp.dir });
    expect(plan.stdout).toContain(
      '  data_generator1:GenerateData -> data_analyzer1:AnalyzeData  (mapped: file_path, anomaly_threshold)\n',
    );
  });

  it('its pipeline runs against services that implement it: files through a shared folder, the threshold at its default', async () => {
    copyUseCase('original_file_based');
    const data = join(tmp.dir, 'data');
    mkdirSync(data);
    const { results, byContainer } = await exportAndRun('original_file_based', {
      input_provider1: {
        GetConfiguration: () => ({ success: true, message: 'configuration', num_records: 6, output_format: 'csv' }),
      },
      data_generator1: {
        GenerateData: (req) => {
          const rows = Array.from({ length: Number(req.num_records) }, (_, i) => `h${i},${i === 4 ? 9.5 : 1 + i / 10}`);
          const file = join(data, `energy.${String(req.output_format)}`);
          writeFileSync(file, ['household,kwh', ...rows].join('\n'));
          return { success: true, message: 'generated', file_path: file, records_generated: rows.length };
        },
      },
      data_analyzer1: {
        AnalyzeData: (req) => {
          // proto3: 0 means "not sent", so the service applies its own default, as the original's does.
          const threshold = Number(req.anomaly_threshold) || 5;
          const rows = readFileSync(String(req.file_path), 'utf8').split('\n').slice(1);
          const kwh = rows.map((row) => Number(row.split(',')[1]));
          const anomalies = kwh.filter((v) => v > threshold).length;
          const file = join(data, 'analyzed.csv');
          writeFileSync(file, rows.map((row, i) => `${row},${kwh[i]! > threshold}`).join('\n'));
          return {
            success: true,
            message: `threshold ${threshold}`,
            analyzed_data_path: file,
            total_records: rows.length,
            anomalies_detected: anomalies,
            average_efficiency: 0.5,
          };
        },
      },
      report_generator1: {
        GenerateReport: (req) => {
          const format = String(req.report_format) || 'json';
          const flagged = readFileSync(String(req.analyzed_data_path), 'utf8')
            .split('\n')
            .filter((row) => row.endsWith(',true'));
          const file = join(data, `report.${format}`);
          writeFileSync(file, JSON.stringify({ anomalies: flagged }));
          return { success: true, message: 'report', report_path: file, report_summary: `${flagged.length} anomaly` };
        },
      },
    });
    expect(results['report_generator1:GenerateReport']).toEqual({
      success: true,
      message: 'report',
      report_path: join(data, 'report.json'),
      report_summary: '1 anomaly',
    });
    expect(JSON.parse(readFileSync(join(data, 'report.json'), 'utf8'))).toEqual({ anomalies: ['h4,9.5,true'] });
    expect(byContainer.data_analyzer1!.calls.map((c) => c.request)).toEqual([
      { file_path: join(data, 'energy.csv'), anomaly_threshold: 0 },
    ]);
    expect(results['data_analyzer1:AnalyzeData']).toMatchObject({ message: 'threshold 5', total_records: 6 });
  });
});

/** The protobuf-based use case's records, as its data generator makes them. */
const record = (i: number) => ({
  timestamp: `2024-01-01T0${i}:00:00Z`,
  household_id: `h${i}`,
  power_consumption: i === 2 ? 12.5 : 1.5,
  voltage: 230,
  current: 2,
});

/** Services implementing the protobuf-based use case's protos (records as messages, common.proto's types). */
const PROTOBUF_SERVICES: Handlers = {
  input_provider1: { GetConfiguration: () => ({ success: true, message: 'configuration', num_records: 3 }) },
  data_generator1: {
    GenerateData: (req) => ({
      success: true,
      message: 'generated',
      records: Array.from({ length: Number(req.num_records) }, (_, i) => record(i)),
    }),
  },
  data_analyzer1: {
    AnalyzeData: (req) => {
      const threshold = Number(req.anomaly_threshold) || 10;
      const analyzed = (req.records as Record<string, number>[]).map((r) => ({
        original: r,
        efficiency_score: 0.9,
        is_anomaly: r.power_consumption! > threshold,
        anomaly_reason: r.power_consumption! > threshold ? `above ${threshold} kW` : '',
      }));
      return {
        success: true,
        message: 'analyzed',
        analyzed_records: analyzed,
        total_records: analyzed.length,
        anomalies_detected: analyzed.filter((a) => a.is_anomaly).length,
        average_efficiency: 0.9,
      };
    },
  },
  report_generator1: {
    GenerateReport: (req) => {
      const flagged = (req.analyzed_records as { original: { household_id: string }; is_anomaly: boolean }[])
        .filter((a) => a.is_anomaly)
        .map((a) => a.original.household_id);
      return {
        success: true,
        message: 'report',
        sections: [{ title: 'Anomalies', content: flagged }],
        summary: `${String(req.anomalies_detected)} of ${String(req.total_records)} records anomalous`,
      };
    },
  },
};

/** What that pipeline gives with PROTOBUF_SERVICES: one anomaly of three, the records passed on intact. */
function expectProtobufResults(results: Record<string, Message>, byContainer: Record<string, TestServer>): void {
  expect(results['report_generator1:GenerateReport']).toEqual({
    success: true,
    message: 'report',
    sections: [{ title: 'Anomalies', content: ['h2'] }],
    summary: '1 of 3 records anomalous',
  });
  const analyzed = byContainer.data_analyzer1!.calls[0]!.request as { records: unknown[]; anomaly_threshold: number };
  expect(analyzed.records).toEqual([0, 1, 2].map(record));
  expect(analyzed.anomaly_threshold).toBe(0);
}

describe('the protobuf-based use case (a shared common.proto several services import)', () => {
  const NOTE = (service: string) =>
    `original_protobuf_based/services/${service}/proto/${service}.proto:4:1: import "common.proto" taken from original_protobuf_based/shared/proto/common.proto, the only file of that path in the use case (shipped in the package)`;

  it('exports unmodified: the import found in shared/proto/, said in the output, shipped once', async () => {
    const dir = copyUseCase('original_protobuf_based');
    const r = await runCli(['export', 'original_protobuf_based', 'out', '--pipeline-id', 'pb'], {
      cwd: tmp.dir,
      env: PINNED,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      [
        NOTE('data_analyzer'),
        NOTE('data_generator'),
        NOTE('report_generator'),
        'original_protobuf_based/connections.json /pipeline/connections/1: data-generator.GenerateData -> data-analyzer.AnalyzeData: field "anomaly_threshold" of data_analyzer.AnalyzeDataRequest not in data_generator.GenerateDataResponse: left at default / from --input',
        '',
      ].join('\n'),
    );
    const out = join(tmp.dir, 'out');
    expect(listFiles(out)).toEqual([
      'blueprint.json',
      'dockerinfo.json',
      'generation_metadata.json',
      'microservice/common.proto',
      'microservice/data_analyzer1.proto',
      'microservice/data_generator1.proto',
      'microservice/input_provider1.proto',
      'microservice/report_generator1.proto',
    ]);
    expect(readFileSync(join(out, 'microservice/common.proto'), 'utf8')).toBe(
      readFileSync(join(dir, 'shared/proto/common.proto'), 'utf8'),
    );
    expectConservativePackage(out, 'original_protobuf_based');
    // The package is self-contained: it plans, and it composes into a file Docker Compose's own parser accepts.
    const plan = await runCli(['orchestrate', 'out', '--plan'], { cwd: tmp.dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      'pipeline Protobuf-Based Energy Data Processing Pipeline: 4 nodes, 3 links, 4 levels',
    );
    const compose = await runCli(['compose', 'out'], { cwd: tmp.dir });
    expect(compose.code).toBe(0);
    const check = spawnSync('docker-compose', ['-f', join(out, 'docker-compose.yml'), 'config', '-q'], {
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    // The picture of the use case finds the import the same way.
    const graph = await runCli(['graph', 'original_protobuf_based'], { cwd: tmp.dir });
    expect(graph.code).toBe(0);
  });

  it('--proto-path (repeatable, like protoc -I) is looked in before the use case, and says nothing', async () => {
    const dir = copyUseCase('original_protobuf_based');
    mkdirSync(join(tmp.dir, 'protos', 'v2'), { recursive: true });
    renameSync(join(dir, 'shared/proto/common.proto'), join(tmp.dir, 'protos/v2/common.proto'));
    const r = await runCli(
      ['export', 'original_protobuf_based', 'out', '--proto-path', 'protos', '--proto-path', 'protos/v2'],
      { cwd: tmp.dir },
    );
    expect(r.stderr).not.toContain('common.proto');
    expect(r.code).toBe(0);
    expect(readFileSync(join(tmp.dir, 'out/microservice/common.proto'), 'utf8')).toBe(
      readFileSync(join(tmp.dir, 'protos/v2/common.proto'), 'utf8'),
    );
    const missing = await runCli(['export', 'original_protobuf_based', 'out2', '--proto-path', 'nowhere'], {
      cwd: tmp.dir,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'error --proto-path nowhere: no such folder\n  hint: give a folder holding imported .proto files, as for protoc -I\n',
    );
  });

  it('its pipeline runs against services that implement it: records passed as messages, common types intact', async () => {
    copyUseCase('original_protobuf_based');
    const { results, byContainer } = await exportAndRun('original_protobuf_based', PROTOBUF_SERVICES);
    expectProtobufResults(results, byContainer);
  });

  it('run and graph take --proto-path as export does: the shared proto moved out of the use case', async () => {
    const dir = copyUseCase('original_protobuf_based');
    const drawn = await runCli(['graph', 'original_protobuf_based'], { cwd: tmp.dir });
    expect(drawn.code).toBe(0);
    mkdirSync(join(tmp.dir, 'protos'));
    renameSync(join(dir, 'shared/proto/common.proto'), join(tmp.dir, 'protos/common.proto'));
    rmSync(join(dir, 'shared'), { recursive: true });

    const lost = await runCli(['graph', 'original_protobuf_based'], { cwd: tmp.dir });
    expect(lost.code).toBe(1);
    expect(lost.stderr.split('\n')[0]).toBe(
      'error original_protobuf_based/services/data_analyzer/proto/data_analyzer.proto:4:1: import "common.proto" not found (looked in original_protobuf_based/services/data_analyzer/proto, the use case)',
    );
    const found = await runCli(['graph', 'original_protobuf_based', '--proto-path', 'protos'], { cwd: tmp.dir });
    expect(found.stderr).toBe('');
    expect(found.stdout).toBe(drawn.stdout);

    const { results, byContainer } = await exportAndRun('original_protobuf_based', PROTOBUF_SERVICES, {
      with: 'run',
      protoPaths: ['protos'],
    });
    expectProtobufResults(results, byContainer);

    const usage = async (args: string[], lines: string[]) => {
      const r = await runCli(args, { cwd: tmp.dir });
      expect(r.stderr).toBe([...lines, ''].join('\n'));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    };
    const nowhere = [
      'error --proto-path nowhere: no such folder',
      '  hint: give a folder holding imported .proto files, as for protoc -I',
    ];
    await usage(['run', 'original_protobuf_based', '--proto-path', 'nowhere'], nowhere);
    await usage(['graph', 'original_protobuf_based', '--proto-path', 'nowhere'], nowhere);
    await usage(
      ['graph', 'pkg', '--proto-path', 'protos'],
      [
        'error --proto-path: pkg is an export package, which ships its imports',
        '  hint: --proto-path is for a use case folder; drop it, or give the use case',
      ],
    );
  });
});

describe('at the edge of export: names and files (exit 1, one line naming the offender, nothing written)', () => {
  async function refused(dir: string, stderr: string[], args: string[] = []): Promise<void> {
    const before = listFiles(tmp.dir);
    const r = await runCli(['export', dir, 'out', ...args], { cwd: tmp.dir });
    expect(r.stderr).toBe([...stderr, ''].join('\n'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(listFiles(tmp.dir)).toEqual(before);
  }

  /** The file-based use case with its data-generator service renamed in docker-compose.yml and connections.json. */
  function renameService(name: string): void {
    const dir = copyUseCase('original_file_based');
    editFile(dir, 'docker-compose.yml', (t) => t.replace('  data-generator:\n', `  ${JSON.stringify(name)}:\n`));
    editFile(dir, 'connections.json', (t) => t.replaceAll('"data-generator"', JSON.stringify(name)));
  }

  const SERVICE_HINT = '  hint: rename the service in docker-compose.yml (and in connections.json)';
  it.each([
    ['a ";"', 'gen;rm -rf ~', 'allowed: letters, digits, ".", "_" and "-"'],
    ['"$(...)"', '$(id)', 'allowed: letters, digits, ".", "_" and "-"'],
    ['a space', 'data generator', 'allowed: letters, digits, ".", "_" and "-"'],
    ['non-ASCII', 'dätä-generator', 'allowed: letters, digits, ".", "_" and "-"'],
    ['a "/"', 'data/generator', 'allowed: letters, digits, ".", "_" and "-"'],
    [
      'over-long',
      `g${'e'.repeat(63)}`,
      'it is the address in dockerinfo.json, so it must be a host name: labels of letters, digits, "-" and "_", at most 63 characters each',
    ],
  ])('a compose service name with %s', async (_, name, why) => {
    renameService(name);
    const pointer = `/services/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    await refused('original_file_based', [
      `error original_file_based/docker-compose.yml ${pointer}: service name ${JSON.stringify(name)} cannot be exported (${why})`,
      SERVICE_HINT,
    ]);
  });

  it('a compose service name with capitals gives an image name Docker refuses', async () => {
    renameService('Data-Generator');
    await refused('original_file_based', [
      'error original_file_based/docker-compose.yml /services/Data-Generator: service "Data-Generator" gives the image name "original_file_based-Data-Generator:latest", which is not a valid Docker image name (image names must be lowercase)',
      '  hint: rename the service (or the use case folder): lowercase letters, digits, "_" and "-"',
    ]);
  });

  it.each([
    ['a space', 'data generator'],
    ['a ";"', 'gen;x'],
    ['non-ASCII', 'dätä'],
    ['a leading "-"', '-gen'],
  ])('a services/ folder whose name gives an invalid container name: %s', async (_, folder) => {
    const dir = copyUseCase('original_file_based');
    renameSync(join(dir, 'services/data_generator'), join(dir, 'services', folder));
    editFile(dir, 'docker-compose.yml', (t) => t.replace('services/data_generator/', `services/${folder}/`));
    await refused('original_file_based', [
      `error original_file_based/services/${folder}: the folder name gives the container name "${folder}1", which is not a valid Docker container name (allowed: letters, digits, ".", "_" and "-", starting with a letter or digit)`,
      '  hint: rename the folder: letters, digits, "_", "." and "-", starting with a letter or digit',
    ]);
  });

  it('an import reached through a link leading outside the use case', async () => {
    const dir = copyUseCase('original_protobuf_based');
    mkdirSync(join(tmp.dir, 'elsewhere'));
    renameSync(join(dir, 'shared/proto/common.proto'), join(tmp.dir, 'elsewhere/common.proto'));
    symlinkSync(join(tmp.dir, 'elsewhere/common.proto'), join(dir, 'services/data_analyzer/proto/common.proto'));
    await refused('original_protobuf_based', [
      `error original_protobuf_based/services/data_analyzer/proto/data_analyzer.proto:4:1: import "common.proto" leads to elsewhere/common.proto, outside the use case`,
      '  hint: a package holds only files of the use case (and of --proto-path folders): copy the file in, or give its folder with --proto-path',
    ]);
  });

  it('an import resolving outside (a ".." path), which protoc refuses too', async () => {
    const dir = copyUseCase('original_protobuf_based');
    editFile(dir, 'services/data_analyzer/proto/data_analyzer.proto', (t) =>
      t.replace('import "common.proto";', 'import "../../../shared/proto/common.proto";'),
    );
    await refused('original_protobuf_based', [
      'error original_protobuf_based/services/data_analyzer/proto/data_analyzer.proto:4:1: import "../../../shared/proto/common.proto" must be a path inside the proto folder (no "..", not absolute)',
      '  hint: fix the .proto file (protoc reports the same place)',
    ]);
  });

  it('several files of the imported path in the use case: an error listing them', async () => {
    const dir = copyUseCase('original_protobuf_based');
    mkdirSync(join(dir, 'shared/proto_v1'));
    cpSync(join(dir, 'shared/proto/common.proto'), join(dir, 'shared/proto_v1/common.proto'));
    await refused('original_protobuf_based', [
      'error original_protobuf_based/services/data_analyzer/proto/data_analyzer.proto:4:1: import "common.proto" is not in original_protobuf_based/services/data_analyzer/proto, and 2 files of the use case have that path: shared/proto/common.proto, shared/proto_v1/common.proto',
      '  hint: give the folder of the one to use with --proto-path, e.g. --proto-path original_protobuf_based/shared/proto',
    ]);
  });

  it('an import cycle, named file by file', async () => {
    const dir = copyUseCase('original_protobuf_based');
    editFile(dir, 'shared/proto/common.proto', (t) =>
      t.replace('package common;', 'package common;\nimport "units.proto";'),
    );
    writeFileSync(join(dir, 'shared/proto/units.proto'), 'syntax = "proto3";\nimport "common.proto";\n');
    await refused('original_protobuf_based', [
      'error original_protobuf_based/shared/proto/units.proto:2:1: import "common.proto" closes a cycle: original_protobuf_based/shared/proto/common.proto -> original_protobuf_based/shared/proto/units.proto -> original_protobuf_based/shared/proto/common.proto',
      '  hint: protoc refuses circular imports too: move what both need into a third file',
    ]);
  });
});
