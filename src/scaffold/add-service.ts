// `aieffect add service`: a new service in a use case — proto, server (TypeScript or Python) with the standard health
// service, Dockerfile with its base image as a build argument, an entry in docker-compose.yml with x-aieffect, and
// with `after` a connection from an existing service into it. A TypeScript service gets the use case's npm project
// (package.json, lock, tsconfig.json) when there is none. Everything is checked before the first write, and the use
// case is loaded again afterwards as `aieffect export` would; if that fails, every change is undone.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { CONNECTIONS_FILE } from '../usecase/connections.js';
import { readUseCaseCompose } from '../usecase/compose.js';
import { loadUseCase, SERVICES_DIR, type UseCase } from '../usecase/load.js';
import { displayPath } from '../util/paths.js';
import { addComposeService, nextHostPort } from './compose-edit.js';
import { serviceNames, type ServiceNames } from './names.js';
import {
  composeEntry,
  ignoreFiles,
  serviceFiles,
  TEMPLATE_RPC,
  typescriptProjectFiles,
  templateDependencies,
  type Files,
  type Lang,
} from './templates.js';
import { fileList, writeChange } from './write.js';

export interface AddServiceOptions {
  lang?: Lang;
  /** `service` or `service.Rpc`: connect that rpc's output to the new service's Process. */
  after?: string;
}

export interface AddServiceResult {
  /** Absolute path of the use case folder. */
  dir: string;
  names: ServiceNames;
  lang: Lang;
  /** The files written, relative to dir, sorted (docker-compose.yml and connections.json among them when changed). */
  files: string[];
  /** The connection added with `after`. */
  connection?: { from_service: string; from_method: string; to_service: string; to_method: string };
  /** What the user still has to do (npm install, a dependency package.json lacks), and the export's notes on the
   * change (fields of the new link left at their defaults). */
  notes: string[];
  /** Whether the use case's npm dependencies need installing (a TypeScript service, no node_modules yet). */
  npm: boolean;
}

/** The rpc `after` names. Thrown: UserError UNKNOWN_SERVICE / UNKNOWN_RPC / AMBIGUOUS_RPC (exit 2). */
function resolveAfter(useCase: UseCase, after: string): { service: string; rpc: string } {
  const [serviceName, rpcName, ...rest] = after.split('.');
  const service = useCase.services.find((s) => s.composeService === serviceName);
  const known = useCase.services.map((s) => s.composeService).join(', ');
  if (!service || rest.length > 0) {
    throw new UserError('UNKNOWN_SERVICE', `--after ${after}: no service "${serviceName}" in the pipeline`, {
      exit: 2,
      hint: `the pipeline's services: ${known || '(none)'}; give --after <service> or --after <service>.<Rpc>`,
    });
  }
  const rpcs = service.rpcs.map((r) => r.name);
  if (rpcName !== undefined) {
    if (!rpcs.includes(rpcName)) {
      throw new UserError('UNKNOWN_RPC', `--after ${after}: service "${serviceName}" has no rpc ${rpcName}`, {
        exit: 2,
        hint: `its rpcs: ${rpcs.join(', ')}`,
      });
    }
    return { service: service.composeService, rpc: rpcName };
  }
  if (rpcs.length !== 1) {
    throw new UserError('AMBIGUOUS_RPC', `--after ${after}: service "${serviceName}" has ${rpcs.length} rpcs`, {
      exit: 2,
      hint: `say which one: ${rpcs.map((r) => `--after ${serviceName}.${r}`).join(', ')}`,
    });
  }
  return { service: service.composeService, rpc: rpcs[0]! };
}

/** The npm project files a TypeScript service needs that the use case lacks, and notes on what it has. */
function npmProject(dir: string, project: string, files: Files, notes: string[]): boolean {
  const packageJson = join(dir, 'package.json');
  if (!existsSync(packageJson)) {
    for (const [path, content] of [...typescriptProjectFiles(project), ...ignoreFiles()]) {
      if (!existsSync(join(dir, path))) files.set(path, content);
    }
    return true;
  }
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    scripts?: Record<string, string>;
  };
  const declared = { ...pkg.dependencies, ...pkg.devDependencies };
  const missing = templateDependencies().filter((d) => declared[d] === undefined);
  if (missing.length > 0)
    notes.push(`package.json does not declare ${missing.join(', ')}: npm install ${missing.join(' ')}`);
  if (!pkg.scripts?.build) notes.push('package.json has no "build" script: add "build": "tsc -p tsconfig.json"');
  if (!existsSync(join(dir, 'tsconfig.json')))
    files.set('tsconfig.json', typescriptProjectFiles(project).get('tsconfig.json')!);
  return !existsSync(join(dir, 'node_modules'));
}

/**
 * Adds service `name` to the use case in `useCaseDir`. Thrown before anything is written: the use case's own load
 * errors, UserError INVALID_NAME / SERVICE_EXISTS (exit 2), UNKNOWN_SERVICE / UNKNOWN_RPC / AMBIGUOUS_RPC for
 * `after` (exit 2), COMPOSE_LAYOUT; after writing and undoing: whatever loading the changed use case reports.
 */
export async function addService(
  useCaseDir: string,
  name: string,
  options: AddServiceOptions = {},
): Promise<AddServiceResult> {
  const dir = resolve(useCaseDir);
  const lang = options.lang ?? 'ts';
  // The use case must load as it is: a problem of its own is reported as such, not as one of the new service.
  const useCase = loadUseCase(useCaseDir);
  const names = serviceNames(name, useCase.project);
  const compose = readUseCaseCompose(dir);
  const taken = compose.services.find((s) => s.name === names.service || s.name === name);
  const folder = join(dir, SERVICES_DIR, names.folder);
  if (taken || existsSync(folder)) {
    const what = taken ? `${displayPath(compose.path)} has a service "${taken.name}"` : `${displayPath(folder)} exists`;
    throw new UserError('SERVICE_EXISTS', `service "${name}": ${what}`, {
      exit: 2,
      hint: 'choose another name (a service is its folder, its docker-compose.yml entry and its container)',
    });
  }
  const after = options.after === undefined ? undefined : resolveAfter(useCase, options.after);

  const notes: string[] = [];
  const files: Files = serviceFiles(names, lang);
  const npm = lang === 'ts' ? npmProject(dir, useCase.project, files, notes) : false;
  const composeText = readFileSync(compose.path, 'utf8');
  const composeFile = relative(dir, compose.path).split('\\').join('/');
  const port = nextHostPort(composeText, composeFile);
  files.set(
    composeFile,
    addComposeService(composeText, composeEntry(names, lang, port), names.service, displayPath(compose.path)),
  );
  let connection: AddServiceResult['connection'];
  if (after) {
    connection = {
      from_service: after.service,
      from_method: after.rpc,
      to_service: names.service,
      to_method: TEMPLATE_RPC,
    };
    const path = join(dir, CONNECTIONS_FILE);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { pipeline: { connections: unknown[] } };
    doc.pipeline.connections.push(connection);
    files.set(CONNECTIONS_FILE, JSON.stringify(doc, null, 2) + '\n');
  }

  // What `aieffect export` and `aieffect run` read, read back the same way (with --after: the link type-checked).
  // Its notes that the use case did not have before are the change's (say, a link whose messages share no field).
  const changed = await writeChange(dir, files, () => loadUseCase(dir));
  const known = new Set(useCase.notes);
  notes.push(...changed.notes.filter((n) => !known.has(n)));
  return { dir, names, lang, files: fileList(files), ...(connection ? { connection } : {}), notes, npm };
}
