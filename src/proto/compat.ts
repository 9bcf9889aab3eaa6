// Field-level compatibility of two message types: can the output of one rpc be handed to another rpc as its input?
// The orchestrator maps messages by field name (decoded with enums as names and 64-bit integers as strings), so the
// check follows that: every field of the target needs a source field of the same name whose values fit.
import protobuf from 'protobufjs';

export interface FieldMismatch {
  /** Dotted path of the target field (e.g. `meta.created`). */
  field: string;
  /** What is wrong, e.g. `missing in energy.DataResponse` or `string in the source, int32 expected`. */
  reason: string;
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
  const mismatch = [{ field: target.name, reason: `${kind(source)} in the source, ${kind(target)} expected` }];
  if (t instanceof protobuf.Type) {
    if (!(s instanceof protobuf.Type)) return mismatch;
    return compareTypes(s, t, memo).map((m) => ({ field: `${target.name}.${m.field}`, reason: m.reason }));
  }
  if (t instanceof protobuf.Enum) {
    if (!(s instanceof protobuf.Enum)) return mismatch;
    const reason = compareEnums(s, t);
    return reason ? [{ field: target.name, reason }] : [];
  }
  if (s) return mismatch;
  return (ACCEPTS[target.type] ?? [target.type]).includes(source.type) ? [] : mismatch;
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
      out.push({ field: targetField.name, reason: `missing in ${name(source)}` });
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
      });
      continue;
    }
    out.push(...compareValueTypes(sourceField, targetField, memo));
  }
  memo.set(key, out);
  return out;
}

/**
 * Every reason why a `source` message cannot be passed on as a `target` message, field by field (empty: compatible).
 * Both types must come from resolved roots (see loadProto).
 */
export function compareMessages(source: protobuf.Type, target: protobuf.Type): FieldMismatch[] {
  return compareTypes(source, target, new Map());
}
