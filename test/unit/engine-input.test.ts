// --input and --address values as the engine takes them, and the usage errors for malformed ones.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAddressFlags, parseInputFlags } from '../../src/engine/input.js';
import { parseDuration } from '../../src/cli/engine-flags.js';
import { userError } from '../helpers/user-error.js';
import { tempDir } from '../helpers/cli.js';

describe('parseInputFlags', () => {
  it('reads JSON for every start node and node=JSON for one, merging repeats', () => {
    expect(
      parseInputFlags(['{"a": 1}', '{"b": 2}', 'gen:Run={"c": 3}', 'gen:Run={"d": 4}', 'other={"e": "x=y"}']),
    ).toEqual({
      all: { a: 1, b: 2 },
      nodes: { 'gen:Run': { c: 3, d: 4 }, other: { e: 'x=y' } },
    });
  });

  it('reads @file for all start nodes or for one, relative to cwd', () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'in.json'), '{"n": 5}');
      expect(parseInputFlags(['@in.json', 'g=@in.json'], dir)).toEqual({ all: { n: 5 }, nodes: { g: { n: 5 } } });
    } finally {
      cleanup();
    }
  });

  it('reports invalid JSON with line and column as a usage error', () => {
    const e = userError(() => parseInputFlags(['g={"a": ]']));
    expect(e.message).toBe('--input g: invalid JSON at line 1, column 7: unexpected "]"');
    expect(e.exit).toBe(2);
  });

  it('requires an object', () => {
    const e = userError(() => parseInputFlags(['[1, 2]']));
    expect(e.message).toBe("--input: expected a JSON object (the request's fields by name)");
    expect(e.exit).toBe(2);
  });

  it('names a missing @file', () => {
    const { dir, cleanup } = tempDir();
    try {
      const e = userError(() => parseInputFlags(['@nope.json'], dir));
      expect(e.message).toBe('nope.json: file not found');
      expect(e.exit).toBe(1);
    } finally {
      cleanup();
    }
  });

  it('names a file whose JSON is invalid', () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'bad.json'), '{\n  "a": 1,\n}');
      expect(userError(() => parseInputFlags(['@bad.json'], dir)).message).toBe(
        'bad.json: invalid JSON at line 3, column 1: unexpected "}", expected a property name in double quotes',
      );
    } finally {
      cleanup();
    }
  });
});

describe('parseAddressFlags', () => {
  it('maps containers to host:port, IPv6 in brackets', () => {
    expect(parseAddressFlags(['a=localhost:50051', 'b=[::1]:7000', 'a=127.0.0.1:9'])).toEqual({
      a: '127.0.0.1:9',
      b: '[::1]:7000',
    });
  });

  it('rejects values without a container or a port', () => {
    expect(userError(() => parseAddressFlags(['localhost:50051'])).message).toBe(
      '--address localhost:50051: expected container=host:port',
    );
    expect(userError(() => parseAddressFlags(['a=host:70000'])).message).toBe(
      '--address a: "host:70000" is not host:port',
    );
  });
});

describe('parseDuration', () => {
  it('reads seconds by default and ms, s, m, h units', () => {
    expect([
      parseDuration('30'),
      parseDuration('0.5'),
      parseDuration('250ms'),
      parseDuration('2s'),
      parseDuration('2m'),
      parseDuration('1.5h'),
    ]).toEqual([30_000, 500, 250, 2000, 120_000, 5_400_000]);
    expect(() => parseDuration('soon')).toThrow('"soon" is not a duration (e.g. 30, 30s, 500ms, 2m, 1h)');
  });
});
