// `aieffect init`: a new use case that exports and runs at once — docker-compose.yml (each service with its
// x-aieffect build and run), connections.json, and two template services, `source` feeding `sink`. Names are checked
// before anything is written; the folder is created (or must be empty) and is left as it was if anything fails.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { loadUseCase } from '../usecase/load.js';
import { makeDirs, removeCreated } from '../util/atomic.js';
import { displayPath } from '../util/paths.js';
import { addComposeService } from './compose-edit.js';
import { pipelineName, serviceNames, useCaseProject, type ServiceNames } from './names.js';
import {
  composeEntry,
  ignoreFiles,
  serviceFiles,
  TEMPLATE_RPC,
  typescriptProjectFiles,
  useCaseFiles,
  type Files,
  type Lang,
} from './templates.js';
import { fileList, writeChange } from './write.js';

/** The compose file init writes: the name the examples and the platform's use cases have. */
const COMPOSE_FILE = 'docker-compose.yml';

/** The two services of a new use case, in pipeline order. */
export const INIT_SERVICES = ['source', 'sink'] as const;
const FIRST_PORT = 50051;

export interface InitOptions {
  /** The pipeline's name (connections.json); default: the folder's Compose project name. */
  name?: string;
  /** The language of both services (default ts). */
  lang?: Lang;
}

export interface InitResult {
  /** Absolute path of the use case folder. */
  dir: string;
  name: string;
  /** The Compose project: the prefix of the image names. */
  project: string;
  lang: Lang;
  services: ServiceNames[];
  /** Every file written, relative to dir, sorted. */
  files: string[];
  /** Whether the use case is an npm project (TypeScript services) that needs `npm install`. */
  npm: boolean;
}

/** Thrown: UserError TARGET_NOT_EMPTY / NOT_A_DIRECTORY when `dir` exists and cannot take a new use case. */
function checkTarget(dir: string, shown: string): boolean {
  if (!existsSync(dir)) return false;
  if (!statSync(dir).isDirectory()) {
    throw new UserError('NOT_A_DIRECTORY', `${shown}: exists and is not a folder`, {
      hint: 'give a new folder (init creates it) or an empty one',
    });
  }
  const entries = readdirSync(dir);
  if (entries.length > 0) {
    throw new UserError(
      'TARGET_NOT_EMPTY',
      `${shown}: exists and is not empty (${entries.sort().slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`,
      {
        hint: 'give a new folder (init creates it) or an empty one; `aieffect add service` adds a service to a use case',
      },
    );
  }
  return true;
}

/** The files of the new use case. */
function useCase(name: string, project: string, services: ServiceNames[], lang: Lang): Files {
  const files = new Map([...useCaseFiles(name, project), ...ignoreFiles()]);
  let compose = files.get(COMPOSE_FILE)!;
  services.forEach((names, i) => {
    compose = addComposeService(compose, composeEntry(names, lang, FIRST_PORT + i), names.service, COMPOSE_FILE);
    for (const [path, content] of serviceFiles(names, lang)) files.set(path, content);
  });
  files.set(COMPOSE_FILE, compose);
  const connections = services.slice(1).map((to, i) => ({
    from_service: services[i]!.service,
    from_method: TEMPLATE_RPC,
    to_service: to.service,
    to_method: TEMPLATE_RPC,
  }));
  const pipeline = {
    name,
    description: `${services.map((s) => s.service).join(' -> ')}: made by aieffect init; describe what the pipeline does.`,
    start_service: services[0]!.service,
    connections,
  };
  files.set('connections.json', JSON.stringify({ pipeline }, null, 2) + '\n');
  if (lang === 'ts') for (const [path, content] of typescriptProjectFiles(project)) files.set(path, content);
  return files;
}

/**
 * Creates a use case in `dir` (new, or empty). Thrown before anything is written: UserError INVALID_NAME (exit 2) for
 * a folder or pipeline name that cannot be, TARGET_NOT_EMPTY, NOT_A_DIRECTORY.
 */
export async function initUseCase(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const target = resolve(dir);
  const lang = options.lang ?? 'ts';
  const existed = checkTarget(target, displayPath(target));
  const project = useCaseProject(target);
  const name = pipelineName(options.name ?? project);
  const services = INIT_SERVICES.map((service) => serviceNames(service, project));
  const files = useCase(name, project, services, lang);

  // The first folder init creates (the target, or a parent of it): removed again if anything fails.
  const created = existed ? undefined : makeDirs(target, displayPath(target));
  try {
    // What `aieffect export` and `aieffect run` read, read back the same way: a template bug surfaces here.
    await writeChange(target, files, () => loadUseCase(target));
  } catch (err) {
    removeCreated(created);
    throw err;
  }
  return { dir: target, name, project, lang, services, files: fileList(files), npm: lang === 'ts' };
}
