import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPipelineGraph } from '../../src/graph/index.js';
import {
  buildExport,
  checkOutputDir,
  checkPipelineId,
  creationDate,
  exportUseCase,
} from '../../src/platform/export.js';
import { loadPackage, nodeProtoPath } from '../../src/platform/read.js';
import { loadRuntimeProto, resolveOperation } from '../../src/proto/runtime.js';
import { loadUseCase } from '../../src/usecase/load.js';
import { listFiles } from '../helpers/cli.js';
import {
  ANALYZE,
  GENERATE,
  editFile,
  energyFixture,
  setConnections,
  ENERGY_EXPORT_FILES,
  useCaseCopies,
  userRejection,
} from '../helpers/usecase-fixture.js';
import { userError } from '../helpers/user-error.js';

const copy = useCaseCopies();

const DATE = '2023-11-14T22:13:20Z';

describe('buildExport', () => {
  it('puts connected_to on the operation named by from_method only', () => {
    const { blueprint } = buildExport(loadUseCase(energyFixture), 'id-1', DATE, '/tmp/out');
    const analyzer = blueprint.nodes.find((n) => n.container_name === 'data_analyzer1')!;
    expect(
      analyzer.operation_signature_list.map((o) => [o.operation_signature.operation_name, o.connected_to]),
    ).toEqual([
      [
        'AnalyzeData',
        [{ container_name: 'report_generator1', operation_signature: { operation_name: 'GenerateReport' } }],
      ],
      ['WatchAnomalies', []],
      ['Health', []],
    ]);
  });

  it('is deterministic: same use case, id and date give the same bytes', () => {
    const a = buildExport(loadUseCase(energyFixture), 'id-1', DATE, '/tmp/out');
    const b = buildExport(loadUseCase(energyFixture), 'id-1', DATE, '/tmp/out');
    expect([...a.files.keys()]).toEqual(ENERGY_EXPORT_FILES);
    for (const [path, content] of a.files) expect(b.files.get(path)).toEqual(content);
  });

  it('refuses two different imports that would land on one path', () => {
    const { dir } = copy();
    editFile(dir, 'services/data_analyzer/proto/common/types.proto', (t) => `// the analyzer's copy\n${t}`);
    const err = userError(() => buildExport(loadUseCase(dir), 'id-1', DATE, '/tmp/out'));
    expect(err.code).toBe('PROTO_PATH_CONFLICT');
    expect(err.message).toBe(
      `microservice/common/types.proto: ${dir}/services/data_analyzer/proto/common/types.proto and ${dir}/services/data_generator/proto/common/types.proto would both be exported there, and they differ`,
    );
  });
});

describe('creationDate and checkPipelineId', () => {
  it('prefers the given date, then SOURCE_DATE_EPOCH, in whole seconds', () => {
    expect(creationDate(new Date('2024-02-03T04:05:06.789Z'), {})).toBe('2024-02-03T04:05:06Z');
    expect(creationDate(undefined, { SOURCE_DATE_EPOCH: '1700000000' })).toBe(DATE);
    expect(creationDate(undefined, {})).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('rejects a malformed SOURCE_DATE_EPOCH and pipeline id as usage errors', () => {
    expect(() => creationDate(undefined, { SOURCE_DATE_EPOCH: 'yesterday' })).toThrow(
      'SOURCE_DATE_EPOCH: expected a whole number of seconds since 1970-01-01, got "yesterday"',
    );
    expect(checkPipelineId('energy-v1.2:x_y')).toBe('energy-v1.2:x_y');
    const err = userError(() => checkPipelineId('has space'));
    expect(err.exit).toBe(2);
    expect(err.message).toBe(
      '--pipeline-id "has space": expected 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    );
  });
});

describe('checkOutputDir', () => {
  it('refuses the file system root and folders that are or contain the use case (exit 2)', () => {
    const { root, dir } = copy();
    for (const [out, message] of [
      ['/', '/: refusing to write an export package to the file system root'],
      [dir, `${dir}: refusing to write the export package there: it is the use case folder`],
      [root, `${root}: refusing to write the export package there: it contains the use case folder ${dir}`],
    ] as const) {
      const err = userError(() => checkOutputDir(dir, out, true));
      expect(err.code).toBe('REFUSED_OUTPUT');
      expect(err.exit).toBe(2);
      expect(err.message).toBe(message);
    }
  });

  it('sees through a symlink to the use case', () => {
    const { root, dir } = copy();
    symlinkSync(dir, join(root, 'link'));
    expect(() => checkOutputDir(dir, join(root, 'link'), true)).toThrow('it is the use case folder');
  });

  it('accepts a new folder, and an existing one only with overwrite when it is empty or an export package', () => {
    const { root, dir } = copy();
    expect(checkOutputDir(dir, join(root, 'out', 'deep'), false)).toEqual({ replaced: false });
    mkdirSync(join(root, 'out'));
    expect(() => checkOutputDir(dir, join(root, 'out'), false)).toThrow(`${root}/out: already exists`);
    expect(checkOutputDir(dir, join(root, 'out'), true)).toEqual({ replaced: true });
    writeFileSync(join(root, 'out', 'notes.txt'), 'mine');
    expect(() => checkOutputDir(dir, join(root, 'out'), true)).toThrow(
      `${root}/out: not replacing it: it is not empty and holds no blueprint.json, so it is no export package`,
    );
    writeFileSync(join(root, 'file'), '');
    expect(() => checkOutputDir(dir, join(root, 'file'), true)).toThrow(`${root}/file: exists and is not a folder`);
  });
});

describe('exportUseCase', () => {
  it('writes a package that the platform reader, the graph and the runtime proto loader accept', async () => {
    const { root, dir } = copy();
    const out = join(root, 'export');
    const summary = await exportUseCase(dir, out, { pipelineId: 'energy-v1', now: new Date(DATE) });
    expect(summary).toMatchObject({
      outDir: out,
      pipelineId: 'energy-v1',
      pipelineName: 'energy-pipeline',
      creationDate: DATE,
      replaced: false,
      connections: 2,
    });
    expect(listFiles(out)).toEqual(summary.files);
    const pkg = loadPackage(out);
    const graph = buildPipelineGraph(pkg.blueprint);
    expect(graph.edges).toEqual([
      { from: 'data_analyzer1:AnalyzeData', to: 'report_generator1:GenerateReport' },
      { from: 'data_generator1:GenerateData', to: 'data_analyzer1:AnalyzeData' },
    ]);
    for (const node of pkg.blueprint.nodes) {
      const proto = loadRuntimeProto(nodeProtoPath(pkg, node));
      for (const op of node.operation_signature_list) {
        const resolved = resolveOperation(proto, node.container_name, op.operation_signature.operation_name);
        expect(resolved.requestStream).toBe(op.operation_signature.input_message_stream);
        expect(resolved.responseStream).toBe(op.operation_signature.output_message_stream);
      }
    }
  });

  it('writes nothing when the use case is wrong, and keeps the old package on a failed --overwrite', async () => {
    const { root, dir } = copy();
    const out = join(root, 'export');
    await exportUseCase(dir, out, { pipelineId: 'first', now: new Date(DATE) });
    const before = readFileSync(join(out, 'blueprint.json'), 'utf8');
    setConnections(dir, [GENERATE, { ...ANALYZE, to_method: 'Nope' }]);
    const err = await userRejection(exportUseCase(dir, out, { overwrite: true, pipelineId: 'second' }));
    expect(err.code).toBe('UNKNOWN_METHOD');
    expect(readFileSync(join(out, 'blueprint.json'), 'utf8')).toBe(before);
    expect(listFiles(root).filter((f) => !f.startsWith('energy_pipeline/') && !f.startsWith('export/'))).toEqual([]);
    expect(existsSync(join(root, 'never'))).toBe(false);
    expect((await userRejection(exportUseCase(dir, join(root, 'never'), {}))).code).toBe('UNKNOWN_METHOD');
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});
