// Building a node's request from its upstream outputs. A link of the same message type passes the output through
// unchanged; otherwise request fields are filled by name from same-named output fields of a compatible type (nested
// messages are then matched by name again when the request is encoded). Fan-in merges upstreams in blueprint order.
import type { FieldDescriptor, RuntimeMessage } from '../proto/runtime.js';
import { sameMessageType } from '../proto/runtime.js';
import type { NodeId } from '../graph/types.js';
import type { LinkPlan, Message, PreparedNode } from './types.js';

const INTEGER = new Set([
  'TYPE_INT32',
  'TYPE_INT64',
  'TYPE_UINT32',
  'TYPE_UINT64',
  'TYPE_SINT32',
  'TYPE_SINT64',
  'TYPE_FIXED32',
  'TYPE_FIXED64',
  'TYPE_SFIXED32',
  'TYPE_SFIXED64',
]);

/** What a field holds once decoded: values of one kind convert into each other when encoded. */
function kind(field: FieldDescriptor): string {
  let base: string;
  if (field.map) base = 'map';
  else if (INTEGER.has(field.type)) base = 'integer';
  else if (field.type === 'TYPE_FLOAT' || field.type === 'TYPE_DOUBLE') base = 'float';
  else base = field.type;
  return field.repeated && !field.map ? `repeated ${base}` : base;
}

/**
 * Whether a source field's values can be carried into a target field: the same kind, or integers into floats (the
 * export's check accepts them, as the original system did; encoding converts, int64 strings included).
 */
function carries(source: FieldDescriptor, target: FieldDescriptor): boolean {
  const s = kind(source);
  const t = kind(target);
  return s === t || s.replace(/integer$/, 'float') === t;
}

/** A field's type as the proto writes it, for messages. */
function typeText(field: FieldDescriptor): string {
  const base = field.typeName || field.type.replace(/^TYPE_/, '').toLowerCase();
  if (field.map) return `map ${field.typeName}`;
  return field.repeated ? `repeated ${base}` : base;
}

const mappings = new WeakMap<RuntimeMessage, WeakMap<RuntimeMessage, Omit<LinkPlan, 'from' | 'to'>>>();

/** How `output` maps onto `input`, computed once per pair of message types (large plans repeat them). */
function mapping(output: RuntimeMessage, input: RuntimeMessage): Omit<LinkPlan, 'from' | 'to'> {
  let byInput = mappings.get(output);
  if (!byInput) mappings.set(output, (byInput = new WeakMap()));
  const known = byInput.get(input);
  if (known) return known;
  let result: Omit<LinkPlan, 'from' | 'to'>;
  if (sameMessageType(output, input)) {
    result = { mode: 'pass-through', fields: input.fields.map((f) => f.name), skipped: [], absent: [] };
  } else {
    const sourceFields = new Map(output.fields.map((f) => [f.name, f]));
    const fields: string[] = [];
    const skipped: string[] = [];
    const absent: string[] = [];
    for (const target of input.fields) {
      const source = sourceFields.get(target.name);
      if (!source) absent.push(target.name);
      else if (carries(source, target)) fields.push(target.name);
      else skipped.push(`${target.name}: ${typeText(source)} vs ${typeText(target)}`);
    }
    result = { mode: 'mapped', fields, skipped, absent };
  }
  byInput.set(input, result);
  return result;
}

/** Plans one edge: pass-through for the same message type, else the fields mapped by name. */
export function planLink(from: PreparedNode, to: PreparedNode): LinkPlan {
  const { mode, fields, skipped, absent } = mapping(from.call.response, to.call.request);
  return { from: from.id, to: to.id, mode, fields, skipped, absent };
}

/** Structural equality of decoded message values (objects, arrays, strings, numbers, Buffers). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => sameValue(v, other[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  return ka.every(
    (k) => Object.prototype.hasOwnProperty.call(rb, k) && sameValue((a as Record<string, unknown>)[k], rb[k]),
  );
}

/** What a warning shows of a value: short JSON. */
function preview(value: unknown): string {
  const text = Buffer.isBuffer(value) ? `<${value.length} bytes>` : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export interface UpstreamOutput {
  from: NodeId;
  output: Message;
  /** The upstream's output type. */
  message: RuntimeMessage;
  link: LinkPlan;
}

/**
 * The request of a node with upstreams (given in blueprint order). One pass-through upstream: its output as is.
 * Otherwise mapped fields are merged; a field at its proto3 default does not count as given, and two upstreams
 * giving different values for one field produce a warning naming both (the later one in blueprint order wins).
 */
export function buildRequest(node: NodeId, upstreams: UpstreamOutput[], warn: (message: string) => void): Message {
  if (upstreams.length === 1 && upstreams[0]!.link.mode === 'pass-through') return upstreams[0]!.output;
  const request: Message = {};
  const givenBy = new Map<string, NodeId>();
  for (const up of upstreams) {
    for (const field of up.link.fields) {
      const value = up.output[field];
      const isDefault = value === undefined || sameValue(value, up.message.defaults[field]);
      const earlier = givenBy.get(field);
      if (isDefault) {
        if (!(field in request)) request[field] = value;
        continue;
      }
      if (earlier !== undefined && !sameValue(request[field], value)) {
        warn(
          `node "${node}": upstreams "${earlier}" and "${up.from}" give different values for field "${field}" ` +
            `(${preview(request[field])} vs ${preview(value)}); using "${up.from}"'s`,
        );
      }
      request[field] = value;
      givenBy.set(field, up.from);
    }
  }
  return request;
}

/** Fields of an initial input that the request type does not have (they would be dropped silently when encoded). */
export function unknownFields(input: Message, message: RuntimeMessage): string[] {
  const names = new Set(message.fields.map((f) => f.name));
  return Object.keys(input).filter((k) => !names.has(k));
}
