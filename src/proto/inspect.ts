// Static inspection of a .proto file for `export`: which services and rpcs it declares (with stream flags and
// fully-qualified message types) and which files it pulls in through imports. Parsing is protobufjs's own parser,
// so comments, options, multi-line declarations, nested messages and package-qualified names behave as in protoc.
// Imports are found as import-resolver.ts says (the importing file's folder, the proto's folder, --proto-path, then a
// unique match in the use case); google/protobuf well-known types come bundled with protobufjs.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import { UserError } from '../errors.js';
import { displayPath } from '../util/paths.js';
import { ImportResolver, type ImportSearch } from './import-resolver.js';
import { stripComments } from './imports.js';

export interface RpcInfo {
  name: string;
  /** Fully-qualified request message, without the leading dot (e.g. `energy.DataRequest`, `google.protobuf.Empty`). */
  requestType: string;
  responseType: string;
  requestStream: boolean;
  responseStream: boolean;
}

export interface ServiceInfo {
  name: string;
  /** Package-qualified name without the leading dot (e.g. `energy.DataGenerator`). */
  fullName: string;
  rpcs: RpcInfo[];
}

export interface ProtoImport {
  /** Absolute path of the imported file. */
  file: string;
  /** Where it sits in the package relative to the proto's folder, `/`-separated: where the runtime finds it. */
  importPath: string;
}

export interface ProtoInfo {
  /** Absolute path of the proto. */
  file: string;
  package?: string;
  services: ServiceInfo[];
  /** This proto and every imported file that is not a well-known type: absolute, sorted. */
  files: string[];
  /** The imported files of `files` (all but the proto itself), sorted by importPath. */
  imports: ProtoImport[];
  /** The parsed and resolved protobufjs root holding every type of the proto and its imports. */
  root: protobuf.Root;
  /** Imports found by searching the use case, one line each saying where. */
  notes: string[];
}

const PARSE_OPTIONS: protobuf.IParseOptions = { keepCase: true, alternateCommentMode: true };
const WELL_KNOWN_PREFIX = 'google/protobuf/';

/** The protobufjs folder: google/protobuf/{api,descriptor,source_context,type}.proto ship there, not in `common`. */
const protobufjsGoogleDir = join(
  dirname(createRequire(import.meta.url).resolve('protobufjs/package.json')),
  'google',
  'protobuf',
);

/** Line (1-based) and column of the first match of `pattern` at or after `fromLine`, or undefined. */
function locate(source: string, pattern: RegExp, fromLine = 1): { line: number; column: number } | undefined {
  const lines = source.split('\n');
  for (let i = Math.max(0, fromLine - 1); i < lines.length; i++) {
    const m = pattern.exec(lines[i]!);
    if (m) return { line: i + 1, column: m.index + 1 };
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function where(file: string, at: { line: number; column: number } | undefined): string {
  return at ? `${displayPath(file)}:${at.line}:${at.column}` : displayPath(file);
}

function syntaxError(file: string, at: { line: number; column: number } | undefined, reason: string): UserError {
  const place = where(file, at);
  return new UserError('PROTO_SYNTAX', `${place}: ${reason}`, {
    file: displayPath(file),
    pointer: at ? `${at.line}:${at.column}` : undefined,
    hint: 'fix the .proto file (protoc reports the same place)',
  });
}

/**
 * Turns a protobufjs parse error ("illegal token 'x' (file, line 3)", "illegal string (line 2)", ...) into a
 * PROTO_SYNTAX UserError with line and column. protobufjs reports only the line; the column is where the offending
 * token first appears on it.
 */
function parseFailure(file: string, source: string, err: unknown): UserError {
  const message = err instanceof Error ? err.message : String(err);
  const m = /^(.*?)\s*\((?:.*, )?line (\d+)\)$/.exec(message);
  if (m) {
    const line = Number(m[2]);
    const reasonText = m[1]!;
    const token = /'([^']*)'/.exec(reasonText)?.[1];
    const text = source.split('\n')[line - 1] ?? '';
    const index = token ? text.indexOf(token) : -1;
    const column = index >= 0 ? index + 1 : text.length - text.trimStart().length + 1;
    const reason = reasonText
      .replace(/^illegal token '([^']*)', (.*)$/, "unexpected '$1', $2")
      .replace(/^illegal token '([^']*)'$/, "unexpected '$1'")
      .replace(/^illegal (\w+) '([^']*)'$/, "invalid $1 '$2'")
      .replace(/^illegal (\w+)$/, 'invalid $1');
    return syntaxError(file, { line, column }, reason);
  }
  const dup = /^duplicate name '([^']+)' in (.*)$/.exec(message);
  if (dup) {
    const name = dup[1]!;
    const decl = new RegExp(`\\b(message|enum|service|rpc)\\s+${escapeRegExp(name)}\\b`);
    const first = locate(source, decl);
    const second = first ? locate(source, decl, first.line + 1) : undefined;
    return syntaxError(file, second ?? first, `duplicate name '${name}'`);
  }
  if (err instanceof TypeError) {
    // protobufjs trips over a file that ends inside a declaration instead of reporting it.
    const lines = source.replace(/\s+$/, '').split('\n');
    return syntaxError(
      file,
      { line: lines.length, column: lines[lines.length - 1]!.length + 1 },
      'unexpected end of file',
    );
  }
  return syntaxError(file, undefined, message);
}

/** protobufjs's parser, naming `file` in its own errors and in the `filename` of what it declares. */
function parseSource(file: string, source: string, root: protobuf.Root): protobuf.IParserResult {
  // `parse.filename` is a documented static property the typings leave out.
  const parse = protobuf.parse as typeof protobuf.parse & { filename: string | null };
  parse.filename = file;
  try {
    return parse(source, root, PARSE_OPTIONS);
  } finally {
    parse.filename = null;
  }
}

/** Where protobufjs ships a google/protobuf/<name>.proto that its `common` bundle lacks. */
function shippedWellKnown(importPath: string): string {
  return join(protobufjsGoogleDir, importPath.slice(WELL_KNOWN_PREFIX.length));
}

function isWellKnown(importPath: string): boolean {
  if (!importPath.startsWith(WELL_KNOWN_PREFIX)) return false;
  return protobuf.common.get(importPath) !== null || existsSync(shippedWellKnown(importPath));
}

interface LoadState {
  rootDir: string;
  root: protobuf.Root;
  /** Absolute path -> source text, for every loaded user file. */
  sources: Map<string, string>;
  /** Absolute path -> where the file sits in the package, relative to the service proto's folder. */
  packagePaths: Map<string, string>;
  wellKnownLoaded: Set<string>;
  resolver: ImportResolver;
  notes: string[];
}

function loadWellKnown(state: LoadState, importPath: string): void {
  if (state.wellKnownLoaded.has(importPath)) return;
  state.wellKnownLoaded.add(importPath);
  const bundled = protobuf.common.get(importPath);
  if (bundled) {
    state.root.addJSON(bundled.nested ?? {});
    return;
  }
  const path = shippedWellKnown(importPath);
  const parsed = parseSource(path, readFileSync(path, 'utf8'), state.root);
  for (const imp of parsed.imports ?? []) loadWellKnown(state, imp);
}

/** Loads `file` and, depth first, what it imports; `stack` holds the importing files, for cycles. */
function loadFile(state: LoadState, file: string, stack: string[] = []): void {
  if (state.sources.has(file)) return;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UserError(
      'FILE_UNREADABLE',
      `${displayPath(file)}: cannot read (${(cause as NodeJS.ErrnoException).code})`,
      {
        file: displayPath(file),
        cause,
      },
    );
  }
  state.sources.set(file, source);
  let parsed: protobuf.IParserResult;
  try {
    parsed = parseSource(file, source, state.root);
  } catch (err) {
    throw parseFailure(file, source, err);
  }
  for (const importPath of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
    const at = locate(source, new RegExp(`import\\s+(weak\\s+|public\\s+)?["']${escapeRegExp(importPath)}["']`));
    if (isWellKnown(importPath)) {
      loadWellKnown(state, importPath);
      continue;
    }
    if (isAbsolute(importPath) || importPath.split(/[\\/]/).includes('..')) {
      // protoc refuses these too; and the exported copy could not keep such a path working.
      throw syntaxError(
        file,
        at,
        `import "${importPath}" must be a path inside the proto folder (no "..", not absolute)`,
      );
    }
    const place = where(file, at);
    const target = state.resolver.resolve(file, state.packagePaths.get(file)!, importPath, place);
    const chain = [...stack, file];
    if (chain.includes(target.file)) {
      const cycle = [...chain.slice(chain.indexOf(target.file)), target.file].map((f) => displayPath(f));
      throw new UserError(
        'PROTO_IMPORT_CYCLE',
        `${place}: import "${importPath}" closes a cycle: ${cycle.join(' -> ')}`,
        {
          file: displayPath(file),
          hint: 'protoc refuses circular imports too: move what both need into a third file',
        },
      );
    }
    if (target.note !== undefined && !state.notes.includes(target.note)) state.notes.push(target.note);
    if (!state.packagePaths.has(target.file)) state.packagePaths.set(target.file, target.packagePath);
    loadFile(state, target.file, chain);
  }
}

/**
 * Checks every type reference (field types, rpc request and response types) before protobufjs resolves them, so an
 * unknown one is reported at its first mention in the file that uses it rather than as protobufjs's bare error.
 */
function checkTypeReferences(state: LoadState, ns: protobuf.NamespaceBase): void {
  for (const nested of ns.nestedArray) {
    const refs: { name: string; what: string; file: string | null; message: boolean }[] = [];
    if (nested instanceof protobuf.Type) {
      for (const f of nested.fieldsArray) {
        if (!(f.type in protobuf.types.defaults)) {
          refs.push({ name: f.type, what: `field ${f.name} of ${nested.name}`, file: f.filename, message: false });
        }
      }
    }
    if (nested instanceof protobuf.Service) {
      for (const m of nested.methodsArray) {
        for (const name of [m.requestType, m.responseType]) {
          refs.push({ name, what: `rpc ${m.name}`, file: m.filename ?? nested.filename, message: true });
        }
      }
    }
    for (const ref of refs) {
      if (!(nested instanceof protobuf.Namespace)) break;
      try {
        if (ref.message) nested.lookupType(ref.name);
        else nested.lookupTypeOrEnum(ref.name);
      } catch {
        const file = ref.file ?? '';
        const name = ref.name.replace(/^\./, '');
        const at = locate(state.sources.get(file) ?? '', new RegExp(`(?<![\\w.])\\.?${escapeRegExp(name)}\\b`));
        const kind = ref.message ? 'message type' : 'type';
        throw syntaxError(file, at, `unknown ${kind} "${name}" (${ref.what})`);
      }
    }
    if (nested instanceof protobuf.Namespace) checkTypeReferences(state, nested);
  }
}

function collectServices(ns: protobuf.NamespaceBase, file: string, out: protobuf.Service[]): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Service && nested.filename === file) out.push(nested);
    if (nested instanceof protobuf.Namespace) collectServices(nested, file, out);
  }
}

function fullName(obj: protobuf.ReflectionObject): string {
  return obj.fullName.replace(/^\./, '');
}

function describeService(service: protobuf.Service): ServiceInfo {
  return {
    name: service.name,
    fullName: fullName(service),
    rpcs: service.methodsArray.map((m) => ({
      name: m.name,
      requestType: fullName(m.resolvedRequestType!),
      responseType: fullName(m.resolvedResponseType!),
      requestStream: m.requestStream === true,
      responseStream: m.responseStream === true,
    })),
  };
}

/**
 * Parses `file` and everything it imports, found as ImportResolver says (`search`: the use case and --proto-path
 * folders; without it, imports come from the proto's folder only). Thrown: UserError PROTO_SYNTAX
 * (`<file>:<line>:<col>: <reason>`, also for unknown types and bad import paths), PROTO_IMPORT_NOT_FOUND,
 * PROTO_IMPORT_AMBIGUOUS, PROTO_IMPORT_OUTSIDE (also a symlink leading out), PROTO_IMPORT_CYCLE, FILE_UNREADABLE.
 */
export function loadProto(file: string, search?: ImportSearch): ProtoInfo {
  const abs = resolve(file);
  const state: LoadState = {
    rootDir: dirname(abs),
    root: new protobuf.Root(),
    sources: new Map(),
    packagePaths: new Map([[abs, basename(abs)]]),
    wellKnownLoaded: new Set(),
    resolver: new ImportResolver(dirname(abs), search),
    notes: [],
  };
  state.resolver.checkInside(abs, displayPath(abs), 'the file');
  loadFile(state, abs);
  checkTypeReferences(state, state.root);
  try {
    state.root.resolveAll();
  } catch (err) {
    throw syntaxError(abs, undefined, err instanceof Error ? err.message : String(err));
  }
  const services: protobuf.Service[] = [];
  collectServices(state.root, abs, services);
  const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(stripComments(state.sources.get(abs)!))?.[1];
  const imports = [...state.sources.keys()]
    .filter((f) => f !== abs)
    .map((f) => ({ file: f, importPath: state.packagePaths.get(f)! }))
    .sort((a, b) => (a.importPath < b.importPath ? -1 : a.importPath > b.importPath ? 1 : 0));
  return {
    file: abs,
    ...(pkg ? { package: pkg } : {}),
    services: services.map(describeService),
    files: [...state.sources.keys()].sort(),
    imports,
    root: state.root,
    notes: state.notes,
  };
}

/**
 * Whether a .proto file may declare a `service`: false when the word does not appear outside comments, which settles
 * most imported files without parsing them. A true answer needs loadProto to confirm.
 */
export function mentionsService(file: string): boolean {
  return /\bservice\b/.test(stripComments(readFileSync(file, 'utf8')));
}

/** The message type `name` (fully qualified, with or without leading dot) of a loaded proto. */
export function messageType(info: Pick<ProtoInfo, 'root'>, name: string): protobuf.Type {
  return info.root.lookupType(name.startsWith('.') ? name : `.${name}`);
}

/** How a message is named in blueprint.json: relative to the proto's package when inside it, else fully qualified. */
export function blueprintMessageName(info: Pick<ProtoInfo, 'package'>, typeName: string): string {
  return info.package && typeName.startsWith(`${info.package}.`) ? typeName.slice(info.package.length + 1) : typeName;
}
