// Which command starts each pipeline service locally: the x-aieffect extension of its docker-compose.yml entry
// (schemas/compose-extension.schema.json), checked before anything is started so that a use case missing one is
// reported in one message naming every service concerned.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath, isInside } from '../util/paths.js';
import { readUseCaseCompose, type LocalBuildSpec } from '../usecase/compose.js';
import type { ServiceBuild } from './build.js';
import type { LocalServiceSpec } from './runtime.js';

/** How to build (x-aieffect.build) and start (x-aieffect.run) one service. */
export type LocalServicePlan = LocalServiceSpec & { build?: ServiceBuild };

/** A pipeline node of the use case: its blueprint container and the compose service it is built from. */
export interface UseCaseNode {
  container_name: string;
  compose_service: string;
}

/**
 * x-aieffect.build with absolute paths. Thrown: INVALID_BUILD for a path outside the use case folder or a source that
 * does not exist.
 */
function resolveBuild(build: LocalBuildSpec, dir: string, cwd: string, file: string, at: string): ServiceBuild {
  const paths = (key: 'sources' | 'outputs') =>
    build[key].map((path, i) => {
      const full = resolve(cwd, path);
      const pointer = `${at}/${key}/${i}`;
      const problem = !isInside(dir, full)
        ? 'lies outside the use case folder'
        : key === 'sources' && !existsSync(full)
          ? 'does not exist'
          : undefined;
      if (problem) {
        throw new UserError('INVALID_BUILD', `${file} ${pointer}: "${path}" ${problem}`, {
          file,
          pointer,
          hint: 'x-aieffect.build paths are relative to x-aieffect.cwd (default: the use case folder)',
        });
      }
      return full;
    });
  return { command: build.command, cwd, sources: paths('sources'), outputs: paths('outputs') };
}

/**
 * The build and start specs of `nodes`, in their order. Thrown: UserError NO_LOCAL_RUN naming every service without
 * an x-aieffect extension, INVALID_CWD for an x-aieffect.cwd that is not a folder, INVALID_BUILD for a build path
 * outside the use case or a source that does not exist.
 */
export function localServiceSpecs(useCaseDir: string, nodes: UseCaseNode[], composeFile?: string): LocalServicePlan[] {
  const dir = resolve(useCaseDir);
  const compose = readUseCaseCompose(dir, composeFile);
  const file = displayPath(compose.path);
  const byName = new Map(compose.services.map((s) => [s.name, s]));
  const missing = nodes.filter((n) => byName.get(n.compose_service)?.local === undefined);
  if (missing.length > 0) {
    const names = missing.map((n) => n.compose_service);
    const first = missing[0]!;
    throw new UserError(
      'NO_LOCAL_RUN',
      `${file} /services/${first.compose_service}: no x-aieffect extension, so \`aieffect run\` cannot start ${names.length === 1 ? 'service' : 'services'} ${names.join(', ')}`,
      {
        file,
        pointer: `/services/${first.compose_service}`,
        hint: `add \`x-aieffect: {run: "<command that starts it>"}\` to each (the service listens on $GRPC_PORT), or pass --address ${first.container_name}=host:port for a service you run yourself`,
        details: { services: names },
      },
    );
  }
  return nodes.map((node) => {
    const local = byName.get(node.compose_service)!.local!;
    const cwd = resolve(dir, local.cwd ?? '.');
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
      const pointer = `/services/${node.compose_service}/x-aieffect/cwd`;
      throw new UserError('INVALID_CWD', `${file} ${pointer}: "${local.cwd}" is not a folder (${displayPath(cwd)})`, {
        file,
        pointer,
        hint: 'x-aieffect.cwd is relative to the use case folder',
      });
    }
    const at = `/services/${node.compose_service}/x-aieffect/build`;
    return {
      service: node.compose_service,
      container: node.container_name,
      command: local.run,
      cwd,
      ...(local.env === undefined ? {} : { env: local.env }),
      ...(local.build === undefined ? {} : { build: resolveBuild(local.build, dir, cwd, file, at) }),
    };
  });
}
