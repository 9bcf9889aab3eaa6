// `export`: turns a use case (development workspace) into an export package in the Eclipse Graphene / AI4EU
// Experiments format — blueprint.json, dockerinfo.json, generation_metadata.json and microservice/*.proto with every
// proto they import. The package is built in memory (buildExport, a pure function), validated against our own schemas,
// then written atomically (writeExport) so that a reader never sees half a package and --overwrite never loses the old
// one before the new one is complete.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join, parse, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { blueprintMessageName } from '../proto/inspect.js';
import { assertSchema } from '../schema/validate.js';
import { loadUseCase, type UseCase } from '../usecase/load.js';
import { checkExportNames } from './names.js';
import { writeDirAtomic } from '../util/atomic.js';
import { displayPath, isInside } from '../util/paths.js';
import {
  BLUEPRINT_FILE,
  DOCKERINFO_FILE,
  METADATA_FILE,
  PROTO_DIR,
  type Blueprint,
  type BlueprintNode,
  type DockerInfo,
  type GenerationMetadata,
  type Link,
} from './types.js';

/** Every service listens on this port inside its container (SEED.md: standardized internal port). */
export const INTERNAL_PORT = '50051';
export const BLUEPRINT_VERSION = '2.0';
export const BLUEPRINT_TYPE = 'pipeline-topology/v2';
export const NODE_TYPE = 'MLModel';

export interface ExportOptions {
  /** Replace an existing output folder (only once the new package is complete). */
  overwrite?: boolean;
  /** Pins blueprint.json's pipeline_id (default: a random UUID). */
  pipelineId?: string;
  /** Pins creation_date (default: SOURCE_DATE_EPOCH when set, else now). */
  now?: Date;
  /** --proto-path: folders where imports are looked for after the importing proto's own, like protoc's -I. */
  protoPaths?: readonly string[];
  /** The use case's compose file (-f), when not one of the standard names in the folder. */
  composeFile?: string;
}

/** What an export wrote, for the command's output and --json. */
export interface ExportSummary {
  /** Absolute path of the use case folder. */
  useCase: string;
  /** Absolute path of the export folder. */
  outDir: string;
  pipelineId: string;
  pipelineName: string;
  creationDate: string;
  /** Whether an existing folder was replaced (--overwrite). */
  replaced: boolean;
  /** Every file of the package, relative to outDir with `/`, sorted. */
  files: string[];
  nodes: {
    container_name: string;
    compose_service: string;
    folder: string;
    image: string;
    operations: string[];
  }[];
  /** Number of connections (blueprint `connected_to` links). */
  connections: number;
  /** services/ folders no docker-compose.yml service is built from: not exported. */
  unusedFolders: string[];
  /** Exported, but worth telling: narrowed numbers, fields left at default, imports found elsewhere; one line each. */
  notes: string[];
}

/** The package in memory: file path (relative, `/`) -> content. */
export interface ExportFiles {
  blueprint: Blueprint;
  dockerinfo: DockerInfo;
  metadata: GenerationMetadata;
  /** Every file to write, sorted by path. */
  files: Map<string, string | Buffer>;
}

const PIPELINE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

let cachedVersion: string | undefined;
function generatorVersion(): string {
  cachedVersion ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return cachedVersion;
}

/** The creation date: `now`, else SOURCE_DATE_EPOCH (reproducible builds), else the clock; ISO 8601 in seconds. */
export function creationDate(now?: Date, env: NodeJS.ProcessEnv = process.env): string {
  let date = now;
  if (!date && env.SOURCE_DATE_EPOCH !== undefined && env.SOURCE_DATE_EPOCH !== '') {
    const raw = env.SOURCE_DATE_EPOCH;
    if (!/^\d{1,12}$/.test(raw)) {
      throw new UserError(
        'USAGE',
        `SOURCE_DATE_EPOCH: expected a whole number of seconds since 1970-01-01, got ${JSON.stringify(raw)}`,
        { exit: 2, hint: 'e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)' },
      );
    }
    date = new Date(Number(raw) * 1000);
  }
  return (date ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Checks a --pipeline-id value. Thrown: UserError USAGE (exit 2). */
export function checkPipelineId(id: string): string {
  if (!PIPELINE_ID.test(id)) {
    throw new UserError(
      'USAGE',
      `--pipeline-id ${JSON.stringify(id)}: expected 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit`,
      { exit: 2, hint: 'e.g. --pipeline-id energy-pipeline-2024-06' },
    );
  }
  return id;
}

function json(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** The platform's top-level keys of blueprint.json, in the order we write them; nothing else goes there. */
export const BLUEPRINT_KEYS = ['name', 'pipeline_id', 'creation_date', 'type', 'version', 'nodes'] as const;

/**
 * Builds the package of a loaded use case in memory: pure, deterministic for the same use case, id, date and output
 * folder (generation_metadata.json's source_path is the use case relative to it; without one, ".").
 * Thrown: UserError PROTO_PATH_CONFLICT when two services import different files under one path.
 */
export function buildExport(
  useCase: UseCase,
  pipelineId: string,
  date: string,
  outDir: string = useCase.dir,
): ExportFiles {
  const byCompose = new Map(useCase.services.map((s) => [s.composeService, s]));
  const links = new Map<string, Link[]>();
  for (const c of useCase.connections) {
    const from = byCompose.get(c.from_service)!;
    const to = byCompose.get(c.to_service)!;
    // The link belongs to the operation named by from_method only (the original script put every link of a
    // container on each of its operations).
    const key = `${from.containerName}\u0000${c.from_method}`;
    const list = links.get(key) ?? [];
    list.push({ container_name: to.containerName, operation_signature: { operation_name: c.to_method } });
    links.set(key, list);
  }
  const nodes: BlueprintNode[] = useCase.services.map((s) => ({
    container_name: s.containerName,
    node_type: NODE_TYPE,
    image: s.image,
    proto_uri: `${PROTO_DIR}/${s.containerName}.proto`,
    operation_signature_list: s.rpcs.map((rpc) => ({
      operation_signature: {
        operation_name: rpc.name,
        input_message_name: blueprintMessageName(s.proto, rpc.requestType),
        input_message_stream: rpc.requestStream,
        output_message_name: blueprintMessageName(s.proto, rpc.responseType),
        output_message_stream: rpc.responseStream,
      },
      connected_to: links.get(`${s.containerName}\u0000${rpc.name}`) ?? [],
    })),
  }));
  // Exactly the platform's keys (the original's newer parser refuses any other): the description goes to
  // generation_metadata.json.
  const blueprint: Blueprint = {
    name: useCase.pipeline.name,
    pipeline_id: pipelineId,
    creation_date: date,
    type: BLUEPRINT_TYPE,
    version: BLUEPRINT_VERSION,
    nodes,
  };
  const dockerinfo: DockerInfo = {
    docker_info_list: useCase.services.map((s) => ({
      container_name: s.containerName,
      // Docker DNS resolves compose service names inside the network.
      ip_address: s.composeService,
      port: INTERNAL_PORT,
    })),
  };

  const protos = new Map<string, { from: string; content: Buffer }>();
  const addProto = (path: string, from: string) => {
    const content = readFileSync(from);
    const existing = protos.get(path);
    if (existing && !existing.content.equals(content)) {
      throw new UserError(
        'PROTO_PATH_CONFLICT',
        `${path}: ${displayPath(existing.from)} and ${displayPath(from)} would both be exported there, and they differ`,
        {
          file: displayPath(from),
          hint: 'the package keeps import paths as written; give shared protos one content or different paths',
        },
      );
    }
    protos.set(path, { from, content });
  };
  // Service protos first: their names (<container>.proto) are fixed, an import claiming one is the conflict.
  for (const s of useCase.services) addProto(`${PROTO_DIR}/${s.containerName}.proto`, s.proto.file);
  const serviceFiles = useCase.services.map((s) => ({
    service_name: s.composeService,
    container_name: s.containerName,
    image_name: s.image,
    folder: s.folder,
    proto: `${PROTO_DIR}/${s.containerName}.proto`,
    proto_files: [
      `${PROTO_DIR}/${s.containerName}.proto`,
      ...s.proto.imports.map((imp) => {
        const path = `${PROTO_DIR}/${imp.importPath}`;
        addProto(path, imp.file);
        return path;
      }),
    ],
  }));
  // The original's keys first, with its meaning; ours beside them. Paths are relative: an absolute one would differ
  // between machines and leak the local layout.
  const metadata: GenerationMetadata = {
    use_case_name: useCase.name,
    use_case_directory: useCase.name,
    source_path: relative(resolve(outDir), useCase.dir).split(sep).join('/') || '.',
    services: serviceFiles,
    generator: 'aieffect',
    generator_version: generatorVersion(),
    pipeline_id: pipelineId,
    pipeline_name: useCase.pipeline.name,
    ...(useCase.pipeline.description !== undefined ? { description: useCase.pipeline.description } : {}),
    creation_date: date,
  };

  // Our own output passes our own schemas, or it is a bug worth stopping for before anything is written.
  assertSchema('blueprint', blueprint, BLUEPRINT_FILE);
  assertSchema('dockerinfo', dockerinfo, DOCKERINFO_FILE);
  assertSchema('generation-metadata', metadata, METADATA_FILE);

  const entries: [string, string | Buffer][] = [
    [BLUEPRINT_FILE, json(blueprint)],
    [DOCKERINFO_FILE, json(dockerinfo)],
    [METADATA_FILE, json(metadata)],
    ...[...protos].map(([path, p]): [string, Buffer] => [path, p.content]),
  ];
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { blueprint, dockerinfo, metadata, files: new Map(entries) };
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest (symlinks resolved). */
function realish(path: string): string {
  const rest: string[] = [];
  let current = path;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    rest.unshift(basename(current));
    current = parent;
  }
  return join(realpathSync(current), ...rest);
}

/**
 * Where the package may go. Thrown: UserError REFUSED_OUTPUT (exit 2) for the file system root or a folder that is or
 * contains the use case; OUTPUT_EXISTS without overwrite; OUTPUT_NOT_A_DIRECTORY; OUTPUT_NOT_AN_EXPORT when
 * --overwrite would replace a non-empty folder that holds no blueprint.json.
 */
export function checkOutputDir(useCaseDir: string, outDir: string, overwrite: boolean): { replaced: boolean } {
  const out = realish(resolve(outDir));
  const shown = displayPath(resolve(outDir));
  if (parse(out).root === out) {
    throw new UserError('REFUSED_OUTPUT', `${outDir}: refusing to write an export package to the file system root`, {
      exit: 2,
      hint: 'give a new folder, e.g. use-cases-platform/<name>',
    });
  }
  const useCase = realish(resolve(useCaseDir));
  if (isInside(out, useCase)) {
    const what = out === useCase ? 'is the use case folder' : `contains the use case folder ${displayPath(useCase)}`;
    throw new UserError('REFUSED_OUTPUT', `${shown}: refusing to write the export package there: it ${what}`, {
      exit: 2,
      hint: 'export into a folder of its own, outside the use case, e.g. use-cases-platform/<name>',
    });
  }
  if (!existsSync(out)) return { replaced: false };
  if (!statSync(out).isDirectory()) {
    throw new UserError('OUTPUT_NOT_A_DIRECTORY', `${shown}: exists and is not a folder`, {
      hint: 'give a folder path for the export package',
    });
  }
  if (!overwrite) {
    throw new UserError('OUTPUT_EXISTS', `${shown}: already exists`, {
      hint: 'pass --overwrite to replace it once the new package is complete, or choose another folder',
    });
  }
  const entries = readdirSync(out);
  if (entries.length > 0 && !entries.includes(BLUEPRINT_FILE)) {
    throw new UserError(
      'OUTPUT_NOT_AN_EXPORT',
      `${shown}: not replacing it: it is not empty and holds no ${BLUEPRINT_FILE}, so it is no export package`,
      { hint: 'choose a new folder; --overwrite only replaces earlier export packages' },
    );
  }
  return { replaced: true };
}

/** Writes the package into `outDir` atomically (a temporary sibling renamed into place). */
export async function writeExport(outDir: string, files: ExportFiles, replace: boolean): Promise<void> {
  await writeDirAtomic(resolve(outDir), replace, (tmp) => {
    for (const [path, content] of files.files) {
      const target = join(tmp, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  });
}

/**
 * Exports the use case in `useCaseDir` to `outDir`: load and check everything, build the package, write it atomically.
 * Nothing is written when any check fails. Thrown: UserError for every problem of the input or the output folder.
 */
export async function exportUseCase(
  useCaseDir: string,
  outDir: string,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const pipelineId = options.pipelineId === undefined ? randomUUID() : checkPipelineId(options.pipelineId);
  const date = creationDate(options.now);
  const overwrite = options.overwrite ?? false;
  // Refusals first: they are mistakes on the command line, whatever the use case holds.
  checkOutputDir(useCaseDir, outDir, overwrite);
  const useCase = loadUseCase(useCaseDir, { composeFile: options.composeFile, protoPaths: options.protoPaths });
  checkExportNames(useCase);
  const files = buildExport(useCase, pipelineId, date, outDir);
  const { replaced } = checkOutputDir(useCaseDir, outDir, overwrite);
  await writeExport(outDir, files, replaced);
  return {
    useCase: useCase.dir,
    outDir: resolve(outDir),
    pipelineId,
    pipelineName: useCase.pipeline.name,
    creationDate: date,
    replaced,
    files: [...files.files.keys()],
    nodes: useCase.services.map((s) => ({
      container_name: s.containerName,
      compose_service: s.composeService,
      folder: s.folder,
      image: s.image,
      operations: s.rpcs.map((r) => r.name),
    })),
    connections: useCase.connections.length,
    unusedFolders: useCase.unusedFolders,
    notes: useCase.notes,
  };
}

/** Paths in a summary for people: `/`-separated and relative to the working directory when inside it. */
export function summaryPath(path: string): string {
  return displayPath(path).split(sep).join('/');
}
