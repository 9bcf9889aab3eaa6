// The run's command-line inputs as data: `--input` values (JSON, @file, node=JSON, node=@file) and `--address`
// overrides (container=host:port), and the start nodes' requests built from --input and checked against their
// protos before anything is called. Shared by `orchestrate` and `run`; errors are usage errors (exit 2) or, for a
// file's content or a value of the wrong type, input errors (exit 1), each naming the flag.
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { NodeId } from '../graph/types.js';
import { checkMessageValue, requestType, showValue } from '../proto/values.js';
import { parseJson, readTextFile } from '../util/json-file.js';
import { unknownFields } from './request.js';
import type { InitialInput, Message, PreparedNode, PreparedRun } from './types.js';

function isObject(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text or @file, which must hold a JSON object. */
function parseMessage(text: string, flag: string, cwd: string): Message {
  let value: unknown;
  let label = flag;
  if (text.startsWith('@')) {
    const path = resolve(cwd, text.slice(1));
    label = text.slice(1);
    value = parseJson(readTextFile(path, label, `${flag} @FILE reads a JSON file`), label);
  } else {
    try {
      value = parseJson(text, flag);
    } catch (err) {
      // parseJson's message names line and column; exit 2 because the command line itself is wrong.
      throw new UserError('USAGE', (err as Error).message, {
        exit: 2,
        hint: `${flag.split(' ')[0]} takes a JSON object, @file.json, or node=<json|@file>`,
      });
    }
  }
  if (!isObject(value)) {
    throw new UserError('INVALID_INPUT', `${label}: expected a JSON object (the request's fields by name)`, {
      exit: text.startsWith('@') ? 1 : 2,
      hint: 'e.g. --input \'{"num_records": 100}\'',
    });
  }
  return value;
}

/**
 * Parses `--input` values: `<json>` or `@file.json` for every start node, `node=<json>` or `node=@file` for one
 * start node (node = container:operation, or a container). Later values for the same target are merged over earlier
 * ones. Relative files resolve against `cwd`.
 */
export function parseInputFlags(values: string[] = [], cwd = process.cwd()): InitialInput {
  const input: InitialInput = {};
  for (const raw of values) {
    const text = raw.trim();
    // A JSON object or @file applies to every start node; anything else must be node=value.
    const eq = text.indexOf('=');
    if (text.startsWith('{') || text.startsWith('@') || text.startsWith('[') || eq <= 0) {
      input.all = { ...input.all, ...parseMessage(text, '--input', cwd) };
      continue;
    }
    const node = text.slice(0, eq).trim();
    const message = parseMessage(text.slice(eq + 1).trim(), `--input ${node}`, cwd);
    input.nodes = { ...input.nodes, [node]: { ...input.nodes?.[node], ...message } };
  }
  return input;
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** Checks `host:port` (IPv6 in brackets); thrown as a usage error naming `flag`. */
export function checkAddress(address: string, flag: string, exit: 1 | 2 = 2): string {
  const m = HOST_PORT.exec(address);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) {
    throw new UserError('INVALID_ADDRESS', `${flag}: "${address}" is not host:port`, {
      exit,
      hint: 'e.g. --address data_generator1=localhost:50051',
    });
  }
  return address;
}

/** Parses `--address container=host:port` values into a map (the last one for a container wins). */
export function parseAddressFlags(values: string[] = []): Record<string, string> {
  const addresses: Record<string, string> = {};
  for (const raw of values) {
    const eq = raw.indexOf('=');
    if (eq <= 0) {
      throw new UserError('INVALID_ADDRESS', `--address ${raw}: expected container=host:port`, {
        exit: 2,
        hint: 'e.g. --address data_generator1=localhost:50051',
      });
    }
    const container = raw.slice(0, eq).trim();
    addresses[container] = checkAddress(raw.slice(eq + 1).trim(), `--address ${container}`);
  }
  return addresses;
}

/**
 * Thrown when a start node's request holds a value its proto type cannot take (a string or a fraction for an
 * integer, a number out of range, an object for a scalar, an unknown enum value...): UserError INVALID_INPUT naming
 * the node, the field path, the proto type and the value, with the count of further problems.
 */
export function checkStartRequest(node: PreparedNode, request: Message): void {
  const problems = checkMessageValue(requestType(node.call), request);
  if (problems.length > 0) {
    const [first] = problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new UserError(
      'INVALID_INPUT',
      `--input for "${node.id}": field "${first!.path}" (${first!.protoType}): ${showValue(first!.value)} ${first!.reason}${more}`,
      {
        hint: 'give each field a value of its proto type: integers as numbers (64-bit ones also as strings of digits), enums by name or number, bytes as base64',
        details: { node: node.id, problems: problems.map((p) => ({ ...p, value: p.value })) },
      },
    );
  }
  try {
    // What the checks above let through encodes; should protobufjs still refuse, its words are the next best.
    node.call.method.requestSerialize(request);
  } catch (err) {
    throw new UserError(
      'INVALID_INPUT',
      `--input for "${node.id}": not a valid ${node.call.request.fullName}: ${fieldError(err, node.call.request.fullName)}`,
      { hint: 'give each field a value of its proto type' },
    );
  }
}

/** protobufjs names the field by its full path (`.pkg.Msg.field: array expected`): keep it relative to the message. */
function fieldError(err: unknown, fullName: string): string {
  const message = (err as Error).message ?? String(err);
  const prefix = `.${fullName}.`;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message.replace(/^\./, '');
}

/**
 * The request of each start node: `input.all` overlaid with `input.nodes[container]` and `input.nodes[id]`, each
 * checked against its proto (checkStartRequest). Fields no start node has are reported through `warn`. Thrown:
 * UserError UNKNOWN_INPUT_NODE (exit 2) for an --input naming no start node, INVALID_INPUT (exit 1) for a value of the
 * wrong type.
 */
export function startRequests(
  prepared: PreparedRun,
  input: InitialInput,
  warn: (node: NodeId | undefined, message: string) => void = () => {},
): Map<NodeId, Message> {
  const starts = prepared.graph.starts.map((id) => prepared.byId.get(id)!);
  for (const key of Object.keys(input.nodes ?? {})) {
    if (!starts.some((n) => n.id === key || n.container === key)) {
      throw new UserError(
        'UNKNOWN_INPUT_NODE',
        `--input ${key}: "${key}" is not a start node (start nodes: ${starts.map((n) => n.id).join(', ')})`,
        { exit: 2, hint: 'name a start node as container:operation, or its container' },
      );
    }
  }
  const requests = new Map<NodeId, Message>();
  for (const node of starts) {
    const request = { ...input.all, ...input.nodes?.[node.container], ...input.nodes?.[node.id] };
    const unknown = unknownFields(request, node.call.request).filter(
      // A field of the shared input may be meant for another start node: warn only when no start node has it.
      (f) => !(input.all && f in input.all) || starts.every((s) => unknownFields({ [f]: 0 }, s.call.request).length),
    );
    if (unknown.length > 0) {
      const known = node.call.request.fields.map((f) => f.name).join(', ') || 'none';
      warn(
        node.id,
        `--input: ${node.call.request.fullName} of "${node.id}" has no field ${unknown.map((f) => `"${f}"`).join(', ')} (fields: ${known}); ignored`,
      );
    }
    checkStartRequest(node, request);
    requests.set(node.id, request);
  }
  return requests;
}
