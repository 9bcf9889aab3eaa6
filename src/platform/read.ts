// Loads an export package (ours, the original AI-Effect tools', or one downloaded from the platform): blueprint.json
// and dockerinfo.json, each validated against its schema, plus cross-file checks that a schema cannot express.
//
// Read liberally: the schemas check strictly only what a command uses (containers, operations, message names, stream
// flags, links, addresses, ports); dates in any format, unknown keys at any level and extra dockerinfo entries pass.
// An informational field of an unexpected type is a warning, never an error. Packages that really are broken (an
// older dockerinfo shape, a dockerinfo under another name, no microservice/ folder) get one line saying what to do.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { assertSchema } from '../schema/validate.js';
import { parseJson, readTextFile } from '../util/json-file.js';
import { displayPath, isInside } from '../util/paths.js';
import {
  BLUEPRINT_FILE,
  DOCKERINFO_FILE,
  PROTO_DIR,
  type Blueprint,
  type BlueprintNode,
  type DockerInfo,
  type ExportPackage,
} from './types.js';

const NOT_A_PACKAGE_HINT = 'is this an export package? `aieffect export` writes one';

/**
 * Reads a JSON file of the package; when it is missing but a file of a similar name is there (the AI-Effect
 * repository ships `dockerinfo-integrated.json`, `dockerinfo-sidecar.json`), the error names it.
 */
function readPackageJson(dir: string, file: string): { data: unknown; label: string } {
  const path = join(dir, file);
  const label = displayPath(path);
  if (!existsSync(path)) {
    const stem = file.replace(/\.json$/, '');
    const similar = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f !== file && f.endsWith('.json') && f.startsWith(stem))
          .sort()
      : [];
    if (similar.length > 0) {
      throw new UserError(
        'FILE_NOT_FOUND',
        `${label}: file not found (this package has ${similar.join(', ')}: rename or copy ${similar.length === 1 ? 'it' : 'the one to use'})`,
        { file: label, hint: `aieffect reads ${file} only, as the platform and the original tools do` },
      );
    }
  }
  return { data: parseJson(readTextFile(path, label, NOT_A_PACKAGE_HINT), label), label };
}

/** Informational top-level fields of blueprint.json and the type they normally have. */
const INFORMATIONAL_STRINGS = ['name', 'version', 'type', 'pipeline_id', 'creation_date', 'description'] as const;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Reads blueprint.json. Thrown: UserError FILE_NOT_FOUND, INVALID_JSON, SCHEMA_VIOLATION (a field a command uses),
 * DUPLICATE_NODE. Warnings (informational fields of another type, which are then left out) go to `warnings`.
 */
export function readBlueprint(dir: string, warnings: string[] = []): Blueprint {
  const { data, label } = readPackageJson(dir, BLUEPRINT_FILE);
  const blueprint = assertSchema<Blueprint>('blueprint', data, label);
  for (const key of INFORMATIONAL_STRINGS) {
    const value: unknown = blueprint[key];
    if (value === undefined || typeof value === 'string') continue;
    warnings.push(`${label} /${key}: expected a string, found ${typeOf(value)}; ignored (informational)`);
    delete blueprint[key];
  }
  const seen = new Set<string>();
  blueprint.nodes.forEach((node, i) => {
    if (seen.has(node.container_name)) {
      throw new UserError(
        'DUPLICATE_NODE',
        `${label} /nodes/${i}/container_name: container "${node.container_name}" appears twice`,
        { file: label, pointer: `/nodes/${i}/container_name` },
      );
    }
    seen.add(node.container_name);
  });
  return blueprint;
}

/**
 * Reads dockerinfo.json. Thrown: UserError FILE_NOT_FOUND (naming a similar file when there is one), INVALID_JSON,
 * OLD_DOCKERINFO_SHAPE (`docker_image_list`: images without addresses), SCHEMA_VIOLATION.
 */
export function readDockerInfo(dir: string): DockerInfo {
  const { data, label } = readPackageJson(dir, DOCKERINFO_FILE);
  if (typeof data === 'object' && data !== null && !('docker_info_list' in data) && 'docker_image_list' in data) {
    throw new UserError(
      'OLD_DOCKERINFO_SHAPE',
      `${label}: has docker_image_list (an older shape: images, no addresses) instead of docker_info_list`,
      {
        file: label,
        pointer: '/docker_image_list',
        hint: 'regenerate the package (`aieffect export`), or write docker_info_list: [{"container_name", "ip_address", "port"}] for every node',
      },
    );
  }
  return assertSchema<DockerInfo>('dockerinfo', data, label);
}

/** Loads blueprint.json and dockerinfo.json of an export folder. Thrown: UserError when a file is missing or invalid. */
export function loadPackage(exportDir: string): ExportPackage {
  const dir = resolve(exportDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError('NOT_A_DIRECTORY', `${exportDir}: no such directory`, {
      exit: 1,
      hint: 'give the folder of an export package',
    });
  }
  const warnings: string[] = [];
  return { dir, blueprint: readBlueprint(dir, warnings), dockerinfo: readDockerInfo(dir), warnings };
}

/**
 * The proto file of a node: `proto_uri` relative to the package when that file exists (our export), else
 * microservice/<container_name>.proto (the platform's layout, where proto_uri points into its repository).
 * A proto_uri leading outside the package is never followed.
 */
export function nodeProtoPath(
  pkg: Pick<ExportPackage, 'dir'>,
  node: BlueprintNode,
  exists: (path: string) => boolean = existsSync,
): string {
  if (node.proto_uri) {
    const candidate = resolve(pkg.dir, node.proto_uri);
    if (isInside(pkg.dir, candidate) && exists(candidate)) return candidate;
  }
  return join(pkg.dir, PROTO_DIR, `${node.container_name}.proto`);
}

/**
 * nodeProtoPath, checked: thrown UserError NO_PROTO_DIR when the package has no microservice/ folder at all, or
 * PROTO_NOT_FOUND naming the node and the protos the folder does hold.
 */
export function requireNodeProto(
  pkg: Pick<ExportPackage, 'dir'>,
  node: BlueprintNode,
  index: number,
  exists: (path: string) => boolean = existsSync,
): string {
  const file = nodeProtoPath(pkg, node, exists);
  if (exists(file)) return file;
  const protoDir = join(pkg.dir, PROTO_DIR);
  const at = `${displayPath(join(pkg.dir, BLUEPRINT_FILE))} /nodes/${index}`;
  if (!existsSync(protoDir)) {
    throw new UserError(
      'NO_PROTO_DIR',
      `${displayPath(protoDir)}/: no such folder, so the package ships no .proto for node "${node.container_name}" (${at})`,
      {
        file: displayPath(protoDir),
        hint: `a package carries each node's interface as ${PROTO_DIR}/<container_name>.proto; download or export it again with its protos`,
      },
    );
  }
  const present = readdirSync(protoDir)
    .filter((f) => f.endsWith('.proto'))
    .sort();
  throw new UserError(
    'PROTO_NOT_FOUND',
    `${displayPath(file)}: file not found, the proto of node "${node.container_name}" (${at}; ${PROTO_DIR}/ has ${present.length > 0 ? present.join(', ') : 'no .proto files'})`,
    {
      file: displayPath(file),
      hint: `name the node's proto ${PROTO_DIR}/${node.container_name}.proto, or set its proto_uri`,
    },
  );
}

/** The dockerinfo port as a number (the platform writes numbers, our export strings). */
export function portNumber(port: string | number): number {
  return typeof port === 'number' ? port : Number.parseInt(port, 10);
}

/**
 * requireNodeProto for the nodes of one package read: each distinct path is looked up on disk once, not once per node
 * (20,000 containers commonly share a handful of protos through proto_uri).
 */
export function nodeProtoFinder(pkg: Pick<ExportPackage, 'dir'>): (node: BlueprintNode, index: number) => string {
  const known = new Map<string, boolean>();
  const exists = (path: string): boolean => {
    let found = known.get(path);
    if (found === undefined) known.set(path, (found = existsSync(path)));
    return found;
  };
  return (node, index) => requireNodeProto(pkg, node, index, exists);
}
