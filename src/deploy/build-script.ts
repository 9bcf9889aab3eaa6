// `aieffect build`: from a use case's docker-compose.yml to build_and_tag.sh, the script that builds every service
// image with Docker Compose (`docker compose build`, or `docker-compose build` with v1) and tags it with the name `aieffect export` writes into blueprint.json
// (<use_case>-<service>:latest). Names are checked against Docker's rules here, before any file is written, and the
// script is filled from templates/build_and_tag.sh.tmpl with every value shell-quoted.
import { basename, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../util/paths.js';
import { composeProjectName, readUseCaseCompose } from '../usecase/compose.js';
import { writeFileAtomic } from '../util/atomic.js';
import { imageReferenceProblem, projectNameProblem, serviceNameProblem } from './docker-names.js';
import { pointer } from './pointer.js';
import { readTemplate, renderShellTemplate, shellWord } from './shell-template.js';

export const BUILD_SCRIPT = 'build_and_tag.sh';
export const BUILD_SCRIPT_TEMPLATE = 'build_and_tag.sh.tmpl';

export interface BuildImage {
  /** The compose service name. */
  service: string;
  /**
   * The service's own `image:`, which Compose tags the build with; null: Compose's default name, <project>-<service>
   * with the plugin, <project>_<service> with docker-compose v1 (the script picks the one its front end uses).
   */
  image: string | null;
  /** The name the script tags it with, the one `aieffect export` expects: <project>-<service>:latest. */
  tagged: string;
}

export interface BuildPlan {
  /** Absolute path of the use case folder. */
  useCaseDir: string;
  /** Absolute path of its compose file. */
  composePath: string;
  /** The compose file as the script names it: relative to the use case folder, where the script runs. */
  composeFile: string;
  /** Whether it was given (-f) rather than found under a standard name: the next commands then name it too. */
  composeFileGiven: boolean;
  /** The Compose project name, which prefixes every image name. */
  project: string;
  /** The services with a build section, sorted by name. */
  images: BuildImage[];
  /** Services without a build section (pulled images such as a database): not built, not tagged. */
  skipped: string[];
  /** Absolute path of the script to write. */
  scriptPath: string;
}

/**
 * Reads the compose file of the use case (options.composeFile, else the first of the standard names) and works out
 * what the script builds and tags.
 * Thrown: UserError when the file is missing or invalid, when no service has a build section, or when a project,
 * service or image name breaks Docker's rules (the message names the offender and where it is).
 */
export function planBuild(useCaseDir: string, options: { composeFile?: string } = {}): BuildPlan {
  const dir = resolve(useCaseDir);
  const compose = readUseCaseCompose(dir, options.composeFile);
  const fileLabel = displayPath(compose.path);
  const project = composeProjectName(dir);
  const projectProblem = projectNameProblem(project);
  if (projectProblem) {
    throw new UserError(
      'INVALID_PROJECT_NAME',
      `${displayPath(dir)}: the folder name ${JSON.stringify(basename(dir))} gives the Docker Compose project name ${JSON.stringify(project)}, which is not valid: ${projectProblem}`,
      { file: displayPath(dir), hint: 'rename the use case folder: lowercase letters, digits, "_" and "-"' },
    );
  }

  const images: BuildImage[] = [];
  const skipped: string[] = [];
  for (const service of compose.services) {
    const at = pointer('services', service.name);
    const invalid = (code: string, message: string, hint: string): UserError =>
      new UserError(code, `${fileLabel} ${at}: ${message}`, { file: fileLabel, pointer: at, hint });
    const nameProblem = serviceNameProblem(service.name);
    if (nameProblem) {
      throw invalid(
        'INVALID_SERVICE_NAME',
        `service name ${JSON.stringify(service.name)} is not a valid Docker Compose service name (${nameProblem})`,
        'rename the service in docker-compose.yml (and in connections.json)',
      );
    }
    if (service.dockerfile === undefined) {
      skipped.push(service.name);
      continue;
    }
    const tagged = `${project}-${service.name}:latest`;
    const taggedProblem = imageReferenceProblem(tagged);
    if (taggedProblem) {
      throw invalid(
        'INVALID_IMAGE_NAME',
        `service name ${JSON.stringify(service.name)} gives the image name ${JSON.stringify(tagged)}, which is not a valid Docker image name (${taggedProblem})`,
        'rename the service in docker-compose.yml: lowercase letters, digits, "_" and "-"',
      );
    }
    if (service.image !== undefined) {
      const imageProblem = imageReferenceProblem(service.image);
      if (imageProblem) {
        throw new UserError(
          'INVALID_IMAGE_NAME',
          `${fileLabel} ${at}/image: ${JSON.stringify(service.image)} is not a valid Docker image name (${imageProblem})`,
          { file: fileLabel, pointer: `${at}/image`, hint: 'fix the image name in docker-compose.yml' },
        );
      }
    }
    images.push({ service: service.name, image: service.image ?? null, tagged });
  }
  if (images.length === 0) {
    throw new UserError(
      'NOTHING_TO_BUILD',
      `${fileLabel}: no service has a build section, so there is nothing to build`,
      {
        file: fileLabel,
        hint: 'give each service a `build:` (e.g. build: {context: services/<folder>}) in docker-compose.yml',
      },
    );
  }
  return {
    useCaseDir: dir,
    composePath: compose.path,
    composeFile: relative(dir, compose.path).split(sep).join('/'),
    composeFileGiven: options.composeFile !== undefined,
    project,
    images,
    skipped,
    scriptPath: join(dir, BUILD_SCRIPT),
  };
}

/** The text of build_and_tag.sh for a plan: templates/build_and_tag.sh.tmpl with every value shell-quoted. */
export function renderBuildScript(
  plan: Pick<BuildPlan, 'project' | 'images' | 'composeFile'>,
  template = readTemplate(BUILD_SCRIPT_TEMPLATE),
): string {
  return renderShellTemplate(template, {
    project: plan.project,
    services: plan.images.map((image) => image.service),
    images: plan.images.map((image) => image.image ?? ''),
    tagged_images: plan.images.map((image) => image.tagged),
    compose_file: plan.composeFile,
  });
}

/** Writes the plan's script atomically, executable (0755 less the umask). Returns its path. */
export function writeBuildScript(plan: BuildPlan): string {
  writeFileAtomic(plan.scriptPath, renderBuildScript(plan), { mode: 0o755 });
  return plan.scriptPath;
}

/**
 * Checks `--build-arg` values: `NAME=VALUE`, or a bare `NAME` (Docker then takes the value from the environment).
 * Returns them as the arguments the script passes on: `--build-arg`, value, ... Thrown: UserError INVALID_BUILD_ARG
 * (exit 2).
 */
export function buildArgWords(values: readonly string[]): string[] {
  return values.flatMap((value) => {
    const name = value.split('=', 1)[0]!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UserError('INVALID_BUILD_ARG', `--build-arg ${JSON.stringify(value)}: expected NAME=VALUE`, {
        exit: 2,
        hint: 'e.g. --build-arg NODE_IMAGE=mirror.example.com/node:22-bookworm-slim (NAME: letters, digits, "_")',
      });
    }
    return ['--build-arg', value];
  });
}

/**
 * What the user does next, as commands to type: run the script with the build arguments (unless it ran), then export
 * the use case.
 */
export function buildNextSteps(
  plan: Pick<BuildPlan, 'useCaseDir' | 'scriptPath'> & Partial<Pick<BuildPlan, 'composePath' | 'composeFileGiven'>>,
  ran: boolean,
  buildArgs: readonly string[] = [],
): string[] {
  const file = plan.composeFileGiven && plan.composePath ? ` -f ${shellWord(displayPath(plan.composePath))}` : '';
  const dir = shellWord(displayPath(plan.useCaseDir));
  const script = displayPath(plan.scriptPath);
  // A bare file name would be looked up on PATH: run it as ./build_and_tag.sh.
  const runnable = script.includes('/') ? script : `./${script}`;
  const args = buildArgs.map((word) => ` ${shellWord(word)}`).join('');
  const steps = ran ? [] : [`${shellWord(runnable)}${args}    # or: aieffect build ${dir} --run${file}${args}`];
  steps.push(`aieffect export ${dir} <output_dir>${file}`);
  return steps;
}
