// connections.json of a use case: read (syntax + schema), then checked against the services' protos — every service
// and rpc it names exists, each connection's output message fits the next input field by field (message by message
// for streams), and every cycle of connections passes through a streaming rpc (a cycle of unary calls would wait for
// itself forever).
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type protobuf from 'protobufjs';
import { compareMessages, type FieldMismatch } from '../proto/compat.js';
import { messageType } from '../proto/inspect.js';
import { readJsonFile } from '../util/json-file.js';
import { displayPath } from '../util/paths.js';
import type { UseCaseCompose } from './compose.js';
import type { UseCaseService } from './load.js';

export const CONNECTIONS_FILE = 'connections.json';

/** One entry of connections.json: the output of from_service.from_method becomes the input of to_service.to_method. */
export interface ConnectionSpec {
  from_service: string;
  from_method: string;
  to_service: string;
  to_method: string;
}

export interface ConnectionsFile {
  pipeline: {
    name: string;
    description?: string;
    start_service?: string;
    connections: ConnectionSpec[];
  };
}

export interface ReadConnections {
  path: string;
  /** How the file is named in messages. */
  label: string;
  data: ConnectionsFile;
}

/** Reads <dir>/connections.json. Thrown: UserError FILE_NOT_FOUND, INVALID_JSON, SCHEMA_VIOLATION. */
export function readConnections(dir: string): ReadConnections {
  const path = join(dir, CONNECTIONS_FILE);
  const name = displayPath(path);
  const data = readJsonFile<ConnectionsFile>(
    path,
    'connections',
    name,
    'a use case describes its pipeline in connections.json (see README: connections.json)',
  );
  return { path, label: name, data };
}

function fail(
  file: ReadConnections,
  pointer: string,
  code: string,
  message: string,
  hint?: string,
  details?: Record<string, unknown>,
): never {
  throw new UserError(code, `${file.label} ${pointer}: ${message}`, { file: file.label, pointer, hint, details });
}

function lookupService(
  file: ReadConnections,
  pointer: string,
  name: string,
  byName: Map<string, UseCaseService>,
  services: UseCaseService[],
  compose: UseCaseCompose,
): UseCaseService {
  const found = byName.get(name);
  if (found) return found;
  const known = services.map((s) => s.composeService).sort();
  const asFolder = services.find((s) => s.folder === name);
  const inCompose = compose.services.find((s) => s.name === name);
  const hint = asFolder
    ? `"${name}" is a folder name; connections.json uses docker-compose.yml service names: "${asFolder.composeService}"`
    : inCompose
      ? `"${name}" is in docker-compose.yml but not built from a services/<folder>, so it is no pipeline node`
      : 'connections.json names docker-compose.yml services that are built from a services/<folder>';
  return fail(
    file,
    pointer,
    'UNKNOWN_SERVICE',
    `unknown service "${name}" (pipeline services: ${known.length ? known.join(', ') : 'none'})`,
    hint,
  );
}

function lookupRpc(file: ReadConnections, pointer: string, service: UseCaseService, method: string) {
  const rpc = service.rpcs.find((r) => r.name === method);
  if (rpc) return rpc;
  return fail(
    file,
    pointer,
    'UNKNOWN_METHOD',
    `${service.composeService} has no rpc "${method}" (its rpcs: ${service.rpcs.map((r) => r.name).join(', ') || 'none'})`,
    `rpc names are case-sensitive, as written in ${displayPath(service.proto.file)}`,
  );
}

function describeMismatches(mismatches: FieldMismatch[]): string {
  return mismatches.map((m) => `field "${m.field}": ${m.reason}`).join('; ');
}

/** What a target field no upstream gives becomes at run time (proto3). */
export const LEFT_AT_DEFAULT = 'left at default / from --input';

function quoted(fields: string[]): string {
  return `field${fields.length === 1 ? '' : 's'} ${fields.map((f) => `"${f}"`).join(', ')}`;
}

/**
 * The notes of one connection whose messages differ without an error: narrowed numbers (a warning), target fields the
 * source lacks (reported), or no field in common at all (a warning).
 */
function connectionNotes(
  at: string,
  link: string,
  source: protobuf.Type,
  target: protobuf.Type,
  mismatches: FieldMismatch[],
): string[] {
  const notes: string[] = [];
  const narrowing = mismatches.filter((m) => m.severity === 'narrowing');
  if (narrowing.length > 0) {
    notes.push(
      `${at}: ${link}: ${describeMismatches(narrowing)}: narrowed when passed on (values may lose precision or range)`,
    );
  }
  const absent = mismatches.filter((m) => m.severity === 'absent').map((m) => m.field);
  const targetName = target.fullName.replace(/^\./, '');
  const sourceName = source.fullName.replace(/^\./, '');
  const topLevel = target.fieldsArray.map((f) => f.name);
  if (topLevel.length > 0 && topLevel.every((f) => absent.includes(f))) {
    notes.push(
      `${at}: ${link}: ${sourceName} and ${targetName} have no field in common, so every field of ${targetName} is ${LEFT_AT_DEFAULT}`,
    );
  } else if (absent.length > 0) {
    notes.push(`${at}: ${link}: ${quoted(absent)} of ${targetName} not in ${sourceName}: ${LEFT_AT_DEFAULT}`);
  }
  return notes;
}

/**
 * A cycle among operations that no streaming connection breaks, as the list of `service.method` it passes through
 * (first repeated at the end). `isStream(i)`: connection i carries a stream.
 */
function findUnaryCycle(
  connections: ConnectionSpec[],
  isStream: (index: number) => boolean,
): { path: string[]; index: number } | undefined {
  const edges = new Map<string, { to: string; index: number }[]>();
  const nodes: string[] = [];
  const add = (node: string) => {
    if (!edges.has(node)) {
      edges.set(node, []);
      nodes.push(node);
    }
  };
  connections.forEach((c, index) => {
    const from = `${c.from_service}.${c.from_method}`;
    const to = `${c.to_service}.${c.to_method}`;
    add(from);
    add(to);
    if (!isStream(index)) edges.get(from)!.push({ to, index });
  });
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  let found: { path: string[]; index: number } | undefined;
  const visit = (node: string): boolean => {
    state.set(node, 'open');
    stack.push(node);
    for (const edge of edges.get(node)!) {
      const s = state.get(edge.to);
      if (s === 'open') {
        const start = stack.indexOf(edge.to);
        found = { path: [...stack.slice(start), edge.to], index: edge.index };
        return true;
      }
      if (s === undefined && visit(edge.to)) return true;
    }
    stack.pop();
    state.set(node, 'done');
    return false;
  };
  for (const node of nodes) if (!state.has(node) && visit(node)) return found;
  return undefined;
}

/**
 * Checks connections.json against the use case's services and returns what is worth telling (narrowed numbers, target
 * fields no source gives, links with no field in common), one line each naming the connection. Thrown: UserError
 * UNKNOWN_SERVICE, UNKNOWN_METHOD, DUPLICATE_CONNECTION, INCOMPATIBLE_MESSAGES (every field whose value cannot be
 * carried), CONNECTION_CYCLE (a cycle without a streaming rpc, with its path).
 */
export function checkConnections(file: ReadConnections, services: UseCaseService[], compose: UseCaseCompose): string[] {
  const byName = new Map(services.map((s) => [s.composeService, s]));
  const { pipeline } = file.data;
  if (pipeline.start_service !== undefined) {
    lookupService(file, '/pipeline/start_service', pipeline.start_service, byName, services, compose);
  }
  const seen = new Map<string, number>();
  const endpoints = pipeline.connections.map((c, i) => {
    const at = `/pipeline/connections/${i}`;
    const from = lookupService(file, `${at}/from_service`, c.from_service, byName, services, compose);
    const out = lookupRpc(file, `${at}/from_method`, from, c.from_method);
    const to = lookupService(file, `${at}/to_service`, c.to_service, byName, services, compose);
    const input = lookupRpc(file, `${at}/to_method`, to, c.to_method);
    const key = JSON.stringify([c.from_service, c.from_method, c.to_service, c.to_method]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      fail(
        file,
        at,
        'DUPLICATE_CONNECTION',
        `repeats /pipeline/connections/${earlier} (${c.from_service}.${c.from_method} -> ${c.to_service}.${c.to_method})`,
        'remove one of the two',
      );
    }
    seen.set(key, i);
    return { c, from, out, to, input };
  });
  const cycle = findUnaryCycle(
    pipeline.connections,
    (i) => endpoints[i]!.out.responseStream || endpoints[i]!.input.requestStream,
  );
  if (cycle) {
    fail(
      file,
      `/pipeline/connections/${cycle.index}`,
      'CONNECTION_CYCLE',
      `the connections form a cycle without a streaming rpc: ${cycle.path.join(' -> ')}`,
      'in a cycle of unary calls each call waits for its own output; let one rpc of the cycle return or take a ' +
        '`stream`, or remove one connection of the cycle',
      { cycle: cycle.path },
    );
  }
  // Messages last: a wrong name or a cycle is the more basic mistake, and its message is the more useful one.
  const notes: string[] = [];
  endpoints.forEach(({ c, from, out, to, input }, i) => {
    const at = `/pipeline/connections/${i}`;
    const source = messageType(from.proto, out.responseType);
    const target = messageType(to.proto, input.requestType);
    const mismatches = compareMessages(source, target);
    const errors = mismatches.filter((m) => m.severity === 'error');
    if (errors.length > 0) {
      fail(
        file,
        at,
        'INCOMPATIBLE_MESSAGES',
        `${c.from_service}.${c.from_method} returns ${out.responseType}, which ${c.to_service}.${c.to_method} cannot take as ${input.requestType}: ${describeMismatches(errors)}`,
        'a field of the input message whose output namesake has a type that cannot be carried (a string into a number, a message into a scalar, a list into a single value): rename one, or change its type',
        { mismatches: errors },
      );
    }
    const link = `${c.from_service}.${c.from_method} -> ${c.to_service}.${c.to_method}`;
    notes.push(...connectionNotes(`${file.label} ${at}`, link, source, target, mismatches));
  });
  return notes;
}
