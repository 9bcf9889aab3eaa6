// Validates parsed files against the JSON Schemas in schemas/ (draft 2020-12), once, at the edge. A violation
// becomes one UserError naming the file, the JSON pointer and what was expected.
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { UserError } from '../errors.js';
import { compileSchemas, type SchemaName } from './compile.js';

export type { SchemaName };

const require = createRequire(import.meta.url);
const validators = new Map<SchemaName, ValidateFunction>();
let compiled: ReturnType<typeof compileSchemas> | undefined;

/** The build's precompiled validator (dist/schema/validators/<name>.cjs); from the sources, compiled here once. */
function loadValidator(name: SchemaName): ValidateFunction {
  try {
    return (require(`./validators/${name}.cjs`) as { validate: ValidateFunction }).validate;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
  }
  compiled ??= compileSchemas();
  return compiled.ajv.getSchema(compiled.ids[name])!;
}

function validator(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) validators.set(name, (validate = loadValidator(name)));
  return validate;
}

/** Describes one ajv error the way a person reads it: what was expected at that place. */
export function describeSchemaError(err: ErrorObject): { pointer: string; message: string } {
  const pointer = err.instancePath === '' ? '/' : err.instancePath;
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      return { pointer, message: `missing required property "${String(p.missingProperty)}"` };
    case 'additionalProperties':
      return { pointer, message: `unexpected property "${String(p.additionalProperty)}"` };
    case 'type':
      return { pointer, message: `expected ${String(p.type).replace(',', ' or ')}` };
    case 'enum':
      return {
        pointer,
        message: `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { pointer, message: `expected ${JSON.stringify(p.allowedValue)}` };
    case 'pattern':
      return { pointer, message: `expected a string matching ${String(p.pattern)}` };
    case 'minLength':
      return {
        pointer,
        message: p.limit === 1 ? 'expected a non-empty string' : `expected at least ${String(p.limit)} characters`,
      };
    case 'minItems':
      return { pointer, message: `expected at least ${String(p.limit)} item(s)` };
    case 'minimum':
    case 'maximum':
      return { pointer, message: `expected a number ${err.keyword === 'minimum' ? '>=' : '<='} ${String(p.limit)}` };
    default:
      return { pointer, message: err.message ?? `violates ${err.keyword}` };
  }
}

/**
 * Checks `data` against schemas/<name>.schema.json (`basePointer` when `data` sits inside a larger file). Thrown when it does not match: a UserError with code
 * SCHEMA_VIOLATION and a message like `blueprint.json /nodes/2: missing required property "image"`.
 */
export function assertSchema<T>(name: SchemaName, data: unknown, label: string, basePointer = ''): T {
  const fn = validator(name);
  if (!fn(data)) {
    const first = (fn.errors ?? [])[0];
    const described = first ? describeSchemaError(first) : { pointer: '/', message: 'invalid' };
    const pointer = basePointer
      ? basePointer + (described.pointer === '/' ? '' : described.pointer)
      : described.pointer;
    const { message } = described;
    throw new UserError('SCHEMA_VIOLATION', `${label} ${pointer}: ${message}`, {
      file: label,
      pointer,
      hint: `see schemas/${name}.schema.json for the expected format`,
    });
  }
  return data as T;
}
