// Compiles the JSON Schemas in schemas/ with ajv. The build turns the result into standalone code
// (scripts/schemas.mjs -> dist/schema/validators/), so the built CLI neither loads ajv nor compiles a schema at
// run time; from the TypeScript sources (tests, bin/dev.js) validate.ts compiles through here on first use.
// ajv is loaded with require, and only when called, so importing this module costs nothing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Class, Options } from 'ajv/dist/2020.js';

export const SCHEMA_NAMES = [
  'blueprint',
  'dockerinfo',
  'connections',
  'generation-metadata',
  'run-result',
  'compose-extension',
] as const;

export type SchemaName = (typeof SCHEMA_NAMES)[number];

const require = createRequire(import.meta.url);
const schemaDir = new URL('../../schemas/', import.meta.url);

/** An ajv instance holding every schema, each under its file's $id, and the ids by name. */
export function compileSchemas(options: Options = {}): { ajv: Ajv2020Class; ids: Record<SchemaName, string> } {
  const { Ajv2020 } = require('ajv/dist/2020') as { Ajv2020: typeof Ajv2020Class };
  const addFormats = require('ajv-formats') as (ajv: Ajv2020Class) => void;
  const ajv = new Ajv2020({ allErrors: false, strict: true, ...options });
  addFormats(ajv);
  const ids = {} as Record<SchemaName, string>;
  for (const name of SCHEMA_NAMES) {
    const schema = JSON.parse(readFileSync(new URL(`${name}.schema.json`, schemaDir), 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    ids[name] = schema.$id;
  }
  return { ajv, ids };
}
