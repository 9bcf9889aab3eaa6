import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blueprintMessageName, loadProto, messageType } from '../../src/proto/inspect.js';
import { sharedFixtures, tempDir } from '../helpers/cli.js';
import { energyFixture } from '../helpers/usecase-fixture.js';
import { userError } from '../helpers/user-error.js';

const protoOf = (folder: string) => join(energyFixture, 'services', folder, 'proto', `${folder}.proto`);

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Writes files into a fresh temp folder and returns the path of the first one. */
function protoFiles(files: Record<string, string>): string {
  const t = tempDir('aieffect-proto-');
  cleanups.push(t.cleanup);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(t.dir, name, '..'), { recursive: true });
    writeFileSync(join(t.dir, name), text);
  }
  return join(t.dir, Object.keys(files)[0]!);
}

describe('loadProto', () => {
  it('reads services, rpcs and package-qualified types across multi-line declarations, comments and options', () => {
    const info = loadProto(protoOf('data_generator'));
    expect(info.package).toBe('energy');
    expect(info.services).toEqual([
      {
        name: 'DataGenerator',
        fullName: 'energy.DataGenerator',
        rpcs: [
          {
            name: 'GenerateData',
            requestType: 'energy.GenerateRequest',
            responseType: 'energy.DataBatch',
            requestStream: false,
            responseStream: false,
          },
        ],
      },
    ]);
  });

  it('lists the proto and its imports (well-known types excluded), with import paths relative to its folder', () => {
    const info = loadProto(protoOf('data_generator'));
    const dir = join(energyFixture, 'services', 'data_generator', 'proto');
    expect(info.files).toEqual([join(dir, 'common', 'types.proto'), join(dir, 'data_generator.proto')]);
    expect(info.imports).toEqual([{ file: join(dir, 'common', 'types.proto'), importPath: 'common/types.proto' }]);
    // Types from the import and from google/protobuf are resolved in the root.
    const batch = messageType(info, 'energy.DataBatch');
    expect(batch.fields.readings!.resolvedType!.fullName).toBe('.energy.common.Reading');
    expect(batch.fields.generated_at!.resolvedType!.fullName).toBe('.google.protobuf.Timestamp');
  });

  it('reads stream flags on either side and well-known request types', () => {
    const analyzer = loadProto(protoOf('data_analyzer'));
    expect(analyzer.services[0]!.rpcs.map((r) => [r.name, r.requestType, r.requestStream, r.responseStream])).toEqual([
      ['AnalyzeData', 'energy.DataBatch', false, false],
      ['WatchAnomalies', 'energy.DataBatch', false, true],
      ['Health', 'google.protobuf.Empty', false, false],
    ]);
    const report = loadProto(protoOf('report_generator'));
    expect(report.services[0]!.rpcs[0]).toMatchObject({ requestType: 'report.AnalysisResult', requestStream: true });
    expect(messageType(report, 'report.AnalysisResult.Summary').fieldsArray.map((f) => f.name)).toEqual([
      'mean_kwh',
      'max_kwh',
    ]);
  });

  it('resolves package-relative, nested and fully-qualified (leading dot) type names', () => {
    const file = protoFiles({
      'svc.proto': `syntax = "proto3";
package a.b;
message Outer { message Inner { string v = 1; } Inner inner = 1; }
service S {
  rpc One (.a.b.Outer) returns (Outer.Inner);
  rpc Two (stream Outer.Inner) returns (stream .a.b.Outer);
}
`,
    });
    const info = loadProto(file);
    expect(info.services[0]!.rpcs).toEqual([
      {
        name: 'One',
        requestType: 'a.b.Outer',
        responseType: 'a.b.Outer.Inner',
        requestStream: false,
        responseStream: false,
      },
      {
        name: 'Two',
        requestType: 'a.b.Outer.Inner',
        responseType: 'a.b.Outer',
        requestStream: true,
        responseStream: true,
      },
    ]);
    expect(blueprintMessageName(info, 'a.b.Outer.Inner')).toBe('Outer.Inner');
    expect(blueprintMessageName(info, 'google.protobuf.Empty')).toBe('google.protobuf.Empty');
  });

  it('loads the Graphene sudoku protos (no package, root namespace, streams)', () => {
    const dir = join(sharedFixtures, 'graphene-sudoku', 'microservice');
    const gui = loadProto(join(dir, 'sudoku-gui-stream1.proto'));
    expect(gui.package).toBeUndefined();
    expect(gui.services[0]!.rpcs).toEqual([
      {
        name: 'requestSudokuEvaluation',
        requestType: 'Empty',
        responseType: 'SudokuDesignEvaluationJob',
        requestStream: false,
        responseStream: true,
      },
      {
        name: 'processEvaluationResult',
        requestType: 'SudokuDesignEvaluationResult',
        responseType: 'Empty',
        requestStream: true,
        responseStream: false,
      },
    ]);
    const evaluator = loadProto(join(dir, 'sudoku-design-evaluator-stream1.proto'));
    expect(evaluator.services[0]!.rpcs.map((r) => r.name).sort()).toEqual([
      'callAnswersetSolver',
      'evaluateSudokuDesign',
      'receiveAnswersetSolverResult',
    ]);
    const solver = loadProto(join(dir, 'sudoku-aspsolver1.proto'));
    expect(solver.services[0]!.rpcs[0]).toMatchObject({ name: 'solve', requestType: 'SolverJob' });
    expect(solver.files).toEqual([join(dir, 'sudoku-aspsolver1.proto')]);
  });
});

describe('loadProto errors', () => {
  it('reports a missing semicolon with file, line and column', () => {
    const file = protoFiles({ 'a.proto': 'syntax = "proto3";\nmessage A {\n  string x = 1\n  int32 y = 2;\n}\n' });
    const err = userError(() => loadProto(file));
    expect(err.code).toBe('PROTO_SYNTAX');
    expect(err.message).toBe(`${file}:4:3: unexpected 'int32', ';' expected`);
  });

  it('reports a misspelt keyword', () => {
    const file = protoFiles({ 'a.proto': 'syntax = "proto3";\n\nmesage A {}\n' });
    expect(userError(() => loadProto(file)).message).toBe(`${file}:3:1: unexpected 'mesage'`);
  });

  it('reports a file that ends inside a declaration', () => {
    const file = protoFiles({ 'a.proto': 'syntax = "proto3";\nmessage A {\n  string x = 1;\n' });
    expect(userError(() => loadProto(file)).message).toBe(`${file}:3:16: unexpected end of file`);
  });

  it('reports a duplicate name at its second declaration', () => {
    const file = protoFiles({ 'a.proto': 'syntax = "proto3";\nmessage A {}\n\nmessage A {}\n' });
    expect(userError(() => loadProto(file)).message).toBe(`${file}:4:1: duplicate name 'A'`);
  });

  it('reports an unknown type where it is used', () => {
    const file = protoFiles({
      'a.proto': 'syntax = "proto3";\nmessage A {\n  Missing m = 1;\n}\nservice S {\n  rpc R (A) returns (Nope);\n}\n',
    });
    expect(userError(() => loadProto(file)).message).toBe(`${file}:3:3: unknown type "Missing" (field m of A)`);
  });

  it('reports an unknown rpc type where it is used', () => {
    const file = protoFiles({
      'a.proto': 'syntax = "proto3";\nmessage A {}\nservice S {\n  rpc R (A) returns (Nope);\n}\n',
    });
    expect(userError(() => loadProto(file)).message).toBe(`${file}:4:22: unknown message type "Nope" (rpc R)`);
  });

  it('reports a missing import, naming where it looked', () => {
    const file = protoFiles({ 'a.proto': 'syntax = "proto3";\nimport "common/gone.proto";\n' });
    const err = userError(() => loadProto(file));
    expect(err.code).toBe('PROTO_IMPORT_NOT_FOUND');
    expect(err.message).toBe(`${file}:2:1: import "common/gone.proto" not found (looked in ${join(file, '..')})`);
  });

  it('refuses imports that leave the proto folder', () => {
    const file = protoFiles({
      'p/a.proto': 'syntax = "proto3";\nimport "../b.proto";\n',
      'b.proto': 'syntax = "proto3";\n',
    });
    expect(userError(() => loadProto(file)).message).toBe(
      `${file}:2:1: import "../b.proto" must be a path inside the proto folder (no "..", not absolute)`,
    );
  });

  it('reports a syntax error inside an imported file at its own place', () => {
    const file = protoFiles({
      'a.proto': 'syntax = "proto3";\nimport "lib/b.proto";\nmessage A { lib.B b = 1; }\n',
      'lib/b.proto': 'syntax = "proto3";\npackage lib;\nmessage B { string s = 1 }\n',
    });
    expect(userError(() => loadProto(file)).message).toBe(
      `${join(file, '..', 'lib', 'b.proto')}:3:26: unexpected '}', ';' expected`,
    );
  });
});
