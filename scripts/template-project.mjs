// Writes templates/typescript/package.json and package-lock.json, the npm project `aieffect init` and
// `aieffect add service --lang ts` give a use case: the dependencies a TypeScript service of the templates needs, at
// the versions this repository's own package-lock.json pins (and tests with), the lock being the part of the
// repository's lock those packages need. So `npm install` in a new use case installs exactly what the tests ran, and
// from npm's cache alone after the repository's `npm ci`. Run it after changing those dependencies:
// `node scripts/template-project.mjs` (test/unit/template-project.test.ts fails until then).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What a service of templates/service-ts imports (dependencies) and what compiles it (devDependencies). */
export const TEMPLATE_DEPENDENCIES = ['@grpc/grpc-js', '@grpc/proto-loader', 'grpc-health-check'];
export const TEMPLATE_DEV_DEPENDENCIES = ['@types/node', 'typescript'];

/** The name the template carries; `aieffect init` puts the use case's name in its place. */
export const TEMPLATE_NAME = 'aieffect-use-case';

function pick(ranges, names, from) {
  return Object.fromEntries(
    names.map((name) => {
      const range = ranges?.[name];
      if (!range) throw new Error(`package.json ${from} has no ${name}`);
      return [name, range];
    }),
  );
}

/** Where Node finds `name` for the package installed at `path` in a lock's layout (nearest node_modules up). */
function resolveIn(packages, path, name) {
  for (let dir = path; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
  }
}

/**
 * The template project from the repository's package.json and package-lock.json: { packageJson, lock }. Every lock
 * entry is copied from the repository's lock (same path, version and integrity), `dev` recomputed for the template.
 */
export function templateProject(pkg, lock) {
  const dependencies = pick(pkg.dependencies, TEMPLATE_DEPENDENCIES, 'dependencies');
  const devDependencies = pick(pkg.devDependencies, TEMPLATE_DEV_DEPENDENCIES, 'devDependencies');
  const packageJson = {
    name: TEMPLATE_NAME,
    version: '0.1.0',
    private: true,
    description:
      'The TypeScript services of this use case. `npm run build` compiles them to dist/ (aieffect run does it when a source changed); each image builds them the same way.',
    type: 'module',
    engines: { node: '>=20' },
    scripts: { build: 'tsc -p tsconfig.json' },
    dependencies,
    devDependencies,
  };

  // The packages each group needs, following every dependency (optional ones too, as npm records them).
  const reach = (names) => {
    const seen = new Set();
    const queue = names.map((name) => resolveIn(lock.packages, '', name));
    while (queue.length > 0) {
      const path = queue.pop();
      if (!path || seen.has(path)) continue;
      seen.add(path);
      const entry = lock.packages[path];
      for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
        const found = resolveIn(lock.packages, path, dep);
        if (found) queue.push(found);
        else if (!entry.optionalDependencies?.[dep])
          throw new Error(`package-lock.json: ${path} needs ${dep}, not in the lock`);
      }
    }
    return seen;
  };
  const prod = reach(TEMPLATE_DEPENDENCIES);
  const all = new Set([...prod, ...reach(TEMPLATE_DEV_DEPENDENCIES)]);

  const packages = {
    '': {
      name: TEMPLATE_NAME,
      version: packageJson.version,
      dependencies,
      devDependencies,
      engines: packageJson.engines,
    },
  };
  for (const path of [...all].sort()) {
    const {
      version,
      resolved,
      integrity,
      dev: _dev,
      devOptional: _devOptional,
      peer: _peer,
      ...rest
    } = lock.packages[path];
    // In npm's own key order, so that `npm install` leaves the lock as it is.
    packages[path] = {
      version,
      ...(resolved === undefined ? {} : { resolved }),
      ...(integrity === undefined ? {} : { integrity }),
      ...(prod.has(path) ? {} : { dev: true }),
      ...rest,
    };
  }
  return {
    packageJson,
    lock: { name: TEMPLATE_NAME, version: packageJson.version, lockfileVersion: 3, requires: true, packages },
  };
}

const json = (value) => JSON.stringify(value, null, 2) + '\n';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { packageJson, lock } = templateProject(
    JSON.parse(readFileSync(`${root}/package.json`, 'utf8')),
    JSON.parse(readFileSync(`${root}/package-lock.json`, 'utf8')),
  );
  writeFileSync(`${root}/templates/typescript/package.json`, json(packageJson));
  writeFileSync(`${root}/templates/typescript/package-lock.json`, json(lock));
  process.stderr.write(
    `templates/typescript: package.json, package-lock.json (${Object.keys(lock.packages).length - 1} packages)\n`,
  );
}
