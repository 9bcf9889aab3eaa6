// Checks a JSON value against a protobuf message type before it is encoded. protobufjs's encoder coerces whatever it
// gets ("abc" into an int32 becomes 0, 3000000000 wraps to -1294967296, 1.7 becomes 1, an object into a string field
// becomes "[object Object]"), so a wrong value would reach the service as garbage. What is accepted follows the proto3
// JSON mapping: integers as numbers or strings of digits (64-bit ones beyond 2^53 only as strings), floats as numbers
// or "NaN"/"Infinity"/"-Infinity", enums by name or number, bytes as (standard) base64, null for "not given".
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { ResolvedOperation } from './runtime.js';

/** One value that does not fit its field. */
export interface ValueProblem {
  /** Where, from the message: `num_records`, `limits.max`, `tags[2]`, `counts["a"]`. */
  path: string;
  /** The field's proto type as written: `int32`, `shop.Kind`, `repeated string`, `map<string, int32>`. */
  protoType: string;
  /** The value given. */
  value: unknown;
  /** Why it does not fit: `is not an integer`, `is out of range (0 to 4294967295)`. */
  reason: string;
}

const requestTypes = new WeakMap<ResolvedOperation, protobuf.Type>();

/**
 * The protobufjs type of an operation's request, rebuilt from the descriptors the loader keeps (which resolve every
 * referenced type, nested and imported ones included). Built once per operation.
 */
export function requestType(call: ResolvedOperation): protobuf.Type {
  const known = requestTypes.get(call);
  if (known) return known;
  const definition = call.method.requestType as { fileDescriptorProtos: Buffer[] };
  const files = definition.fileDescriptorProtos.map((bytes) => descriptor.FileDescriptorProto.decode(bytes));
  const root = (protobuf.Root as unknown as { fromDescriptor(set: object): protobuf.Root }).fromDescriptor({
    file: files,
  });
  root.resolveAll();
  const method = root.lookupService(call.service.fullName).methods[call.rpc]!;
  method.resolve();
  const type = method.resolvedRequestType!;
  requestTypes.set(call, type);
  return type;
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};
const SIXTY_FOUR = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const FLOAT_MAX = 3.4028234663852886e38;
const SPECIAL_FLOATS = new Set(['NaN', 'Infinity', '-Infinity']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** A value as messages show it: JSON, cut short when long. */
export function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** What a JSON value is, for "is a list, not a string". */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'true or false';
  return 'a number';
}

function checkInteger(type: string, value: unknown): string | undefined {
  const [min, max] = INT_RANGES[type]!;
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'is not an integer';
    if (!Number.isInteger(value)) return 'is not a whole number';
    if (SIXTY_FOUR.has(type) && !Number.isSafeInteger(value)) {
      return 'is beyond 2^53, where JSON numbers lose digits: give it as a string of digits';
    }
    n = BigInt(value);
  } else if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    n = BigInt(value);
  } else {
    return typeof value === 'string' ? 'is not an integer' : `is ${jsonKind(value)}, not an integer`;
  }
  return n < min || n > max ? `is out of range (${min} to ${max})` : undefined;
}

function checkFloat(type: string, value: unknown): string | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && SPECIAL_FLOATS.has(value)) return undefined;
  else if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) n = Number(value);
  else return typeof value === 'string' ? 'is not a number' : `is ${jsonKind(value)}, not a number`;
  if (type === 'float' && Math.abs(n) > FLOAT_MAX) return `is out of range for float (at most ${FLOAT_MAX})`;
  return undefined;
}

function checkEnum(type: protobuf.Enum, value: unknown): string | undefined {
  const known =
    typeof value === 'string' ? value in type.values : Number.isInteger(value) && (value as number) in type.valuesById;
  if (known) return undefined;
  const values = Object.entries(type.values)
    .map(([name, number]) => `${name}=${number}`)
    .join(', ');
  if (typeof value !== 'string' && typeof value !== 'number')
    return `is ${jsonKind(value)}, not a value of the enum (${values})`;
  return `is not a value of the enum (${values})`;
}

/** The reason a scalar or enum value does not fit `type`, or undefined when it does. */
function checkScalar(type: string, resolved: protobuf.ReflectionObject | null, value: unknown): string | undefined {
  if (resolved instanceof protobuf.Enum) return checkEnum(resolved, value);
  if (type in INT_RANGES) return checkInteger(type, value);
  if (type === 'double' || type === 'float') return checkFloat(type, value);
  if (type === 'bool') return typeof value === 'boolean' ? undefined : `is ${jsonKind(value)}, not true or false`;
  if (type === 'string') return typeof value === 'string' ? undefined : `is ${jsonKind(value)}, not a string`;
  if (type === 'bytes') {
    if (typeof value !== 'string') return `is ${jsonKind(value)}, not base64 text`;
    return BASE64.test(value) ? undefined : 'is not base64 text';
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The type name a message shows: the proto's own spelling for scalars, the full name for messages and enums. */
function typeName(field: protobuf.Field): string {
  return field.resolvedType ? field.resolvedType.fullName.replace(/^\./, '') : field.type;
}

function fieldTypeText(field: protobuf.Field): string {
  const entry = mapEntry(field);
  if (entry) return `map<${entry.key.type}, ${typeName(entry.value)}>`;
  return field.repeated ? `repeated ${typeName(field)}` : typeName(field);
}

/**
 * The key and value fields of a map field. Types rebuilt from descriptors keep a map as the wire sees it, a repeated
 * entry message of its own (nested in the field's message, marked map_entry, fields key = 1 and value = 2).
 */
function mapEntry(field: protobuf.Field): { key: protobuf.Field; value: protobuf.Field } | undefined {
  const entry = field.resolvedType;
  if (!field.repeated || !(entry instanceof protobuf.Type) || entry.parent !== field.parent) return undefined;
  if (entry.options?.map_entry !== true) return undefined;
  const key = entry.fieldsById[1];
  const value = entry.fieldsById[2];
  return key && value && key.name === 'key' && value.name === 'value' ? { key, value } : undefined;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** One element (of a list or a map, or a singular field): a nested message is checked field by field. */
function checkElement(field: protobuf.Field, value: unknown, path: string, problems: ValueProblem[]): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    if (!isObject(value)) {
      problems.push({ path, protoType: typeName(field), value, reason: `is ${jsonKind(value)}, not an object` });
    } else {
      checkFields(resolved, value, path, problems);
    }
    return;
  }
  const reason = checkScalar(field.type, resolved, value);
  if (reason) problems.push({ path, protoType: typeName(field), value, reason });
}

function checkFields(type: protobuf.Type, message: Record<string, unknown>, path: string, problems: ValueProblem[]) {
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    // null is proto3 JSON's "not given"; fields the message does not have are the caller's business.
    if (value === undefined || value === null) continue;
    const at = join(path, field.name);
    const entry = mapEntry(field);
    if (entry) {
      if (!isObject(value)) {
        problems.push({
          path: at,
          protoType: fieldTypeText(field),
          value,
          reason: `is ${jsonKind(value)}, not an object`,
        });
        continue;
      }
      const keyType = entry.key.type;
      for (const [key, item] of Object.entries(value)) {
        const where = `${at}[${JSON.stringify(key)}]`;
        const keyValue = keyType === 'bool' ? (key === 'true' ? true : key === 'false' ? false : key) : key;
        const keyReason = keyType === 'string' ? undefined : checkScalar(keyType, null, keyValue);
        if (keyReason) problems.push({ path: where, protoType: `${keyType} key`, value: key, reason: keyReason });
        else if (item === null)
          problems.push({ path: where, protoType: typeName(entry.value), value: item, reason: 'is null' });
        else checkElement(entry.value, item, where, problems);
      }
    } else if (field.repeated) {
      if (!Array.isArray(value)) {
        problems.push({
          path: at,
          protoType: fieldTypeText(field),
          value,
          reason: `is ${jsonKind(value)}, not a list`,
        });
        continue;
      }
      value.forEach((item, i) => {
        if (item === null)
          problems.push({ path: `${at}[${i}]`, protoType: typeName(field), value: item, reason: 'is null' });
        else checkElement(field, item, `${at}[${i}]`, problems);
      });
    } else {
      checkElement(field, value, at, problems);
    }
  }
  for (const oneof of type.oneofsArray) {
    const given = oneof.fieldsArray.filter((f) => message[f.name] !== undefined && message[f.name] !== null);
    if (given.length > 1) {
      problems.push({
        path: join(path, given[1]!.name),
        protoType: fieldTypeText(given[1]!),
        value: message[given[1]!.name],
        reason: `is given together with "${given[0]!.name}", but both belong to oneof "${oneof.name}": give one`,
      });
    }
  }
}

/** Every value of `message` that does not fit its field in `type`, in field order. Unknown fields are not checked. */
export function checkMessageValue(type: protobuf.Type, message: Record<string, unknown>): ValueProblem[] {
  const problems: ValueProblem[] = [];
  checkFields(type, message, '', problems);
  return problems;
}
