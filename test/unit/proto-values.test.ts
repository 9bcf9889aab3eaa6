// --input values checked against the proto before anything is called: every kind of field (test/fixtures/protos/
// typed.proto), what the proto3 JSON mapping accepts, and the exact message for each kind of wrong value.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStartRequest } from '../../src/engine/input.js';
import type { PreparedNode } from '../../src/engine/types.js';
import { loadRuntimeProto, resolveOperation } from '../../src/proto/runtime.js';
import { checkMessageValue, requestType } from '../../src/proto/values.js';
import { protosDir } from '../helpers/grpc.js';
import { userError } from '../helpers/user-error.js';

const call = resolveOperation(loadRuntimeProto(join(protosDir, 'typed.proto')), 'node "t:Take"', 'Take');
const type = requestType(call);
const node = { id: 't:Take', container: 't', call } as unknown as PreparedNode;

/** The first problem as the error line shows it, or undefined when the value fits. */
function problem(message: Record<string, unknown>): string | undefined {
  try {
    checkStartRequest(node, message);
    return undefined;
  } catch {
    return userError(() => checkStartRequest(node, message)).message.replace('--input for "t:Take": ', '');
  }
}

describe('checkMessageValue: accepted', () => {
  it.each([
    ['integers as numbers', { n: -5, u: 4294967295, s: -2147483648 }],
    [
      'integers as strings of digits (proto3 JSON)',
      { n: '12', big: '-9223372036854775808', ubig: '18446744073709551615' },
    ],
    ['int64 as a safe number', { big: 9007199254740991, f64: 0 }],
    ['floats, also as text and the special values', { ratio: 0.25, small: '1.5', f64: '7' }],
    ['NaN and infinities', { ratio: 'NaN', small: '-Infinity' }],
    ['enums by name and by number', { color: 'GREEN', limits: { colors: [1, 'RED'] } }],
    ['bytes as base64', { blob: 'aGVsbG8=' }],
    ['base64 without its padding', { blob: 'YWI' }],
    [
      'nested messages, lists and maps',
      { limits: { max: 3 }, history: [{ max: 1 }], counts: { a: 1 }, labels: { '7': 'x' } },
    ],
    ['null as "not given"', { n: null, limits: null, name: null }],
    ['one member of a oneof', { text: 'hi', number: null }],
    ['a well-known type as its message', { at: { seconds: '1700000000', nanos: 5 } }],
    ['a nested type of the request', { inner: { depth: -3 } }],
    ['fields the message does not have (warned about elsewhere)', { nope: { x: 1 } }],
  ])('%s', (_what, message) => {
    expect(checkMessageValue(type, message)).toEqual([]);
    expect(() => call.method.requestSerialize(message)).not.toThrow();
  });
});

describe('checkStartRequest: refused, naming node, field path, proto type and value', () => {
  it.each([
    ['a string of letters for an int32', { n: 'abc' }, 'field "n" (int32): "abc" is not an integer'],
    [
      'an int32 out of range',
      { n: 3000000000 },
      'field "n" (int32): 3000000000 is out of range (-2147483648 to 2147483647)',
    ],
    ['a fraction for an integer', { n: 1.7 }, 'field "n" (int32): 1.7 is not a whole number'],
    ['a negative uint32', { u: -1 }, 'field "u" (uint32): -1 is out of range (0 to 4294967295)'],
    [
      'an int64 string out of range',
      { big: '9223372036854775808' },
      'field "big" (int64): "9223372036854775808" is out of range (-9223372036854775808 to 9223372036854775807)',
    ],
    [
      'an int64 number past 2^53',
      { big: 2 ** 53 + 2 },
      'field "big" (int64): 9007199254740994 is beyond 2^53, where JSON numbers lose digits: give it as a string of digits',
    ],
    ['a uint64 with a sign', { ubig: '-1' }, 'field "ubig" (uint64): "-1" is out of range (0 to 18446744073709551615)'],
    ['an object for a string', { name: { a: 1 } }, 'field "name" (string): {"a":1} is an object, not a string'],
    ['a number for a string', { name: 5 }, 'field "name" (string): 5 is a number, not a string'],
    ['a string for a bool', { flag: 'yes' }, 'field "flag" (bool): "yes" is a string, not true or false'],
    ['text for a double', { ratio: 'half' }, 'field "ratio" (double): "half" is not a number'],
    ['a list for a double', { ratio: [1] }, 'field "ratio" (double): [1] is a list, not a number'],
    [
      'a float out of range',
      { small: 1e39 },
      'field "small" (float): 1e+39 is out of range for float (at most 3.4028234663852886e+38)',
    ],
    ['bytes that are not base64', { blob: 'not base64!' }, 'field "blob" (bytes): "not base64!" is not base64 text'],
    [
      'URL-safe base64, which the encoder cannot read',
      { blob: 'a-_b' },
      'field "blob" (bytes): "a-_b" is not base64 text',
    ],
    [
      'an unknown enum name',
      { color: 'BLUE' },
      'field "color" (typed.Color): "BLUE" is not a value of the enum (COLOR_UNSPECIFIED=0, RED=1, GREEN=2)',
    ],
    [
      'an unknown enum number',
      { color: 7 },
      'field "color" (typed.Color): 7 is not a value of the enum (COLOR_UNSPECIFIED=0, RED=1, GREEN=2)',
    ],
    ['a scalar for a message', { limits: 3 }, 'field "limits" (typed.Limits): 3 is a number, not an object'],
    ['a nested field', { limits: { max: -2 } }, 'field "limits.max" (uint32): -2 is out of range (0 to 4294967295)'],
    [
      'an enum inside a nested list',
      { limits: { colors: ['RED', 'PINK'] } },
      'field "limits.colors[1]" (typed.Color): "PINK" is not a value of the enum (COLOR_UNSPECIFIED=0, RED=1, GREEN=2)',
    ],
    ['a scalar for a list', { tags: 'x' }, 'field "tags" (repeated string): "x" is a string, not a list'],
    ['null inside a list', { tags: ['a', null] }, 'field "tags[1]" (string): null is null'],
    ['a message in a list', { history: [{ max: 'x' }] }, 'field "history[0].max" (uint32): "x" is not an integer'],
    ['a list for a map', { counts: [1] }, 'field "counts" (map<string, int32>): [1] is a list, not an object'],
    ['a map value', { counts: { a: 'many' } }, 'field "counts["a"]" (int32): "many" is not an integer'],
    ['a map key', { labels: { seven: 'x' } }, 'field "labels["seven"]" (int32 key): "seven" is not an integer'],
    [
      'two members of a oneof',
      { text: 'hi', number: 3 },
      'field "number" (int32): 3 is given together with "text", but both belong to oneof "choice": give one',
    ],
    [
      'a nested type of the request',
      { inner: { depth: 2.5 } },
      'field "inner.depth" (sfixed32): 2.5 is not a whole number',
    ],
    [
      'several problems: the first, and how many more',
      { n: 'a', u: 'b', name: 1 },
      'field "n" (int32): "a" is not an integer (and 2 more)',
    ],
  ])('%s', (_what, message, expected) => {
    expect(problem(message)).toBe(expected);
  });

  it('is an input error (exit 1) with every problem in its details', () => {
    const e = userError(() => checkStartRequest(node, { n: 'a', flag: 1 }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.exit).toBe(1);
    expect(e.hint).toBe(
      'give each field a value of its proto type: integers as numbers (64-bit ones also as strings of digits), enums by name or number, bytes as base64',
    );
    expect(e.details).toEqual({
      node: 't:Take',
      problems: [
        { path: 'n', protoType: 'int32', value: 'a', reason: 'is not an integer' },
        { path: 'flag', protoType: 'bool', value: 1, reason: 'is a number, not true or false' },
      ],
    });
  });

  it('shows a long value cut short', () => {
    expect(problem({ n: 'x'.repeat(100) })).toBe(`field "n" (int32): "${'x'.repeat(56)}... is not an integer`);
  });
});
