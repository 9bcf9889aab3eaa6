// Loads a use case folder (the development workspace) into a UseCase: which services/<folder> is which
// docker-compose.yml service, each one's proto and rpcs, and the checked connections.json. Every mistake is reported
// naming what does exist, so the fix is obvious from the message alone.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { ImportSearch } from '../proto/import-resolver.js';
import { loadProto, mentionsService, type ProtoInfo, type RpcInfo } from '../proto/inspect.js';
import { displayPath } from '../util/paths.js';
import { composeProjectName, readUseCaseCompose, type ComposeService } from './compose.js';
import { checkConnections, readConnections, type ConnectionSpec } from './connections.js';

export const SERVICES_DIR = 'services';
export const PROTO_SUBDIR = 'proto';

export interface UseCaseService {
  /** The folder under services/ (e.g. data_generator). */
  folder: string;
  /** The docker-compose.yml service built from that folder (e.g. data-generator). */
  composeService: string;
  /** The blueprint container name: `<folder>1`, the platform's numbering of a model's first instance. */
  containerName: string;
  /** The image `aieffect build` tags: `<use_case>-<compose_service>:latest`. */
  image: string;
  /** The service's proto (the one .proto in services/<folder>/proto that declares a service) and its imports. */
  proto: ProtoInfo;
  /** The rpcs of every service in that proto, in declaration order. */
  rpcs: RpcInfo[];
}

export interface UseCase {
  /** Absolute path of the use case folder. */
  dir: string;
  /** The folder's name. */
  name: string;
  /** Absolute path of its compose file. */
  composePath: string;
  /** docker-compose's project name for the folder: the image prefix. */
  project: string;
  pipeline: { name: string; description?: string; startService?: string };
  /** Sorted by container name. */
  services: UseCaseService[];
  /** In connections.json order, each checked against the services' protos. */
  connections: ConnectionSpec[];
  /** Folders under services/ that no docker-compose.yml service is built from (not part of the pipeline). */
  unusedFolders: string[];
  /** What the checks found worth telling without refusing (narrowed numbers, fields left at default), one line each. */
  notes: string[];
}

function listDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** The one .proto of services/<folder>/proto that declares a service, loaded with its imports. */
function loadServiceProto(dir: string, folder: string, search: ImportSearch): ProtoInfo {
  const protoDir = join(dir, SERVICES_DIR, folder, PROTO_SUBDIR);
  const where = displayPath(protoDir);
  const hint = `put the service's .proto in ${where}/ (other .proto files there are its imports)`;
  if (!existsSync(protoDir) || !statSync(protoDir).isDirectory()) {
    throw new UserError(
      'NO_SERVICE_PROTO',
      `${where}: no such folder, so no .proto declares the service of ${folder}`,
      {
        file: where,
        hint,
      },
    );
  }
  const protos = readdirSync(protoDir)
    .filter((f) => f.endsWith('.proto'))
    .sort();
  // Each file is parsed once: files that never say "service" are imports, the others are loaded in full.
  const declaring = protos
    .filter((f) => mentionsService(join(protoDir, f)))
    .map((f) => ({ name: f, info: loadProto(join(protoDir, f), search) }))
    .filter((p) => p.info.services.length > 0);
  if (declaring.length === 0) {
    const found = protos.length === 0 ? 'there are no .proto files' : `found: ${protos.join(', ')}`;
    throw new UserError('NO_SERVICE_PROTO', `${where}: no .proto file declares a service (${found})`, {
      file: where,
      hint,
    });
  }
  if (declaring.length > 1) {
    throw new UserError(
      'MULTIPLE_SERVICE_PROTOS',
      `${where}: ${declaring.length} .proto files declare a service (${declaring.map((p) => p.name).join(', ')}); one service proto per folder`,
      { file: where, hint: 'move the extra service into its own services/<folder>, or merge the services' },
    );
  }
  return declaring[0]!.info;
}

/** The rpcs of a proto's services; two with one name would make connections.json ambiguous. */
function collectRpcs(proto: ProtoInfo, folder: string): RpcInfo[] {
  const rpcs: RpcInfo[] = [];
  const owner = new Map<string, string>();
  for (const service of proto.services) {
    for (const rpc of service.rpcs) {
      const first = owner.get(rpc.name);
      if (first !== undefined) {
        throw new UserError(
          'DUPLICATE_RPC',
          `${displayPath(proto.file)}: rpc ${rpc.name} is declared by both ${first} and ${service.fullName}; connections.json names rpcs without their service`,
          { file: displayPath(proto.file), hint: `rename one of them (service folder ${folder})` },
        );
      }
      owner.set(rpc.name, service.fullName);
      rpcs.push(rpc);
    }
  }
  return rpcs;
}

/** Compose services built from services/<folder>; two services sharing one folder would be one node twice. */
function mapFolders(composePath: string, services: ComposeService[]): Map<string, ComposeService> {
  const byFolder = new Map<string, ComposeService>();
  for (const service of services) {
    if (service.folder === undefined) continue;
    const other = byFolder.get(service.folder);
    if (other) {
      throw new UserError(
        'FOLDER_MAPPED_TWICE',
        `${displayPath(composePath)}: services "${other.name}" and "${service.name}" are both built from ${SERVICES_DIR}/${service.folder}; each service folder is one pipeline node`,
        {
          file: displayPath(composePath),
          pointer: `/services/${service.name}/build`,
          hint: 'give each compose service its own services/<folder> with its Dockerfile and proto',
        },
      );
    }
    byFolder.set(service.folder, service);
  }
  return byFolder;
}

/** The --proto-path folders, absolute, each checked to exist. Thrown: UserError USAGE (exit 2). */
function checkProtoPaths(paths: readonly string[]): string[] {
  return paths.map((p) => {
    const dir = resolve(p);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UserError('USAGE', `--proto-path ${p}: no such folder`, {
        exit: 2,
        hint: 'give a folder holding imported .proto files, as for protoc -I',
      });
    }
    return dir;
  });
}

export interface LoadUseCaseOptions {
  /** -f/--file: the compose file, instead of the one found in the folder. */
  composeFile?: string;
  /** --proto-path folders where imports are looked for (after the importing proto's folder), like protoc's -I. */
  protoPaths?: readonly string[];
}

/**
 * Reads and checks a use case folder: docker-compose.yml, services/<folder>/proto/*.proto, connections.json.
 * Thrown: UserError for a missing folder or file, a syntax or schema error in any of them, a folder without (or with
 * two) service protos, two compose services built from one folder, and every connection problem (unknown service or
 * rpc, incompatible messages field by field, a cycle), every import problem (src/proto/import-resolver.ts); USAGE
 * (exit 2) for a --proto-path that is no folder.
 */
export function loadUseCase(useCaseDir: string, options: LoadUseCaseOptions = {}): UseCase {
  // A mistake on the command line first, whatever the folder holds.
  const protoPaths = checkProtoPaths(options.protoPaths ?? []);
  const dir = resolve(useCaseDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError('NOT_A_DIRECTORY', `${displayPath(dir)}: no such directory`, {
      hint: 'give the use case folder (the one holding docker-compose.yml, services/ and connections.json)',
    });
  }
  const compose = readUseCaseCompose(dir, options.composeFile);
  const servicesDir = join(dir, SERVICES_DIR);
  if (!existsSync(servicesDir) || !statSync(servicesDir).isDirectory()) {
    throw new UserError('NO_SERVICES', `${displayPath(servicesDir)}: no such folder`, {
      file: displayPath(servicesDir),
      hint: 'a use case keeps each service in services/<folder> with its Dockerfile and proto/',
    });
  }
  const byFolder = mapFolders(compose.path, compose.services);
  const project = composeProjectName(dir);
  const services: UseCaseService[] = [];
  const unusedFolders: string[] = [];
  // One search for the whole use case: its file list is made once, on the first import it is needed for.
  const search: ImportSearch = { useCaseDir: dir, protoPaths };
  for (const folder of listDirs(servicesDir)) {
    const composeService = byFolder.get(folder);
    if (!composeService) {
      unusedFolders.push(folder);
      continue;
    }
    const proto = loadServiceProto(dir, folder, search);
    services.push({
      folder,
      composeService: composeService.name,
      containerName: `${folder}1`,
      image: `${project}-${composeService.name}:latest`,
      proto,
      rpcs: collectRpcs(proto, folder),
    });
  }
  services.sort((a, b) => (a.containerName < b.containerName ? -1 : a.containerName > b.containerName ? 1 : 0));
  const read = readConnections(dir);
  const notes = [...services.flatMap((s) => s.proto.notes), ...checkConnections(read, services, compose)];
  const { pipeline } = read.data;
  return {
    dir,
    name: basename(dir),
    composePath: compose.path,
    project,
    pipeline: {
      name: pipeline.name,
      ...(pipeline.description !== undefined ? { description: pipeline.description } : {}),
      ...(pipeline.start_service !== undefined ? { startService: pipeline.start_service } : {}),
    },
    services,
    connections: pipeline.connections,
    unusedFolders,
    notes,
  };
}
