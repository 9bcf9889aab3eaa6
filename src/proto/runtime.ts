// Loads a node's .proto at run time with @grpc/proto-loader (no code generation) and answers what the engine needs
// to call it: which gRPC service holds an operation, how to encode its request and decode its response, and the
// fields of each message (for mapping one service's output onto another's input by field name).
// Static inspection for `export` (services, rpcs, compatibility) lives beside this file and uses protobufjs directly.
import { dirname } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { UserError } from '../errors.js';
import { displayPath } from '../util/paths.js';
import { checkPackageImports } from './imports.js';

/** The loader options of the runtime: decoded messages keep proto field names, longs and enums read as strings. */
const RUNTIME_LOAD_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export type MessageType = protoLoader.MessageTypeDefinition<object, object>;
export type MethodDefinition = protoLoader.MethodDefinition<object, object>;

/** One field of a message, as the loader's DescriptorProto describes it. */
export interface FieldDescriptor {
  name: string;
  number: number;
  repeated: boolean;
  /** A `map<k, v>` field (repeated entries on the wire, an object once decoded). */
  map: boolean;
  /** TYPE_STRING, TYPE_INT64, TYPE_MESSAGE, TYPE_ENUM, ... */
  type: string;
  /** For TYPE_MESSAGE / TYPE_ENUM: the referenced type's name as written in the proto (not resolved). */
  typeName: string;
}

/** A message of a loaded proto. */
export interface RuntimeMessage {
  /** Fully qualified name, e.g. `energy.DataRequest` (a nested type falls back to its own name). */
  fullName: string;
  definition: MessageType;
  fields: FieldDescriptor[];
  /** The decoded empty message: every field at its proto3 default (enums by name, longs as strings). */
  defaults: Record<string, unknown>;
  /** The descriptor as JSON: equal text means the same shape (names, numbers, types, nested types). */
  shape: string;
}

export interface RuntimeService {
  /** Fully qualified service name, e.g. `energy.DataGenerator`. */
  fullName: string;
  definition: protoLoader.ServiceDefinition;
  /** rpc names as written in the proto, in declaration order. */
  rpcs: string[];
}

export interface RuntimeProto {
  /** Path of the .proto file. */
  file: string;
  /** How the file is named in messages. */
  label: string;
  services: RuntimeService[];
  /** Top-level messages by fully qualified name. */
  messages: Map<string, RuntimeMessage>;
  /** resolveOperation's answers, per operation: nodes sharing a proto share them. */
  resolved: Map<string, ResolvedOperation>;
}

/** The operation of a node, resolved against its proto. */
export interface ResolvedOperation {
  service: RuntimeService;
  rpc: string;
  method: MethodDefinition;
  request: RuntimeMessage;
  response: RuntimeMessage;
  requestStream: boolean;
  responseStream: boolean;
}

const cache = new Map<string, RuntimeProto>();
const described = new WeakMap<MessageType, RuntimeMessage>();

function isService(def: protoLoader.AnyDefinition): def is protoLoader.ServiceDefinition {
  return typeof (def as { format?: unknown }).format !== 'string';
}

interface RawField {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName?: string;
}

interface RawMessage {
  name?: string;
  field?: RawField[];
  nestedType?: { name?: string; options?: { mapEntry?: boolean } | null }[];
}

/**
 * A message as the runtime sees it. Its defaults are decoded on first use: decoding makes protobufjs generate the
 * type's decoder, which most request types of a run never need (issue 10: a third of loading a proto).
 */
class LoadedMessage implements RuntimeMessage {
  private decoded: Record<string, unknown> | undefined;

  constructor(
    readonly fullName: string,
    readonly definition: MessageType,
    readonly fields: FieldDescriptor[],
    readonly shape: string,
  ) {}

  get defaults(): Record<string, unknown> {
    return (this.decoded ??= this.definition.deserialize(Buffer.alloc(0)) as Record<string, unknown>);
  }
}

/** Describes a message type once (memoized on the loader's definition object). */
function describeMessage(definition: MessageType, fullName?: string): RuntimeMessage {
  const known = described.get(definition);
  if (known) return known;
  const raw = definition.type as RawMessage;
  const mapEntries = new Set(
    (raw.nestedType ?? []).filter((n) => n.options?.mapEntry === true).map((n) => n.name ?? ''),
  );
  const fields = (raw.field ?? []).map((f) => {
    const typeName = f.typeName ?? '';
    const repeated = f.label === 'LABEL_REPEATED';
    return {
      name: f.name,
      number: f.number,
      repeated,
      map: repeated && f.type === 'TYPE_MESSAGE' && mapEntries.has(typeName),
      type: f.type,
      typeName,
    };
  });
  const message = new LoadedMessage(fullName ?? raw.name ?? '?', definition, fields, JSON.stringify(definition.type));
  described.set(definition, message);
  return message;
}

/**
 * Loads `file` (imports resolved from its folder). Results are cached per path, so nodes sharing a proto share its
 * definitions. With `root` (the export package), every import is first checked to stay inside it (checkPackageImports):
 * a package never makes the loader read a file outside itself. Thrown: UserError PROTO_INVALID, one line naming the
 * file, when it does not parse or an import is missing; PROTO_IMPORT_* from the package check.
 */
export function loadRuntimeProto(file: string, label = file, root?: string): RuntimeProto {
  const cached = cache.get(file);
  if (cached) return cached;
  if (root !== undefined) checkPackageImports(file, root);
  let packageDefinition: protoLoader.PackageDefinition;
  try {
    packageDefinition = protoLoader.loadSync(file, { ...RUNTIME_LOAD_OPTIONS, includeDirs: [dirname(file)] });
  } catch (cause) {
    throw new UserError('PROTO_INVALID', `${label}: ${describeLoadError(cause, file)}`, {
      file: label,
      hint: 'fix the .proto file (it must compile with protoc)',
      cause,
    });
  }
  const services: RuntimeService[] = [];
  const messages = new Map<string, RuntimeMessage>();
  for (const [fullName, def] of Object.entries(packageDefinition)) {
    if (isService(def)) {
      services.push({ fullName, definition: def, rpcs: Object.keys(def) });
    } else if (def.format === 'Protocol Buffer 3 DescriptorProto') {
      messages.set(fullName, describeMessage(def as MessageType, fullName));
    }
  }
  const proto: RuntimeProto = { file, label, services, messages, resolved: new Map() };
  cache.set(file, proto);
  return proto;
}

/** protobufjs reports `illegal token 'x' (/abs/file.proto, line 3)`: keep the reason and the line, drop the path. */
function describeLoadError(cause: unknown, file: string): string {
  const err = cause as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') {
    const missing = err.path ?? /'([^']+)'/.exec(err.message)?.[1];
    if (!missing || missing === file) return 'file not found';
    return `cannot read imported file ${displayPath(missing)}`;
  }
  const message = String(err.message ?? cause).split('\n')[0]!;
  // protobufjs ends its messages with `(line 3)`, or `(/path/other.proto, line 3)` for an imported file.
  const m = /^(.*) \((?:(.+?), )?line (\d+)\)$/.exec(message);
  if (m) {
    const where = m[2] === undefined || m[2] === file ? `line ${m[3]}` : `${m[2]} line ${m[3]}`;
    return `invalid proto at ${where}: ${m[1]}`;
  }
  return `invalid proto: ${message}`;
}

/**
 * The loader builds a fresh definition object for each method's request and response, so the fully qualified name
 * is recovered by matching the descriptor against the proto's top-level messages (nested types keep their own name).
 */
function methodMessage(proto: RuntimeProto, definition: MessageType): RuntimeMessage {
  const shape = JSON.stringify(definition.type);
  for (const message of proto.messages.values()) {
    if (message.shape === shape) return new LoadedMessage(message.fullName, definition, message.fields, shape);
  }
  return describeMessage(definition);
}

/**
 * Finds the service whose rpcs contain `operation`. Thrown: UserError OPERATION_NOT_FOUND when no service has it, or
 * OPERATION_AMBIGUOUS when two do; both name the node and list what the proto offers.
 */
export function resolveOperation(proto: RuntimeProto, nodeLabel: string, operation: string): ResolvedOperation {
  const known = proto.resolved.get(operation);
  if (known) return known;
  const holders = proto.services.filter((s) => s.rpcs.includes(operation));
  const offered = proto.services.map((s) => `${s.fullName}(${s.rpcs.join(', ')})`).join(', ') || 'no services';
  if (holders.length === 0) {
    throw new UserError(
      'OPERATION_NOT_FOUND',
      `${nodeLabel}: operation "${operation}" is not an rpc of ${proto.label}, which offers ${offered}`,
      { file: proto.label, hint: 'the blueprint and the proto disagree: re-export the package' },
    );
  }
  if (holders.length > 1) {
    throw new UserError(
      'OPERATION_AMBIGUOUS',
      `${nodeLabel}: operation "${operation}" is an rpc of ${holders.length} services in ${proto.label}: ` +
        holders.map((s) => s.fullName).join(', '),
      { file: proto.label, hint: 'give each rpc a name unique within its proto' },
    );
  }
  const service = holders[0]!;
  const method = service.definition[operation]!;
  const resolved: ResolvedOperation = {
    service,
    rpc: operation,
    method,
    request: methodMessage(proto, method.requestType),
    response: methodMessage(proto, method.responseType),
    requestStream: method.requestStream,
    responseStream: method.responseStream,
  };
  proto.resolved.set(operation, resolved);
  return resolved;
}

/** Message type equality for pass-through: the same full name and the same descriptor. */
export function sameMessageType(a: RuntimeMessage, b: RuntimeMessage): boolean {
  return a === b || (a.fullName === b.fullName && a.shape === b.shape);
}
