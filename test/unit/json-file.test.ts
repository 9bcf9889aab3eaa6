import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError, parseJson } from '../../src/util/json-file.js';
import { assertSchema } from '../../src/schema/validate.js';
import { userError as errorOf } from '../helpers/user-error.js';

describe('parseJson', () => {
  it('names the line and column of a syntax error', () => {
    const err = errorOf(() => parseJson('{\n  "a": 1,\n  "b": }\n', 'x.json'));
    expect(err.code).toBe('INVALID_JSON');
    expect(err.message).toBe('x.json: invalid JSON at line 3, column 8: unexpected "}"');
  });
  it('reports a truncated file', () => {
    expect(errorOf(() => parseJson('{"a": [1, 2', 'y.json')).message).toBe(
      'y.json: invalid JSON at line 1, column 12: unexpected end of input, expected "," or "]"',
    );
  });
  it('reports a trailing comma and trailing garbage', () => {
    expect(findJsonSyntaxError('[1,]')).toEqual({ offset: 3, reason: 'unexpected "]"' });
    expect(findJsonSyntaxError('{} x')).toEqual({ offset: 3, reason: 'unexpected "x" after the JSON value' });
    expect(findJsonSyntaxError('{"a": [1, {"b": null}], "c": "\\u00e9"}')).toBeUndefined();
  });
});

describe('assertSchema', () => {
  it('names the JSON pointer and the missing property', () => {
    const blueprint = {
      nodes: [{ container_name: 'a1', operation_signature_list: [{ operation_signature: {} }] }],
    };
    const err = errorOf(() => assertSchema('blueprint', blueprint, 'blueprint.json'));
    expect(err.message).toBe(
      'blueprint.json /nodes/0/operation_signature_list/0/operation_signature: missing required property "operation_name"',
    );
    expect(err.pointer).toBe('/nodes/0/operation_signature_list/0/operation_signature');
  });
  it('names a wrong type', () => {
    const err = errorOf(() =>
      assertSchema(
        'dockerinfo',
        { docker_info_list: [{ container_name: 'a', ip_address: 'a', port: true }] },
        'dockerinfo.json',
      ),
    );
    expect(err.message).toMatch(/^dockerinfo\.json \/docker_info_list\/0\/port: /);
  });
  it('reports the root', () => {
    expect(errorOf(() => assertSchema('blueprint', [], 'blueprint.json')).message).toBe(
      'blueprint.json /: expected object',
    );
  });
});
