// Request building: pass-through for the same type, mapping by field name and kind otherwise, fan-in merges with
// proto3 defaults not counting as given, and the warning naming both upstreams of a conflicting field.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildRequest, planLink, sameValue } from '../../src/engine/request.js';
import type { PreparedNode } from '../../src/engine/types.js';
import { loadRuntimeProto, resolveOperation } from '../../src/proto/runtime.js';
import { protosDir } from '../helpers/grpc.js';

const shop = loadRuntimeProto(join(protosDir, 'shop.proto'));
const echo = loadRuntimeProto(join(protosDir, 'echo.proto'));

function node(id: string, proto = shop): PreparedNode {
  const [container, operation] = id.split(':') as [string, string];
  const call = resolveOperation(proto, id, operation);
  return {
    id,
    container,
    operation,
    order: 0,
    pointer: '',
    signature: { operation_name: operation },
    inputStream: false,
    outputStream: false,
    proto,
    call,
    kind: 'unary',
  };
}

describe('planLink', () => {
  it('passes the same message type through', () => {
    expect(planLink(node('a:Place'), node('b:Price'))).toEqual({
      from: 'a:Place',
      to: 'b:Price',
      mode: 'pass-through',
      fields: ['id', 'quantity', 'kind'],
      skipped: [],
      absent: [],
    });
  });

  it('maps fields of the same name and kind, and lists same-named fields whose types differ', () => {
    expect(planLink(node('a:Price'), node('b:Bill'))).toEqual({
      from: 'a:Price',
      to: 'b:Bill',
      mode: 'mapped',
      fields: ['id', 'total', 'quantity'],
      skipped: ['tags: repeated string vs string'],
      absent: ['currency'],
    });
  });

  it('treats a same-named message from another proto with a different shape as another type', () => {
    expect(planLink(node('a:Echo', echo), node('b:Place')).mode).toBe('mapped');
  });
});

describe('buildRequest', () => {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const left = node('l:MakeLeft');
  const right = node('r:MakeRight');
  const join_ = node('j:Join');
  const up = (n: PreparedNode, output: Record<string, unknown>) => ({
    from: n.id,
    output,
    message: n.call.response,
    link: planLink(n, join_),
  });

  it('returns a pass-through output as is', () => {
    const output = { id: 'x', quantity: '1', kind: 'BOOK' };
    const a = node('a:Place');
    expect(
      buildRequest(
        'b:Price',
        [{ from: a.id, output, message: a.call.response, link: planLink(a, node('b:Price')) }],
        warn,
      ),
    ).toBe(output);
  });

  it('merges upstreams; defaults do not override; a real conflict warns and the later upstream wins', () => {
    warnings.length = 0;
    const request = buildRequest(
      'j:Join',
      [up(left, { left: 'L', data: 'one', shared: 3 }), up(right, { right: 'R', data: 'two', shared: 0 })],
      warn,
    );
    expect(request).toEqual({ left: 'L', right: 'R', data: 'two', shared: 3 });
    expect(warnings).toEqual([
      'node "j:Join": upstreams "l:MakeLeft" and "r:MakeRight" give different values for field "data" ("one" vs "two"); using "r:MakeRight"\'s',
    ]);
  });

  it('does not warn when both upstreams agree', () => {
    warnings.length = 0;
    buildRequest('j:Join', [up(left, { data: 'same', shared: 1 }), up(right, { data: 'same', shared: 1 })], warn);
    expect(warnings).toEqual([]);
  });
});

describe('sameValue', () => {
  it('compares decoded values structurally', () => {
    expect(sameValue({ a: [1, { b: '2' }] }, { a: [1, { b: '2' }] })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue(Buffer.from('x'), Buffer.from('x'))).toBe(true);
    expect(sameValue([1], { 0: 1 })).toBe(false);
  });
});
