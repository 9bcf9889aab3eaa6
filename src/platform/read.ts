// Loads an export package (ours or one downloaded from the platform): blueprint.json and dockerinfo.json, each
// validated against its schema, plus cross-file checks that a schema cannot express.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { readJsonFile } from '../util/json-file.js';
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

export function readBlueprint(dir: string): Blueprint {
  const path = join(dir, BLUEPRINT_FILE);
  const blueprint = readJsonFile<Blueprint>(
    path,
    'blueprint',
    displayPath(path),
    'is this an export package? `aieffect export` writes one',
  );
  const seen = new Set<string>();
  blueprint.nodes.forEach((node, i) => {
    if (seen.has(node.container_name)) {
      throw new UserError(
        'DUPLICATE_NODE',
        `${displayPath(path)} /nodes/${i}/container_name: container "${node.container_name}" appears twice`,
        {
          file: displayPath(path),
          pointer: `/nodes/${i}/container_name`,
        },
      );
    }
    seen.add(node.container_name);
  });
  return blueprint;
}

export function readDockerInfo(dir: string): DockerInfo {
  const path = join(dir, DOCKERINFO_FILE);
  return readJsonFile<DockerInfo>(
    path,
    'dockerinfo',
    displayPath(path),
    'is this an export package? `aieffect export` writes one',
  );
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
  return { dir, blueprint: readBlueprint(dir), dockerinfo: readDockerInfo(dir) };
}

/**
 * The proto file of a node: `proto_uri` relative to the package when that file exists (our export), else
 * microservice/<container_name>.proto (the platform's layout, where proto_uri points into its repository).
 */
export function nodeProtoPath(pkg: Pick<ExportPackage, 'dir'>, node: BlueprintNode): string {
  if (node.proto_uri) {
    const candidate = resolve(pkg.dir, node.proto_uri);
    if (isInside(pkg.dir, candidate) && existsSync(candidate)) return candidate;
  }
  return join(pkg.dir, PROTO_DIR, `${node.container_name}.proto`);
}

/** The dockerinfo port as a number (the platform writes numbers, our export strings). */
export function portNumber(port: string | number): number {
  return typeof port === 'number' ? port : Number.parseInt(port, 10);
}
