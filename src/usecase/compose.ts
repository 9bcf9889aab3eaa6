// Reads a use case's compose file (compose.yaml, docker-compose.yml, ... or the one given with -f): its services,
// where each is built from (which services/<folder>), and the x-aieffect extension that tells `aieffect run` how to
// start it as a local process.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import yaml from 'js-yaml';
import { UserError } from '../errors.js';
import { assertSchema } from '../schema/validate.js';
import { readTextFile } from '../util/json-file.js';
import { displayPath } from '../util/paths.js';

/** The Compose specification's file names, in the order Docker Compose looks for them in a folder. */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

export interface ComposeFileChoice {
  /** Absolute path of the compose file to read. */
  path: string;
  /** Other files of the Compose names in the folder, not read (Docker Compose warns about them too). */
  ignored: string[];
}

/**
 * The compose file of a use case: `file` when given (-f; relative to the working directory, as Docker Compose takes
 * it), else the first of COMPOSE_FILES in the folder. Thrown: UserError NOT_A_DIRECTORY, FILE_NOT_FOUND naming what
 * was looked for.
 */
export function findComposeFile(useCaseDir: string, file?: string): ComposeFileChoice {
  const dir = resolve(useCaseDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError('NOT_A_DIRECTORY', `${displayPath(dir)}: no such directory`, {
      hint: 'give the use case folder (the one holding its compose file, services/ and connections.json)',
    });
  }
  if (file !== undefined) {
    const path = resolve(file);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new UserError('FILE_NOT_FOUND', `--file ${displayPath(path)}: file not found`, {
        file: displayPath(path),
        hint: `give the use case's compose file, e.g. -f ${displayPath(join(dir, 'compose.yaml'))}`,
      });
    }
    return { path, ignored: [] };
  }
  const present = COMPOSE_FILES.map((name) => join(dir, name)).filter((path) => existsSync(path));
  if (present.length === 0) {
    throw new UserError(
      'FILE_NOT_FOUND',
      `${displayPath(dir)}: no compose file (${COMPOSE_FILES.slice(0, -1).join(', ')} or ${COMPOSE_FILES.at(-1)})`,
      {
        file: displayPath(dir),
        hint: 'a use case folder has a compose file naming its services; give one by another name with -f FILE',
      },
    );
  }
  return { path: present[0]!, ignored: present.slice(1) };
}

/** Docker Compose's own note when a folder has several compose files, for commands to print on stderr. */
export function ignoredComposeNote(choice: ComposeFileChoice): string | undefined {
  if (choice.ignored.length === 0) return undefined;
  return `found several compose files (${[choice.path, ...choice.ignored].map(displayPath).join(', ')}): using ${displayPath(choice.path)}`;
}
/** The x-aieffect extension of a compose service (schemas/compose-extension.schema.json). */
export interface LocalRunSpec {
  run: string;
  cwd?: string;
  env?: Record<string, string>;
  build?: LocalBuildSpec;
}

/** x-aieffect.build: the command that builds a service before `run`, with what it reads and writes. */
export interface LocalBuildSpec {
  command: string;
  sources: string[];
  outputs: string[];
}

export interface ComposeService {
  /** The compose service name (e.g. data-generator). */
  name: string;
  image?: string;
  /** Absolute path of the Dockerfile the service is built from, when it has a build section. */
  dockerfile?: string;
  /** The services/<folder> the Dockerfile lies in, when it does (e.g. data_generator). */
  folder?: string;
  local?: LocalRunSpec;
}

export interface UseCaseCompose {
  /** Absolute path of docker-compose.yml. */
  path: string;
  /** Services sorted by name. */
  services: ComposeService[];
}

/** Compose's default project name for a folder: lower case, only [a-z0-9_-]. Images are `<project>-<service>`. */
export function composeProjectName(useCaseDir: string): string {
  return basename(resolve(useCaseDir))
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');
}

/** Parses YAML text; thrown on a syntax error: UserError INVALID_YAML naming file, line and column. */
export function parseYaml(text: string, fileLabel: string): unknown {
  try {
    return yaml.load(text);
  } catch (cause) {
    if (cause instanceof yaml.YAMLException) {
      const { line, column } = cause.mark ?? { line: 0, column: 0 };
      throw new UserError(
        'INVALID_YAML',
        `${fileLabel}: invalid YAML at line ${line + 1}, column ${column + 1}: ${cause.reason}`,
        {
          file: fileLabel,
          pointer: `${line + 1}:${column + 1}`,
          cause,
        },
      );
    }
    throw cause;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads and checks the compose file of a use case: `file` (-f) or the one findComposeFile picks. Build contexts are
 * relative to the file's folder, as Compose resolves them.
 */
export function readUseCaseCompose(useCaseDir: string, file?: string): UseCaseCompose {
  const dir = resolve(useCaseDir);
  const { path } = findComposeFile(dir, file);
  const fileLabel = displayPath(path);
  const doc = parseYaml(readTextFile(path, fileLabel, 'a use case names its services in a compose file'), fileLabel);
  if (!isRecord(doc) || !isRecord(doc.services)) {
    throw new UserError('INVALID_COMPOSE', `${fileLabel} /services: expected a mapping of service names`, {
      file: fileLabel,
      pointer: '/services',
    });
  }
  const services: ComposeService[] = [];
  for (const name of Object.keys(doc.services).sort()) {
    const entry = doc.services[name];
    const at = `/services/${name}`;
    if (!isRecord(entry)) {
      throw new UserError('INVALID_COMPOSE', `${fileLabel} ${at}: expected a mapping`, {
        file: fileLabel,
        pointer: at,
      });
    }
    const service: ComposeService = { name };
    if (typeof entry.image === 'string') service.image = entry.image;
    const build = entry.build;
    if (build !== undefined) {
      let context: string;
      let dockerfile = 'Dockerfile';
      if (typeof build === 'string') context = build;
      else if (isRecord(build) && (build.context === undefined || typeof build.context === 'string')) {
        context = (build.context as string | undefined) ?? '.';
        if (typeof build.dockerfile === 'string') dockerfile = build.dockerfile;
      } else {
        throw new UserError(
          'INVALID_COMPOSE',
          `${fileLabel} ${at}/build: expected a path or a mapping with context and dockerfile`,
          {
            file: fileLabel,
            pointer: `${at}/build`,
          },
        );
      }
      service.dockerfile = resolve(dirname(path), context, dockerfile);
      const rel = relative(join(dir, 'services'), dirname(service.dockerfile));
      if (rel && !rel.startsWith('..') && !rel.includes(sep) && existsSync(join(dir, 'services', rel)))
        service.folder = rel;
    }
    if (entry['x-aieffect'] !== undefined) {
      service.local = assertSchema<LocalRunSpec>(
        'compose-extension',
        entry['x-aieffect'],
        fileLabel,
        `${at}/x-aieffect`,
      );
    }
    services.push(service);
  }
  return { path, services };
}
