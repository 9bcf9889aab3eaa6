// Corpus rows of `aieffect export` (the harness and what each row asserts: ./corpus.ts).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fullFileSystem,
  listed,
  mountFaultsUnavailable,
  permissionDenied,
  readOnlyFileSystem,
} from '../helpers/fs-faults.js';
import { expect } from 'vitest';
import { corpus } from './corpus.js';
import { edit, useCase, write } from './fixtures.js';

const LONG = 'g'.repeat(250);

corpus('export', [
  { name: 'no such use case folder', args: ['export', 'nope', 'out'], exit: 1, message: 'nope: no such directory' },
  {
    name: 'a use case without docker-compose.yml',
    setup: (ctx) => mkdirSync(join(ctx.dir, 'uc')),
    args: ['export', 'uc', 'out'],
    exit: 1,
    message: 'uc: no compose file (compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml)',
  },
  {
    name: 'connections.json with a syntax error',
    setup: (ctx) => (useCase(ctx), edit(ctx, 'uc/connections.json', (t) => t.replace('"name"', '"name" "x",'))),
    args: ['export', 'uc', 'out'],
    exit: 1,
    message: 'uc/connections.json: invalid JSON at line 3, column 12: unexpected "\\"", expected ":"',
  },
  {
    name: 'connections.json naming a folder instead of a service',
    setup: (ctx) => (
      useCase(ctx),
      edit(ctx, 'uc/connections.json', (t) =>
        t.replace('"to_service": "report-generator"', '"to_service": "report_generator"'),
      )
    ),
    args: ['export', 'uc', 'out'],
    exit: 1,
    message:
      'uc/connections.json /pipeline/connections/0/to_service: unknown service "report_generator" (pipeline services: data-analyzer, data-generator, report-generator)',
  },
  {
    name: 'connections.json naming an rpc the proto lacks',
    setup: (ctx) => (
      useCase(ctx),
      edit(ctx, 'uc/connections.json', (t) => t.replace('"to_method": "GenerateReport"', '"to_method": "MakeReport"'))
    ),
    args: ['export', 'uc', 'out'],
    exit: 1,
    message:
      'uc/connections.json /pipeline/connections/0/to_method: report-generator has no rpc "MakeReport" (its rpcs: GenerateReport)',
  },
  {
    name: 'a connection whose messages do not fit',
    setup: (ctx) => (
      useCase(ctx),
      edit(ctx, 'uc/services/report_generator/proto/report_generator.proto', (t) =>
        t.replace('  string file_path = 1;', '  int32 file_path = 1;'),
      )
    ),
    args: ['export', 'uc', 'out'],
    exit: 1,
    message:
      'uc/connections.json /pipeline/connections/0: data-analyzer.AnalyzeData returns energy.AnalysisResult, which report-generator.GenerateReport cannot take as report.AnalysisResult: field "file_path": string in the source, int32 expected',
  },
  {
    name: 'a proto with a syntax error',
    setup: (ctx) => (
      useCase(ctx),
      edit(ctx, 'uc/services/data_analyzer/proto/data_analyzer.proto', (t) => t.replace('returns', 'retrns'))
    ),
    args: ['export', 'uc', 'out'],
    exit: 1,
    message: "uc/services/data_analyzer/proto/data_analyzer.proto:34:30: unexpected 'retrns', 'returns' expected",
  },
  {
    name: 'an output folder that exists, without --overwrite',
    setup: (ctx) => (useCase(ctx), write(ctx, 'out/notes.txt', 'mine')),
    args: ['export', 'uc', 'out'],
    exit: 1,
    message: 'out: already exists',
  },
  {
    name: '--overwrite of a folder that is no export package',
    setup: (ctx) => (useCase(ctx), write(ctx, 'out/notes.txt', 'mine')),
    args: ['export', 'uc', 'out', '--overwrite'],
    exit: 1,
    message: 'out: not replacing it: it is not empty and holds no blueprint.json, so it is no export package',
  },
  {
    name: 'an output path that is a file',
    setup: (ctx) => (useCase(ctx), write(ctx, 'out', 'a file')),
    args: ['export', 'uc', 'out'],
    exit: 1,
    message: 'out: exists and is not a folder',
  },
  {
    name: 'an output folder that contains the use case',
    setup: (ctx) => void useCase(ctx),
    args: ['export', 'uc', '.', '--overwrite'],
    exit: 2,
    message: '{dir}: refusing to write the export package there: it contains the use case folder uc',
  },
  {
    name: 'an output folder that is the use case',
    setup: (ctx) => void useCase(ctx),
    args: ['export', 'uc', 'uc', '--overwrite'],
    exit: 2,
    message: 'uc: refusing to write the export package there: it is the use case folder',
  },
  {
    name: 'a --pipeline-id with characters the platform does not take',
    setup: (ctx) => void useCase(ctx),
    args: ['export', 'uc', 'out', '--pipeline-id', 'a b'],
    exit: 2,
    message:
      '--pipeline-id "a b": expected 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
  },
  {
    name: 'an output folder name too long for the file system',
    setup: (ctx) => void useCase(ctx),
    args: ['export', 'uc', `${LONG}xxxxxxxx`],
    exit: 1,
    message: `${LONG}xxxxxxxx: cannot write (name too long)`,
  },
  {
    name: 'a service folder whose container name makes a proto file name too long',
    setup: (ctx) => {
      const dir = useCase(ctx);
      renameSync(join(dir, 'services', 'data_generator'), join(dir, 'services', LONG));
      edit(ctx, 'uc/docker-compose.yml', (t) =>
        t.replace('build: ./services/data_generator', `build: ./services/${LONG}`),
      );
    },
    args: ['export', 'uc', 'out'],
    exit: 1,
    message: 'out: cannot write microservice/gggggggggggggggggggggggggggggggggggggggg...ggggg1.proto (name too long)',
  },
  {
    name: 'an output folder in a folder it may not write to',
    setup: (ctx) => {
      useCase(ctx);
      mkdirSync(join(ctx.dir, 'locked'));
      return { wrap: permissionDenied(join(ctx.dir, 'locked'), [ctx.dir]) };
    },
    args: ['export', 'uc', 'locked/out'],
    exit: 1,
    message: 'locked/out: cannot write (permission denied)',
  },
  {
    name: 'an output folder on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => {
      useCase(ctx);
      mkdirSync(join(ctx.dir, 'ro'));
      return { wrap: readOnlyFileSystem(join(ctx.dir, 'ro')) };
    },
    args: ['export', 'uc', 'ro/out'],
    exit: 1,
    message: 'ro/out: cannot write (read-only file system)',
  },
  {
    name: 'an output folder on a full file system (nothing left on it either)',
    skip: mountFaultsUnavailable,
    setup: (ctx) => {
      useCase(ctx);
      mkdirSync(join(ctx.dir, 'full'));
      writeFileSync(join(ctx.aside, 'listing'), '');
      return { wrap: fullFileSystem(join(ctx.dir, 'full'), join(ctx.aside, 'listing')) };
    },
    args: ['export', 'uc', 'full/out'],
    exit: 1,
    message: 'full/out: cannot write (no space left on the device)',
    check: (ctx) => expect(listed(join(ctx.aside, 'listing'))).toEqual([]),
  },
]);
