// Checks a command's --json output against the one contract, schemas/cli-output.schema.json: the entry of its
// command kind ($defs) and the schema as a whole. Every e2e test that reads --json output goes through here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { compileSchemas } from '../../src/schema/compile.js';
import { repoRoot } from './cli.js';

export const CLI_OUTPUT_SCHEMA = join(repoRoot, 'schemas', 'cli-output.schema.json');

/** The kinds of output the schema knows: its $defs that describe a whole document. */
export type OutputKind =
  | 'error'
  | 'export'
  | 'build'
  | 'compose'
  | 'kube'
  | 'orchestrate'
  | 'orchestrate_plan'
  | 'run'
  | 'graph'
  | 'graph_written'
  | 'version'
  | 'init'
  | 'add_service';

let compiled: { whole: ValidateFunction; kind: (kind: OutputKind) => ValidateFunction } | undefined;

function validators(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  // The schemas of the file formats (run-result among them) are referenced from the output schema.
  const { ajv } = compileSchemas({ allErrors: true });
  const schema = JSON.parse(readFileSync(CLI_OUTPUT_SCHEMA, 'utf8')) as { $id: string };
  ajv.addSchema(schema);
  const whole = ajv.getSchema(schema.$id)!;
  compiled = { whole, kind: (kind) => ajv.getSchema(`${schema.$id}#/$defs/${kind}`)! };
  return compiled;
}

/** Parses stdout, asserts it is exactly one JSON document of that kind, and returns it. */
export function expectJsonContract<T = Record<string, unknown>>(kind: OutputKind, stdout: string): T {
  const value = JSON.parse(stdout) as unknown;
  const { whole, kind: ofKind } = validators();
  const validate = ofKind(kind);
  expect(validate(value) ? [] : validate.errors, `--json output is a valid "${kind}"`).toEqual([]);
  expect(whole(value), 'and valid against the whole schema').toBe(true);
  return value as T;
}
