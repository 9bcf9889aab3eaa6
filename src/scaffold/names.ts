// The names a new use case or service gets, and the rules they must pass before anything is written: every name a
// service is known by (folder, Compose service, container, image, proto package and service) comes from the one
// name the user gives, so one check up front keeps Docker, the export and protoc from refusing it later.
import { basename, resolve } from 'node:path';
import { UserError } from '../errors.js';
import {
  containerNameProblem,
  imageReferenceProblem,
  projectNameProblem,
  serviceNameProblem,
} from '../deploy/docker-names.js';
import { composeProjectName } from '../usecase/compose.js';

/** Every name of one service, from the name given to `aieffect add service` (`data-cleaner` or `data_cleaner`). */
export interface ServiceNames {
  /** The docker-compose.yml service, with `-` (data-cleaner): connections.json and the address in dockerinfo.json. */
  service: string;
  /** The folder under services/, with `_` (data_cleaner). */
  folder: string;
  /** The blueprint container, `<folder>1`. */
  container: string;
  /** The proto package (data_cleaner). */
  package: string;
  /** The proto service (DataCleaner). */
  Service: string;
}

// Lowercase (image names), starting with a letter (proto identifiers), words joined by one "-" or "_".
const SERVICE_NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
/** Compose services the generated deployment adds itself (`aieffect compose --orchestrator-*`). */
const RESERVED = new Set(['orchestrator']);
const MAX_NAME = 63;

function invalidName(kind: string, name: string, why: string, hint: string): UserError {
  return new UserError('INVALID_NAME', `${kind} "${name}": ${why}`, { exit: 2, hint });
}

/** The names of a new service. Thrown: UserError INVALID_NAME (exit 2) for a name one of them cannot be. */
export function serviceNames(name: string, project: string): ServiceNames {
  const hint =
    'use lowercase letters and digits, starting with a letter, words joined by "-" or "_" (e.g. data-cleaner)';
  if (!SERVICE_NAME.test(name)) {
    const why = /[A-Z]/.test(name)
      ? 'has uppercase letters, which Docker image names cannot have'
      : /^[0-9]/.test(name)
        ? 'starts with a digit, which a proto package cannot'
        : 'is not a valid service name';
    throw invalidName('service name', name, why, hint);
  }
  if (name.length > MAX_NAME) throw invalidName('service name', name, `is longer than ${MAX_NAME} characters`, hint);
  const folder = name.replace(/-/g, '_');
  const service = name.replace(/_/g, '-');
  if (RESERVED.has(service)) {
    throw invalidName('service name', name, 'is the service `aieffect compose` adds to run the pipeline', hint);
  }
  const names: ServiceNames = {
    service,
    folder,
    container: `${folder}1`,
    package: folder,
    Service: folder
      .split('_')
      .map((word) => word[0]!.toUpperCase() + word.slice(1))
      .join(''),
  };
  // Implied by the pattern; checked with Docker's own rules all the same, so the two cannot drift apart.
  const problem =
    serviceNameProblem(names.service) ??
    containerNameProblem(names.container) ??
    imageReferenceProblem(`${project}-${names.service}:latest`);
  if (problem) throw invalidName('service name', name, problem, hint);
  return names;
}

/** The Compose project (image prefix) of a use case folder. Thrown: INVALID_NAME when its name gives none. */
export function useCaseProject(dir: string): string {
  const project = composeProjectName(dir);
  const problem = projectNameProblem(project);
  if (problem) {
    throw invalidName(
      'use case folder',
      basename(resolve(dir)),
      `its name gives the Docker Compose project name "${project}", which is invalid: ${problem}`,
      'name the folder with lowercase letters, digits, "-" and "_", starting with a letter or digit (e.g. my-pipeline)',
    );
  }
  return project;
}

const PIPELINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A pipeline name (connections.json, blueprint.json). Thrown: INVALID_NAME for one that is empty or has odd characters. */
export function pipelineName(name: string): string {
  if (!PIPELINE_NAME.test(name) || name.length > 128) {
    throw invalidName(
      'pipeline name',
      name,
      'is not a valid pipeline name',
      'use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters',
    );
  }
  return name;
}
