// The parts of scaffolding (src/scaffold) alone: the names a service gets and the ones refused, the edit of a
// docker-compose.yml that keeps its comments, undoing a change that failed, and the npm project of the templates
// being the repository's own dependencies.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { addComposeService, nextHostPort } from '../../src/scaffold/compose-edit.js';
import { pipelineName, serviceNames, useCaseProject } from '../../src/scaffold/names.js';
import { composeEntry } from '../../src/scaffold/templates.js';
import { writeChange } from '../../src/scaffold/write.js';
import { listFiles, repoRoot, tempDir } from '../helpers/cli.js';
import { userError } from '../helpers/user-error.js';
// @ts-expect-error: a plain ES module script without types
import { templateProject } from '../../scripts/template-project.mjs';

describe('serviceNames', () => {
  it('one name gives every name of the service: compose service, folder, container, proto package and service', () => {
    expect(serviceNames('data-cleaner', 'demo')).toEqual({
      service: 'data-cleaner',
      folder: 'data_cleaner',
      container: 'data_cleaner1',
      package: 'data_cleaner',
      Service: 'DataCleaner',
    });
    expect(serviceNames('data_cleaner', 'demo')).toEqual(serviceNames('data-cleaner', 'demo'));
    expect(serviceNames('stats2', 'demo').Service).toBe('Stats2');
  });

  it.each([
    ['DataCleaner', 'has uppercase letters, which Docker image names cannot have'],
    ['9lives', 'starts with a digit, which a proto package cannot'],
    ['data--cleaner', 'is not a valid service name'],
    ['-cleaner', 'is not a valid service name'],
    ['cleaner_', 'is not a valid service name'],
    ['$(id)', 'is not a valid service name'],
    ['a.b', 'is not a valid service name'],
    ['orchestrator', 'is the service `aieffect compose` adds to run the pipeline'],
    ['a'.repeat(64), 'is longer than 63 characters'],
  ])('refuses %j: usage error naming why', (name, why) => {
    const err = userError(() => serviceNames(name, 'demo'));
    expect(err.code).toBe('INVALID_NAME');
    expect(err.exit).toBe(2);
    expect(err.message).toBe(`service name "${name}": ${why}`);
    expect(err.hint).toBe(
      'use lowercase letters and digits, starting with a letter, words joined by "-" or "_" (e.g. data-cleaner)',
    );
  });

  it('a folder whose name gives no Compose project, and an odd pipeline name, are refused', () => {
    expect(useCaseProject('/tmp/My Pipeline')).toBe('mypipeline');
    expect(userError(() => useCaseProject('/tmp/__x')).message).toBe(
      'use case folder "__x": its name gives the Docker Compose project name "__x", which is invalid: it must start with a lowercase letter or digit',
    );
    expect(pipelineName('energy-forecast.v2')).toBe('energy-forecast.v2');
    expect(userError(() => pipelineName('my pipeline')).message).toBe(
      'pipeline name "my pipeline": is not a valid pipeline name',
    );
  });
});

const COMPOSE = `# The development services.
services:
    # the first one
    alpha:
        build: ./services/alpha   # its own folder
        ports: ['127.0.0.1:50060:50051']

    beta:
        image: "redis:7"
        ports:
          - published: 50070
            target: 6379

# Shared volumes.
volumes:
    data: {}
`;

describe('addComposeService', () => {
  const entry = composeEntry(serviceNames('gamma', 'demo'), 'python', 50071);

  it("appends the entry to the services block in the file's indentation, keeping every comment and line", () => {
    const out = addComposeService(COMPOSE, entry, 'gamma', 'docker-compose.yml');
    // Every line of the original is still there, in order, and the new entry sits before the next top-level key.
    const kept = COMPOSE.split('\n');
    const lines = out.split('\n');
    let at = 0;
    for (const line of kept) at = lines.indexOf(line, at) + 1;
    expect(at).toBeGreaterThan(0);
    expect(out).toContain(
      '            target: 6379\n\n    gamma:\n        build: ./services/gamma\n        environment:\n' +
        "            GRPC_PORT: '50051'\n",
    );
    expect(out).toMatch(/run: '"\$\{PYTHON:-python3\}" server.py'\n\n# Shared volumes.\nvolumes:\n/);
    const doc = yaml.load(out) as { services: Record<string, unknown>; volumes: unknown };
    expect(Object.keys(doc.services)).toEqual(['alpha', 'beta', 'gamma']);
    expect(doc.services.gamma).toEqual({
      build: './services/gamma',
      environment: { GRPC_PORT: '50051' },
      ports: ['50071:50051'],
      volumes: ['./data:/app/data'],
      'x-aieffect': { cwd: 'services/gamma', run: '"${PYTHON:-python3}" server.py' },
    });
    expect(doc.volumes).toEqual({ data: {} });
  });

  it('a file without services gets the key; an empty services block gets the entry', () => {
    const none = addComposeService('name: demo\n', entry, 'gamma', 'c.yml');
    expect(Object.keys((yaml.load(none) as { services: object }).services)).toEqual(['gamma']);
    const empty = addComposeService('services:\n# nothing yet\n', entry, 'gamma', 'c.yml');
    expect(empty.startsWith('services:\n  gamma:\n')).toBe(true);
  });

  it('services in flow style: refused with the entry to paste by hand', () => {
    const err = userError(() => addComposeService('services: {alpha: {image: x}}\n', entry, 'gamma', 'c.yml'));
    expect(err.code).toBe('COMPOSE_LAYOUT');
    expect(err.message).toBe(
      'c.yml: cannot add service "gamma": its services are not a block mapping under "services:"',
    );
    expect(err.hint).toBe(`add it under services: by hand:\n${entry.trimEnd()}`);
  });

  it('the next host port is above every port the file publishes, short and long syntax', () => {
    expect(nextHostPort(COMPOSE, 'c.yml')).toBe(50071);
    expect(nextHostPort('services:\n  a:\n    image: x\n', 'c.yml')).toBe(50051);
  });
});

describe('writeChange', () => {
  it('a failed check undoes the change: new files and folders gone, replaced files as they were', async () => {
    const tmp = tempDir();
    try {
      mkdirSync(join(tmp.dir, 'services'));
      writeFileSync(join(tmp.dir, 'docker-compose.yml'), 'services: {}\n');
      const before = listFiles(tmp.dir);
      const files = new Map([
        ['docker-compose.yml', 'services:\n  a: {}\n'],
        ['services/a/proto/a.proto', 'syntax = "proto3";\n'],
        ['services/a/server.ts', '\n'],
      ]);
      const failure = new UserError('BROKEN', 'the check failed');
      await expect(
        writeChange(tmp.dir, files, () => {
          expect(readFileSync(join(tmp.dir, 'docker-compose.yml'), 'utf8')).toBe('services:\n  a: {}\n');
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(listFiles(tmp.dir)).toEqual(before);
      expect(readFileSync(join(tmp.dir, 'docker-compose.yml'), 'utf8')).toBe('services: {}\n');
      expect(existsSync(join(tmp.dir, 'services', 'a'))).toBe(false);
      expect(existsSync(join(tmp.dir, 'services'))).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('templates/typescript', () => {
  it("package.json and package-lock.json are the repository's own dependencies (node scripts/template-project.mjs)", () => {
    const read = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8')) as unknown;
    const expected = templateProject(read('package.json'), read('package-lock.json')) as {
      packageJson: unknown;
      lock: unknown;
    };
    expect(read('templates/typescript/package.json')).toEqual(expected.packageJson);
    expect(read('templates/typescript/package-lock.json')).toEqual(expected.lock);
  });
});
