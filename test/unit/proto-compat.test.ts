import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareMessages } from '../../src/proto/compat.js';
import { loadProto, messageType } from '../../src/proto/inspect.js';
import { tempDir } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Loads a proto made of `body` (package p) and returns its message types by name. */
function types(body: string) {
  const t = tempDir('aieffect-compat-');
  cleanups.push(t.cleanup);
  const file = join(t.dir, 'm.proto');
  writeFileSync(file, `syntax = "proto3";\npackage p;\nimport "google/protobuf/timestamp.proto";\n${body}\n`);
  const info = loadProto(file);
  return (name: string) => messageType(info, `p.${name}`);
}

describe('compareMessages', () => {
  it('accepts the same type', () => {
    const t = types('message A { string s = 1; B b = 2; } message B { A a = 1; }');
    expect(compareMessages(t('A'), t('A'))).toEqual([]);
  });

  it('accepts extra source fields and lossless numeric widening', () => {
    const t = types(`
      message Src { int32 a = 1; uint32 b = 2; float c = 3; int32 d = 4; string extra = 5; sint32 e = 6; }
      message Dst { int64 a = 1; uint64 b = 2; double c = 3; double d = 4; int32 e = 5; }`);
    expect(compareMessages(t('Src'), t('Dst'))).toEqual([]);
  });

  it('reports every differing field with both types and its severity: error, narrowing or absent', () => {
    const t = types(`
      message Src { int64 count = 1; string name = 2; repeated string tags = 3; map<string, int32> m = 4; double x = 5; }
      message Dst { int32 count = 1; bytes name = 2; string tags = 3; map<int32, int32> m = 4; float x = 5; bool missing = 6; }`);
    expect(compareMessages(t('Src'), t('Dst'))).toEqual([
      { field: 'count', reason: 'int64 in the source, int32 expected', severity: 'narrowing' },
      { field: 'name', reason: 'string in the source, bytes expected', severity: 'error' },
      { field: 'tags', reason: 'repeated string in the source, string expected', severity: 'error' },
      { field: 'm', reason: 'map<string, int32> in the source, map<int32, int32> expected', severity: 'error' },
      { field: 'x', reason: 'double in the source, float expected', severity: 'narrowing' },
      { field: 'missing', reason: 'missing in p.Src', severity: 'absent' },
    ]);
  });

  it('numbers into numbers are narrowing (carried, with a warning), except a fraction into an integer', () => {
    const t = types(`
      message Src { double f = 1; int64 big = 2; uint64 u = 3; int32 i = 4; double d = 5; bool b = 6; int32 s = 7; }
      message Dst { int32 f = 1; double big = 2; int32 u = 3; float i = 4; sfixed64 d = 5; int32 b = 6; string s = 7; }`);
    expect(compareMessages(t('Src'), t('Dst')).map((m) => [m.field, m.severity])).toEqual([
      ['f', 'error'],
      ['big', 'narrowing'],
      ['u', 'narrowing'],
      ['i', 'narrowing'],
      ['d', 'error'],
      ['b', 'error'],
      ['s', 'error'],
    ]);
  });

  it('compares nested message fields recursively, naming the dotted path', () => {
    const t = types(`
      message InA { string v = 1; int32 n = 2; }
      message InB { string v = 1; string n = 2; bool w = 3; }
      message Src { InA inner = 1; repeated InA list = 2; google.protobuf.Timestamp at = 3; }
      message Dst { InB inner = 1; repeated InB list = 2; google.protobuf.Timestamp at = 3; }`);
    expect(compareMessages(t('Src'), t('Dst'))).toEqual([
      { field: 'inner.n', reason: 'int32 in the source, string expected', severity: 'error' },
      { field: 'inner.w', reason: 'missing in p.InA', severity: 'absent' },
      { field: 'list.n', reason: 'int32 in the source, string expected', severity: 'error' },
      { field: 'list.w', reason: 'missing in p.InA', severity: 'absent' },
    ]);
  });

  it('reports a message where a scalar is expected and the other way round', () => {
    const t = types(
      'message In { string v = 1; } message Src { In a = 1; string b = 2; } message Dst { string a = 1; In b = 2; }',
    );
    expect(compareMessages(t('Src'), t('Dst'))).toEqual([
      { field: 'a', reason: 'p.In in the source, string expected', severity: 'error' },
      { field: 'b', reason: 'string in the source, p.In expected', severity: 'error' },
    ]);
  });

  it('accepts enums whose source values all exist in the target, by name', () => {
    const t = types(`
      enum E1 { A = 0; B = 1; } enum E2 { A = 0; B = 5; C = 6; } enum E3 { A = 0; }
      message Src { E1 e = 1; } message Wide { E2 e = 1; } message Narrow { E3 e = 1; }`);
    expect(compareMessages(t('Src'), t('Wide'))).toEqual([]);
    expect(compareMessages(t('Src'), t('Narrow'))).toEqual([
      { field: 'e', reason: 'enum p.E1 has value B that p.E3 lacks', severity: 'error' },
    ]);
  });

  it('terminates on recursive messages', () => {
    const t = types(`
      message NodeA { string v = 1; repeated NodeA kids = 2; }
      message NodeB { string v = 1; repeated NodeB kids = 2; int32 depth = 3; }`);
    expect(compareMessages(t('NodeA'), t('NodeB'))).toEqual([
      { field: 'depth', reason: 'missing in p.NodeA', severity: 'absent' },
    ]);
  });

  it('compares same-named messages of different protos by their fields', () => {
    const a = types('message M { string s = 1; }');
    const b = types('message M { string s = 1; int32 n = 2; }');
    expect(compareMessages(a('M'), b('M'))).toEqual([{ field: 'n', reason: 'missing in p.M', severity: 'absent' }]);
    expect(compareMessages(b('M'), a('M'))).toEqual([]);
  });
});
