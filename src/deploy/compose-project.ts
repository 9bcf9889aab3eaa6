// The Compose project a generated docker-compose.yml runs as. Compose prefixes every container, network and volume
// with the project name; by default that is the compose file's folder name (often just "export" or "deploy"), so two
// pipelines deployed from folders of the same name would share containers. A top-level `name:` would fix it, but
// docker-compose v1 rejects that key; both front ends read COMPOSE_PROJECT_NAME from a `.env` file beside the compose
// file, so that is where the name goes: the pipeline's name and the start of its pipeline_id (a second deployment
// of the same pipeline takes another name with --project-name, or `docker compose -p`).
// The .env file may hold the user's own variables (AIEFFECT_NODE_IMAGE, say): only the COMPOSE_PROJECT_NAME line is
// added or replaced, the rest is kept as it is; a name the user set there is kept unless --project-name is given.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../util/paths.js';
import type { ExportPackage } from '../platform/types.js';

export const ENV_FILE = '.env';
export const PROJECT_VARIABLE = 'COMPOSE_PROJECT_NAME';
/** How much of the pipeline_id goes into the default name: enough to tell pipelines of one name apart. */
const ID_CHARS = 8;
const MAX_LENGTH = 63;
/** Compose's rule for project names (the plugin's; v1 drops other characters silently). */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const LINE = new RegExp(`^\\s*(?:export\\s+)?${PROJECT_VARIABLE}\\s*=(.*)$`);

export interface ComposeProject {
  /** The project name `docker compose` will use with this file. */
  name: string;
  /** Absolute path of the .env file beside the compose file. */
  envPath: string;
  /** The .env file's text to write, or undefined when it already says so (nothing to write). */
  envText?: string;
  /** The .env file's text before, when it exists (restored when writing the compose file fails). */
  previous?: string;
  /** Where the name comes from. */
  source: 'pipeline' | 'flag' | 'env-file';
}

/** Lowercase letters, digits, "_" and "-", starting with a letter or digit; '' when nothing is left. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');
}

/**
 * The default project name of a package: its pipeline name (blueprint.json `name`, else the export folder's name)
 * and the first characters of its pipeline_id, e.g. "energy-pipeline-3f2a9c1e".
 */
export function defaultProjectName(pkg: ExportPackage): string {
  const base = slug(pkg.blueprint.name ?? '') || slug(basename(pkg.dir)) || 'aieffect';
  const id = slug(pkg.blueprint.pipeline_id ?? '')
    .replace(/[_-]/g, '')
    .slice(0, ID_CHARS);
  const suffix = id === '' ? '' : `-${id}`;
  return `${base.slice(0, MAX_LENGTH - suffix.length).replace(/[_-]+$/, '')}${suffix}`;
}

/** What is wrong with a --project-name, or undefined. */
export function projectNameProblem(name: string): string | undefined {
  if (name.length > MAX_LENGTH) return `longer than ${MAX_LENGTH} characters`;
  if (!PROJECT_NAME.test(name)) {
    return 'allowed: lowercase letters, digits, "_" and "-", starting with a letter or digit';
  }
  return undefined;
}

/**
 * The project of a compose file about to be written at `outputPath`: `requested` (--project-name, checked: exit 2),
 * else a name the .env file beside it already sets, else the package's default. Nothing is written here.
 */
export function planProject(pkg: ExportPackage, outputPath: string, requested?: string): ComposeProject {
  if (requested !== undefined) {
    const problem = projectNameProblem(requested);
    if (problem) {
      throw new UserError('INVALID_PROJECT_NAME', `--project-name ${JSON.stringify(requested)}: ${problem}`, {
        exit: 2,
        hint: `e.g. --project-name ${defaultProjectName(pkg)}-b`,
      });
    }
  }
  const envPath = join(dirname(outputPath), ENV_FILE);
  let previous: string | undefined;
  if (existsSync(envPath)) {
    if (!statSync(envPath).isFile()) {
      throw new UserError('ENV_NOT_FILE', `${displayPath(envPath)}: exists and is not a file; Compose reads it`, {
        file: displayPath(envPath),
        hint: 'move it away, or write the compose file elsewhere with --output',
      });
    }
    previous = readFileSync(envPath, 'utf8');
  }
  const lines = previous === undefined || previous === '' ? [] : previous.replace(/\n$/, '').split('\n');
  const at = lines.findIndex((line) => LINE.test(line));
  const current =
    at === -1
      ? undefined
      : LINE.exec(lines[at]!)![1]!
          .trim()
          .replace(/^(["'])(.*)\1$/, '$2');

  const name = requested ?? defaultProjectName(pkg);
  const source = requested === undefined ? 'pipeline' : 'flag';
  if (current === name) return { name, envPath, previous, source };
  if (requested === undefined && current !== undefined && current !== '') {
    return { name: current, envPath, previous, source: 'env-file' };
  }
  const line = `${PROJECT_VARIABLE}=${name}`;
  if (at === -1) {
    if (lines.length === 0)
      lines.push('# Written by `aieffect compose`: the Compose project of the compose file in this folder.');
    lines.push(line);
  } else {
    lines[at] = line;
  }
  return {
    name,
    envPath,
    envText: `${lines.join('\n')}\n`,
    previous,
    source,
  };
}
