import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadUseCase } from '../../src/usecase/load.js';
import {
  ANALYZE,
  GENERATE,
  editFile,
  energyFixture,
  setConnections,
  useCaseCopies,
} from '../helpers/usecase-fixture.js';
import { userError } from '../helpers/user-error.js';

const copyCase = useCaseCopies();
const copy = (): string => copyCase().dir;

const errorOf = (dir: string) => userError(() => loadUseCase(dir));

describe('loadUseCase', () => {
  it('maps each services/<folder> to its compose service through build.dockerfile', () => {
    const uc = loadUseCase(energyFixture);
    expect(uc.name).toBe('energy_pipeline');
    expect(uc.project).toBe('energy_pipeline');
    expect(uc.pipeline).toEqual({
      name: 'energy-pipeline',
      description: 'Generate energy readings, flag anomalies, write a report.',
      startService: 'data-generator',
    });
    expect(
      uc.services.map((s) => [s.folder, s.composeService, s.containerName, s.image, s.rpcs.map((r) => r.name)]),
    ).toEqual([
      [
        'data_analyzer',
        'data-analyzer',
        'data_analyzer1',
        'energy_pipeline-data-analyzer:latest',
        ['AnalyzeData', 'WatchAnomalies', 'Health'],
      ],
      [
        'data_generator',
        'data-generator',
        'data_generator1',
        'energy_pipeline-data-generator:latest',
        ['GenerateData'],
      ],
      [
        'report_generator',
        'report-generator',
        'report_generator1',
        'energy_pipeline-report-generator:latest',
        ['GenerateReport'],
      ],
    ]);
    expect(uc.connections).toEqual([ANALYZE, GENERATE]);
    expect(uc.unusedFolders).toEqual([]);
  });

  it('skips a services/ folder that no compose service is built from', () => {
    const dir = copy();
    mkdirSync(join(dir, 'services', 'shared_lib'));
    expect(loadUseCase(dir).unusedFolders).toEqual(['shared_lib']);
  });

  it('accepts a use case without connections', () => {
    const dir = copy();
    setConnections(dir, []);
    expect(loadUseCase(dir).connections).toEqual([]);
  });
});

describe('loadUseCase errors', () => {
  it('unknown service: a folder name instead of the compose name', () => {
    const dir = copy();
    setConnections(dir, [{ ...GENERATE, to_service: 'data_analyzer' }]);
    const err = errorOf(dir);
    expect(err.code).toBe('UNKNOWN_SERVICE');
    expect(err.message).toBe(
      `${dir}/connections.json /pipeline/connections/0/to_service: unknown service "data_analyzer" (pipeline services: data-analyzer, data-generator, report-generator)`,
    );
    expect(err.hint).toBe(
      '"data_analyzer" is a folder name; connections.json uses docker-compose.yml service names: "data-analyzer"',
    );
  });

  it('unknown service: a compose service that is no pipeline node', () => {
    const dir = copy();
    setConnections(dir, [{ ...GENERATE, from_service: 'cache' }]);
    const err = errorOf(dir);
    expect(err.message).toBe(
      `${dir}/connections.json /pipeline/connections/0/from_service: unknown service "cache" (pipeline services: data-analyzer, data-generator, report-generator)`,
    );
    expect(err.hint).toBe(
      '"cache" is in docker-compose.yml but not built from a services/<folder>, so it is no pipeline node',
    );
  });

  it('unknown start_service', () => {
    const dir = copy();
    editFile(dir, 'connections.json', (t) =>
      t.replace('"start_service": "data-generator"', '"start_service": "generator"'),
    );
    expect(errorOf(dir).message).toBe(
      `${dir}/connections.json /pipeline/start_service: unknown service "generator" (pipeline services: data-analyzer, data-generator, report-generator)`,
    );
  });

  it('unknown method, naming the rpcs that exist', () => {
    const dir = copy();
    setConnections(dir, [GENERATE, { ...ANALYZE, from_method: 'analyzeData' }]);
    const err = errorOf(dir);
    expect(err.code).toBe('UNKNOWN_METHOD');
    expect(err.message).toBe(
      `${dir}/connections.json /pipeline/connections/1/from_method: data-analyzer has no rpc "analyzeData" (its rpcs: AnalyzeData, WatchAnomalies, Health)`,
    );
  });

  it('a services/ folder where no proto declares a service', () => {
    const dir = copy();
    rmSync(join(dir, 'services', 'report_generator', 'proto', 'report_generator.proto'));
    writeFileSync(
      join(dir, 'services', 'report_generator', 'proto', 'types.proto'),
      'syntax = "proto3";\nmessage T {}\n',
    );
    const err = errorOf(dir);
    expect(err.code).toBe('NO_SERVICE_PROTO');
    expect(err.message).toBe(
      `${dir}/services/report_generator/proto: no .proto file declares a service (found: types.proto)`,
    );
  });

  it('a services/ folder without a proto folder', () => {
    const dir = copy();
    rmSync(join(dir, 'services', 'report_generator', 'proto'), { recursive: true });
    expect(errorOf(dir).message).toBe(
      `${dir}/services/report_generator/proto: no such folder, so no .proto declares the service of report_generator`,
    );
  });

  it('a services/ folder where two protos declare a service', () => {
    const dir = copy();
    writeFileSync(
      join(dir, 'services', 'data_generator', 'proto', 'admin.proto'),
      'syntax = "proto3";\nmessage E {}\nservice Admin { rpc Ping (E) returns (E); }\n',
    );
    const err = errorOf(dir);
    expect(err.code).toBe('MULTIPLE_SERVICE_PROTOS');
    expect(err.message).toBe(
      `${dir}/services/data_generator/proto: 2 .proto files declare a service (admin.proto, data_generator.proto); one service proto per folder`,
    );
  });

  it('two compose services built from one folder', () => {
    const dir = copy();
    editFile(dir, 'docker-compose.yml', (t) =>
      t.replace('  cache:\n    image: redis:7', '  data-generator-2:\n    build: ./services/data_generator'),
    );
    const err = errorOf(dir);
    expect(err.code).toBe('FOLDER_MAPPED_TWICE');
    expect(err.message).toBe(
      `${dir}/docker-compose.yml: services "data-generator" and "data-generator-2" are both built from services/data_generator; each service folder is one pipeline node`,
    );
  });

  it('incompatible messages, field by field', () => {
    const dir = copy();
    editFile(dir, 'services/data_analyzer/proto/data_analyzer.proto', (t) =>
      t.replace('  int64 record_count = 2;', '  string record_count = 2;\n  bool strict = 4;'),
    );
    const err = errorOf(dir);
    expect(err.code).toBe('INCOMPATIBLE_MESSAGES');
    expect(err.message).toBe(
      `${dir}/connections.json /pipeline/connections/1: data-generator.GenerateData returns energy.DataBatch, which data-analyzer.AnalyzeData cannot take as energy.DataBatch: field "record_count": int32 in the source, string expected`,
    );
    // Only what cannot be carried: the field the source lacks is no error.
    expect(err.details).toEqual({
      mismatches: [{ field: 'record_count', reason: 'int32 in the source, string expected', severity: 'error' }],
    });
  });

  it('a target field the source lacks, a narrowed number, no field in common: notes, not errors', () => {
    const dir = copy();
    editFile(dir, 'services/data_analyzer/proto/data_analyzer.proto', (t) =>
      t.replace(
        '  int64 record_count = 2;',
        '  float record_count = 2;\n  double threshold = 14;\n  bool strict = 15;',
      ),
    );
    const link = `${dir}/connections.json /pipeline/connections/1: data-generator.GenerateData -> data-analyzer.AnalyzeData`;
    expect(loadUseCase(dir).notes).toEqual([
      `${link}: field "record_count": int32 in the source, float expected: narrowed when passed on (values may lose precision or range)`,
      `${link}: fields "threshold", "strict" of energy.DataBatch not in energy.DataBatch: left at default / from --input`,
    ]);
    editFile(dir, 'services/data_analyzer/proto/data_analyzer.proto', (t) =>
      t.replace(/message DataBatch \{[^}]*\}/, 'message DataBatch {\n  string path = 1;\n  bool strict = 2;\n}'),
    );
    expect(loadUseCase(dir).notes).toEqual([
      `${link}: energy.DataBatch and energy.DataBatch have no field in common, so every field of energy.DataBatch is left at default / from --input`,
    ]);
  });

  it('a cycle of unary rpcs among connections, with its path', () => {
    const dir = copy();
    setConnections(dir, [
      GENERATE,
      {
        from_service: 'data-analyzer',
        from_method: 'AnalyzeData',
        to_service: 'data-generator',
        to_method: 'GenerateData',
      },
    ]);
    const err = errorOf(dir);
    expect(err.code).toBe('CONNECTION_CYCLE');
    expect(err.message).toBe(
      `${dir}/connections.json /pipeline/connections/1: the connections form a cycle without a streaming rpc: data-generator.GenerateData -> data-analyzer.AnalyzeData -> data-generator.GenerateData`,
    );
  });

  it('accepts a cycle broken by a streaming rpc', () => {
    const dir = copy();
    editFile(dir, 'services/data_analyzer/proto/data_analyzer.proto', (t) =>
      t.replace(
        'service DataAnalyzer {',
        'service DataAnalyzer {\n  rpc Refine(stream DataBatch) returns (stream DataBatch);',
      ),
    );
    const refine = {
      from_service: 'data-analyzer',
      from_method: 'Refine',
      to_service: 'data-analyzer',
      to_method: 'Refine',
    };
    setConnections(dir, [GENERATE, ANALYZE, { ...GENERATE, to_method: 'Refine' }, refine]);
    const useCase = loadUseCase(dir);
    expect(useCase.connections).toHaveLength(4);
  });

  it('an operation connected to itself is a cycle', () => {
    const dir = copy();
    setConnections(dir, [{ ...ANALYZE, to_service: 'data-analyzer', to_method: 'AnalyzeData' }]);
    expect(errorOf(dir).message).toBe(
      `${dir}/connections.json /pipeline/connections/0: the connections form a cycle without a streaming rpc: data-analyzer.AnalyzeData -> data-analyzer.AnalyzeData`,
    );
  });

  it('a repeated connection', () => {
    const dir = copy();
    setConnections(dir, [GENERATE, ANALYZE, GENERATE]);
    const err = errorOf(dir);
    expect(err.code).toBe('DUPLICATE_CONNECTION');
    expect(err.message).toBe(
      `${dir}/connections.json /pipeline/connections/2: repeats /pipeline/connections/0 (data-generator.GenerateData -> data-analyzer.AnalyzeData)`,
    );
  });

  it('connections.json missing, with a JSON syntax error, or against its schema', () => {
    const dir = copy();
    renameSync(join(dir, 'connections.json'), join(dir, 'connections.txt'));
    expect(errorOf(dir).message).toBe(`${dir}/connections.json: file not found`);
    writeFileSync(join(dir, 'connections.json'), '{\n  "pipeline": {\n    "name": "x",\n    "connections": [}\n}\n');
    expect(errorOf(dir).message).toBe(`${dir}/connections.json: invalid JSON at line 4, column 21: unexpected "}"`);
    writeFileSync(join(dir, 'connections.json'), '{"pipeline": {"name": "x", "connections": [{"from_service": "a"}]}}');
    expect(errorOf(dir).message).toBe(
      `${dir}/connections.json /pipeline/connections/0: missing required property "from_method"`,
    );
  });

  it('a proto syntax error', () => {
    const dir = copy();
    editFile(dir, 'services/data_generator/proto/data_generator.proto', (t) =>
      t.replace('int32 num_records = 1;', 'int32 num_records = 1'),
    );
    const err = errorOf(dir);
    expect(err.code).toBe('PROTO_SYNTAX');
    expect(err.message).toBe(
      `${dir}/services/data_generator/proto/data_generator.proto:13:3: unexpected 'string', ';' expected`,
    );
  });

  it('a missing use case folder or services/ folder', () => {
    const dir = copy();
    expect(errorOf(join(dir, 'nope')).message).toBe(`${join(dir, 'nope')}: no such directory`);
    rmSync(join(dir, 'services'), { recursive: true });
    expect(errorOf(dir).message).toBe(`${dir}/services: no such folder`);
  });
});
