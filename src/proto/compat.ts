// Field-level compatibility of two message types: can the output of one rpc be handed to another rpc as its input?
// The orchestrator maps messages by field name (decoded with enums as names and 64-bit integers as strings), so the
// check follows that, field by field, and says how serious each difference is, the way the original system runs it:
// - error: a same-named field whose value cannot be carried (a string into a number, a message into a scalar, a list
//   into a single value, a fraction into an integer, an enum value the target lacks);
// - narrowing: a number carried into a smaller type (double into float, int64 into int32): a warning;
// - absent: a target field the source does not have: in proto3 it keeps its default (or comes from --input), so it
//   is reported, never refused.
import protobuf from 'protobufjs';

export type MismatchSeverity = 'error' | 'narrowing' | 'absent';

export interface FieldMismatch {
  /** Dotted path of the target field (e.g. `meta.created`). */
  field: string;
  /** What is wrong, e.g. `missing in energy.DataResponse` or `string in the source, int32 expected`. */
  reason: string;
  severity: MismatchSeverity;
}

/** Scalar types and the scalar types whose values each one can receive without loss. */
const ACCEPTS: Record<string, string[]> = {
  double: ['double', 'float', 'int32', 'sint32', 'sfixed32', 'uint32', 'fixed32'],
  float: ['float'],
  int64: ['int64', 'sint64', 'sfixed64', 'int32', 'sint32', 'sfixed32', 'uint32', 'fixed32'],
  sint64: ['int64', 'sint64', 'sfixed64', 'int32', 'sint32', 'sfixed32', 'uint32', 'fixed32'],
  sfixed64: ['int64', 'sint64', 'sfixed64', 'int32', 'sint32', 'sfixed32', 'uint32', 'fixed32'],
  uint64: ['uint64', 'fixed64', 'uint32', 'fixed32'],
  fixed64: ['uint64', 'fixed64', 'uint32', 'fixed32'],
  int32: ['int32', 'sint32', 'sfixed32'],
  sint32: ['int32', 'sint32', 'sfixed32'],
  sfixed32: ['int32', 'sint32', 'sfixed32'],
  uint32: ['uint32', 'fixed32'],
  fixed32: ['uint32', 'fixed32'],
  bool: ['bool'],
  string: ['string'],
  bytes: ['bytes'],
};

const INTEGERS = new Set([
  'int32',
  'sint32',
  'sfixed32',
  'uint32',
  'fixed32',
  'int64',
  'sint64',
  'sfixed64',
  'uint64',
  'fixed64',
]);
const FLOATS = new Set(['double', 'float']);

/** A scalar that does not fit losslessly: narrowing when the orchestrator still carries it (number into number,
 * except a fraction into an integer), else an error. */
function scalarSeverity(source: string, target: string): 'error' | 'narrowing' {
  const numeric = (t: string) => INTEGERS.has(t) || FLOATS.has(t);
  if (!numeric(source) || !numeric(target)) return 'error';
  return FLOATS.has(source) && INTEGERS.has(target) ? 'error' : 'narrowing';
}

function name(obj: protobuf.ReflectionObject): string {
  return obj.fullName.replace(/^\./, '');
}

function kind(field: protobuf.Field): string {
  const t = field.resolvedType;
  const base = t ? name(t) : field.type;
  if (field instanceof protobuf.MapField) return `map<${field.keyType}, ${base}>`;
  return field.repeated ? `repeated ${base}` : base;
}

/** Two types that are one and the same definition: the same object, or the same well-known type. */
function sameType(a: protobuf.ReflectionObject, b: protobuf.ReflectionObject): boolean {
  return a === b || (name(a) === name(b) && name(a).startsWith('google.protobuf.'));
}

function compareEnums(source: protobuf.Enum, target: protobuf.Enum): string | undefined {
  if (sameType(source, target)) return undefined;
  const missing = Object.keys(source.values).filter((v) => !(v in target.values));
  return missing.length === 0
    ? undefined
    : `enum ${name(source)} has value${missing.length === 1 ? '' : 's'} ${missing.join(', ')} that ${name(target)} lacks`;
}

/** Mismatches per pair of message types, relative to the pair; `undefined` while the pair is being compared. */
type Memo = Map<string, FieldMismatch[] | undefined>;

function compareValueTypes(source: protobuf.Field, target: protobuf.Field, memo: Memo): FieldMismatch[] {
  const s = source.resolvedType;
  const t = target.resolvedType;
  const reason = `${kind(source)} in the source, ${kind(target)} expected`;
  const mismatch: FieldMismatch[] = [{ field: target.name, reason, severity: 'error' }];
  if (t instanceof protobuf.Type) {
    if (!(s instanceof protobuf.Type)) return mismatch;
    return compareTypes(s, t, memo).map((m) => ({ ...m, field: `${target.name}.${m.field}` }));
  }
  if (t instanceof protobuf.Enum) {
    if (!(s instanceof protobuf.Enum)) return mismatch;
    const enumReason = compareEnums(s, t);
    return enumReason ? [{ field: target.name, reason: enumReason, severity: 'error' }] : [];
  }
  if (s) return mismatch;
  if ((ACCEPTS[target.type] ?? [target.type]).includes(source.type)) return [];
  return [{ field: target.name, reason, severity: scalarSeverity(source.type, target.type) }];
}

function compareTypes(source: protobuf.Type, target: protobuf.Type, memo: Memo): FieldMismatch[] {
  if (sameType(source, target)) return [];
  const key = `${source.fullName}\u0000${target.fullName}`;
  // A recursive message meets its own pair again: assumed compatible there, its fields are checked at the top.
  if (memo.has(key)) return memo.get(key) ?? [];
  memo.set(key, undefined);
  const out: FieldMismatch[] = [];
  for (const targetField of target.fieldsArray) {
    const sourceField = source.fields[targetField.name];
    if (!sourceField) {
      out.push({ field: targetField.name, reason: `missing in ${name(source)}`, severity: 'absent' });
      continue;
    }
    const sourceMap = sourceField instanceof protobuf.MapField;
    const targetMap = targetField instanceof protobuf.MapField;
    if (
      sourceMap !== targetMap ||
      (!targetMap && sourceField.repeated !== targetField.repeated) ||
      (sourceMap && targetMap && sourceField.keyType !== targetField.keyType)
    ) {
      out.push({
        field: targetField.name,
        reason: `${kind(sourceField)} in the source, ${kind(targetField)} expected`,
        severity: 'error',
      });
      continue;
    }
    out.push(...compareValueTypes(sourceField, targetField, memo));
  }
  memo.set(key, out);
  return out;
}

/**
 * Every difference between a `source` message and the `target` message it is passed on as, field by field, each with
 * its severity (empty: the same shape or wider). Both types must come from resolved roots (see loadProto).
 */
export function compareMessages(source: protobuf.Type, target: protobuf.Type): FieldMismatch[] {
  return compareTypes(source, target, new Map());
}
