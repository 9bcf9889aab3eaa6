// The picture of a folder: an export package (blueprint.json) read by the package reader, or a use case
// (docker-compose.yml, connections.json) loaded and checked by the use case loader and turned into the blueprint its
// export would write. Both go through the same pipeline graph, so the picture of a use case is the picture of its
// export.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { buildPipelineGraph } from '../graph/build.js';
import { buildExport } from '../platform/export.js';
import { readBlueprint } from '../platform/read.js';
import { BLUEPRINT_FILE, type Blueprint } from '../platform/types.js';
import { COMPOSE_FILES } from '../usecase/compose.js';
import { CONNECTIONS_FILE } from '../usecase/connections.js';
import { loadUseCase } from '../usecase/load.js';
import { displayPath } from '../util/paths.js';
import { pictureOf, type Picture } from './model.js';

export type PictureSourceKind = 'export' | 'use-case';

export interface LoadedPicture {
  kind: PictureSourceKind;
  /** Absolute path of the folder. */
  dir: string;
  picture: Picture;
}

/** What a folder holds: an export package when it has blueprint.json, a use case when it has its compose file. */
export function pictureSourceKind(dir: string): PictureSourceKind | undefined {
  if (existsSync(join(dir, BLUEPRINT_FILE))) return 'export';
  const files = [...COMPOSE_FILES, CONNECTIONS_FILE];
  if (files.some((name) => existsSync(join(dir, name)))) return 'use-case';
  return undefined;
}

/** The picture of a blueprint (pipelines of the platform and ours alike). */
export function blueprintPicture(blueprint: Blueprint, label: string): Picture {
  return pictureOf(buildPipelineGraph(blueprint, label), blueprint.name);
}

/**
 * Loads the picture of an export package or a use case folder. Thrown: UserError NOT_A_DIRECTORY, NOT_A_PIPELINE
 * (neither kind of folder), USAGE (exit 2: `protoPaths` for an export package, which ships its imports), and every
 * error the package reader or the use case loader reports. `protoPaths`: --proto-path, for a use case's imports.
 */
export function loadPicture(folder: string, options: { protoPaths?: readonly string[] } = {}): LoadedPicture {
  const dir = resolve(folder);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError('NOT_A_DIRECTORY', `${folder}: no such directory`, {
      hint: 'give a use case folder (docker-compose.yml, connections.json) or an export package (blueprint.json)',
    });
  }
  const kind = pictureSourceKind(dir);
  if (kind === 'export') {
    if ((options.protoPaths ?? []).length > 0) {
      throw new UserError('USAGE', `--proto-path: ${displayPath(dir)} is an export package, which ships its imports`, {
        exit: 2,
        hint: '--proto-path is for a use case folder; drop it, or give the use case',
      });
    }
    const blueprint = readBlueprint(dir);
    return { kind, dir, picture: blueprintPicture(blueprint, displayPath(join(dir, BLUEPRINT_FILE))) };
  }
  if (kind === 'use-case') {
    const useCase = loadUseCase(dir, { protoPaths: options.protoPaths });
    // The blueprint `aieffect export` would write; its id and date do not show in a picture.
    const { blueprint } = buildExport(useCase, 'graph', '1970-01-01T00:00:00Z');
    return { kind, dir, picture: blueprintPicture(blueprint, displayPath(join(dir, CONNECTIONS_FILE))) };
  }
  throw new UserError(
    'NOT_A_PIPELINE',
    `${displayPath(dir)}: neither an export package (no ${BLUEPRINT_FILE}) nor a use case (no compose file or ${CONNECTIONS_FILE})`,
    { hint: 'give a use case folder or an export package, e.g. examples/file_based_energy_pipeline' },
  );
}
