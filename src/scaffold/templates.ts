// The files of a new use case and of a new service, rendered from templates/ in memory (path relative to the use case
// folder -> content), so that every name is checked and every file made before the first one is written. The values
// put into a template are names that passed src/scaffold/names.ts: identifiers and numbers, nothing to escape.
import { readTemplate, fillTemplate } from '../util/template.js';
import type { ServiceNames } from './names.js';

/** The languages a service can be made in. */
export const LANGUAGES = ['ts', 'python'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<Lang, string> = { ts: 'TypeScript', python: 'Python' };

/** The rpc every template service has; connections made by `init` and `add service --after` end in it. */
export const TEMPLATE_RPC = 'Process';

/** The files of the npm project the TypeScript services of a use case share (templates/typescript). */
export const TYPESCRIPT_PROJECT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'] as const;

/** The name templates/typescript/package.json and its lock carry, for the use case's name to replace. */
const TEMPLATE_PACKAGE_NAME = 'aieffect-use-case';

export type Files = Map<string, string>;

function render(template: string, values: Record<string, string>): string {
  return fillTemplate(readTemplate(template), values, (value) => value);
}

/** A service's own files: its proto, server, Dockerfile (and for Python the vendored health proto). */
export function serviceFiles(names: ServiceNames, lang: Lang): Files {
  const { service, folder } = names;
  const values = { service, folder, package: names.package, Service: names.Service };
  const dir = `services/${folder}`;
  const proto = render('service/service.proto.tmpl', { service, package: names.package, Service: names.Service });
  const files: Files = new Map([[`${dir}/proto/${folder}.proto`, proto]]);
  if (lang === 'ts') {
    files.set(`${dir}/server.ts`, render('service-ts/server.ts.tmpl', values));
    files.set(`${dir}/Dockerfile`, render('service-ts/Dockerfile.tmpl', { service, folder }));
  } else {
    files.set(`${dir}/server.py`, render('service-python/server.py.tmpl', values));
    files.set(`${dir}/Dockerfile`, render('service-python/Dockerfile.tmpl', { service, folder }));
    files.set(`${dir}/.dockerignore`, readTemplate('service-python/dockerignore'));
    files.set(`${dir}/health/grpc/health/v1/health.proto`, readTemplate('service-python/health.proto'));
  }
  return files;
}

/** The service's entry under `services:` of docker-compose.yml (indented by two spaces), publishing `port`. */
export function composeEntry(names: ServiceNames, lang: Lang, port: number): string {
  const template = lang === 'ts' ? 'service-ts/compose.yml.tmpl' : 'service-python/compose.yml.tmpl';
  return render(template, { service: names.service, folder: names.folder, port: String(port) });
}

/** The npm project of the TypeScript services, named `packageName`. */
export function typescriptProjectFiles(packageName: string): Files {
  const named = (file: string) => {
    const json = JSON.parse(readTemplate(`typescript/${file}`)) as {
      name: string;
      packages?: Record<string, { name?: string }>;
    };
    if (json.name !== TEMPLATE_PACKAGE_NAME) throw new Error(`templates/typescript/${file}: unexpected name`);
    json.name = packageName;
    if (json.packages?.['']) json.packages[''].name = packageName;
    return JSON.stringify(json, null, 2) + '\n';
  };
  return new Map([
    ['package.json', named('package.json')],
    ['package-lock.json', named('package-lock.json')],
    ['tsconfig.json', readTemplate('typescript/tsconfig.json')],
  ]);
}

/** The packages a TypeScript service of the templates needs (templates/typescript/package.json). */
export function templateDependencies(): string[] {
  const pkg = JSON.parse(readTemplate('typescript/package.json')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  return [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
}

/** .gitignore and .dockerignore of a use case folder (stored without their dot: npm leaves .gitignore out of packages). */
export function ignoreFiles(): Files {
  return new Map([
    ['.gitignore', readTemplate('use-case/gitignore')],
    ['.dockerignore', readTemplate('use-case/dockerignore')],
  ]);
}

/** README.md and the start of docker-compose.yml of a new use case. */
export function useCaseFiles(name: string, project: string): Files {
  return new Map([
    ['README.md', render('use-case/README.md.tmpl', { name, project })],
    ['docker-compose.yml', render('use-case/docker-compose.yml.tmpl', { name })],
  ]);
}
