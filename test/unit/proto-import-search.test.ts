// Where export finds what a proto imports (src/proto/import-resolver.ts through loadProto): the importing file's folder,
// the service's proto folder, --proto-path folders in order, then a unique file of that path in the use case; and what
// it refuses: several candidates, a file reached through a link leading out, a cycle.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProto } from '../../src/proto/inspect.js';
import { tempDir } from '../helpers/cli.js';
import { userError } from '../helpers/user-error.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const SERVICE = 'syntax = "proto3";\nimport "common.proto";\nservice S { rpc R (common.C) returns (common.C); }\n';
const COMMON = 'syntax = "proto3";\npackage common;\nmessage C { string s = 1; }\n';

/** A folder with `files` written into it (paths relative, `/`). */
function folder(files: Record<string, string>): string {
  const t = tempDir('aieffect-imports-');
  cleanups.push(t.cleanup);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(t.dir, name, '..'), { recursive: true });
    writeFileSync(join(t.dir, name), text);
  }
  return t.dir;
}

/** A use case whose service a imports common.proto, plus `files`. */
function useCase(files: Record<string, string> = {}): { dir: string; proto: string } {
  const dir = folder({ 'services/a/proto/a.proto': SERVICE, ...files });
  return { dir, proto: join(dir, 'services/a/proto/a.proto') };
}

const importsOf = (info: ReturnType<typeof loadProto>) =>
  info.imports.map((i) => ({ file: i.file, importPath: i.importPath }));

describe('import search of export', () => {
  it('a shared proto elsewhere in the use case: the only file of that path, said in a note, shipped at the import path', () => {
    const { dir, proto } = useCase({
      'shared/proto/common.proto':
        'syntax = "proto3";\npackage common;\nimport "units.proto";\nmessage C { u.U u = 1; }\n',
      'shared/proto/units.proto': 'syntax = "proto3";\npackage u;\nmessage U { double v = 1; }\n',
    });
    const info = loadProto(proto, { useCaseDir: dir });
    expect(importsOf(info)).toEqual([
      { file: join(dir, 'shared/proto/common.proto'), importPath: 'common.proto' },
      { file: join(dir, 'shared/proto/units.proto'), importPath: 'units.proto' },
    ]);
    expect(info.notes).toEqual([
      `${proto}:2:1: import "common.proto" taken from ${join(dir, 'shared/proto/common.proto')}, the only file of that path in the use case (shipped in the package)`,
    ]);
  });

  it('the importing folder first, then --proto-path folders in order, then the use case', () => {
    const a = folder({ 'common.proto': COMMON });
    const b = folder({ 'common.proto': COMMON });
    const { dir, proto } = useCase({ 'shared/common.proto': COMMON });
    const pick = (protoPaths: string[]) => importsOf(loadProto(proto, { useCaseDir: dir, protoPaths }))[0]!.file;
    expect(pick([a, b])).toBe(join(a, 'common.proto'));
    expect(pick([b, a])).toBe(join(b, 'common.proto'));
    expect(loadProto(proto, { useCaseDir: dir, protoPaths: [a] }).notes).toEqual([]);
    writeFileSync(join(dir, 'services/a/proto/common.proto'), COMMON);
    expect(pick([a, b])).toBe(join(dir, 'services/a/proto/common.proto'));
  });

  it('several files of that path in the use case: an error listing them', () => {
    const { dir, proto } = useCase({ 'shared/proto/common.proto': COMMON, 'legacy/common.proto': COMMON });
    const err = userError(() => loadProto(proto, { useCaseDir: dir }));
    expect(err.code).toBe('PROTO_IMPORT_AMBIGUOUS');
    expect(err.message).toBe(
      `${proto}:2:1: import "common.proto" is not in ${join(dir, 'services/a/proto')}, and 2 files of the use case have that path: legacy/common.proto, shared/proto/common.proto`,
    );
    expect(err.hint).toBe(
      `give the folder of the one to use with --proto-path, e.g. --proto-path ${join(dir, 'legacy')}`,
    );
    // --proto-path settles it.
    expect(importsOf(loadProto(proto, { useCaseDir: dir, protoPaths: [join(dir, 'shared/proto')] }))[0]!.file).toBe(
      join(dir, 'shared/proto/common.proto'),
    );
  });

  it('found nowhere: the places looked in', () => {
    const { dir, proto } = useCase();
    const extra = folder({});
    const err = userError(() => loadProto(proto, { useCaseDir: dir, protoPaths: [extra] }));
    expect(err.code).toBe('PROTO_IMPORT_NOT_FOUND');
    expect(err.message).toBe(
      `${proto}:2:1: import "common.proto" not found (looked in ${join(dir, 'services/a/proto')}, ${extra}, the use case)`,
    );
  });

  it('two files for one import (beside a nested import and in the proto folder): an error naming both', () => {
    const { dir, proto } = useCase({
      'services/a/proto/common.proto':
        'syntax = "proto3";\npackage common;\nimport "lib/c.proto";\nmessage C { lib.L l = 1; }\n',
      'services/a/proto/lib/c.proto': 'syntax = "proto3";\npackage lib;\nimport "d.proto";\nmessage L { D d = 1; }\n',
      'services/a/proto/lib/d.proto': 'syntax = "proto3";\npackage lib;\nmessage D { string v = 1; }\n',
    });
    // Alone, d.proto beside lib/c.proto is found there and shipped at lib/d.proto.
    expect(importsOf(loadProto(proto, { useCaseDir: dir })).map((i) => i.importPath)).toEqual([
      'common.proto',
      'lib/c.proto',
      'lib/d.proto',
    ]);
    writeFileSync(join(dir, 'services/a/proto/d.proto'), 'syntax = "proto3";\npackage other;\nmessage D {}\n');
    const err = userError(() => loadProto(proto, { useCaseDir: dir }));
    expect(err.code).toBe('PROTO_IMPORT_AMBIGUOUS');
    expect(err.message).toBe(
      `${join(dir, 'services/a/proto/lib/c.proto')}:3:1: import "d.proto" names two files: ${join(dir, 'services/a/proto/lib/d.proto')} (beside the importing file) and ${join(dir, 'services/a/proto/d.proto')} (in the service's proto folder)`,
    );
  });

  it('nothing outside the use case: a link leading out is an error naming the import', () => {
    const outside = folder({ 'common.proto': COMMON });
    const { dir, proto } = useCase();
    symlinkSync(join(outside, 'common.proto'), join(dir, 'services/a/proto/common.proto'));
    const err = userError(() => loadProto(proto, { useCaseDir: dir }));
    expect(err.code).toBe('PROTO_IMPORT_OUTSIDE');
    expect(err.message).toBe(
      `${proto}:2:1: import "common.proto" leads to ${join(outside, 'common.proto')}, outside the use case`,
    );
    // The same file through --proto-path is the user's choice, and allowed.
    const viaFlag = loadProto(proto, { useCaseDir: dir, protoPaths: [outside] });
    expect(viaFlag.imports.map((i) => i.importPath)).toEqual(['common.proto']);
  });

  it("a service's proto folder linked from outside is refused before it is read", () => {
    const outside = folder({ 'a.proto': 'syntax = "proto3";\nservice S { rpc R (M) returns (M); }\nmessage M {}\n' });
    const dir = folder({ 'services/a/.keep': '' });
    symlinkSync(outside, join(dir, 'services/a/proto'));
    const proto = join(dir, 'services/a/proto/a.proto');
    const err = userError(() => loadProto(proto, { useCaseDir: dir }));
    expect(err.code).toBe('PROTO_IMPORT_OUTSIDE');
    expect(err.message).toBe(`${proto}: the file leads to ${join(outside, 'a.proto')}, outside the use case`);
  });

  it('an import cycle is named, file by file', () => {
    const { dir, proto } = useCase({
      'services/a/proto/common.proto': 'syntax = "proto3";\npackage common;\nimport "x.proto";\nmessage C {}\n',
      'services/a/proto/x.proto': 'syntax = "proto3";\n// import "nothing.proto";\nimport "y.proto";\n',
      'services/a/proto/y.proto': 'syntax = "proto3";\nimport "x.proto";\n',
    });
    const p = (f: string) => join(dir, 'services/a/proto', f);
    const err = userError(() => loadProto(proto, { useCaseDir: dir }));
    expect(err.code).toBe('PROTO_IMPORT_CYCLE');
    expect(err.message).toBe(
      `${p('y.proto')}:2:1: import "x.proto" closes a cycle: ${p('x.proto')} -> ${p('y.proto')} -> ${p('x.proto')}`,
    );
  });
});
