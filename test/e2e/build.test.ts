// e2e: `aieffect build` run as a process. The script is compared with its golden file, checked by bash -n and
// shellcheck, and executed against a recording stub `docker` to assert the exact commands it would send to Docker.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/deploy/docker.js';
import { expectGolden } from '../golden/golden.js';
import { createDockerStub } from '../helpers/docker-stub.js';
import { listFiles, runCli, tempDir } from '../helpers/cli.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import { miniPipelineDir, miniPipelineImages, miniPipelineWrote } from '../fixtures/deploy/mini-pipeline.js';

const SKIP_NOTE = 'skipping cache: no build section (an image pulled as it is)';

let tmp: { dir: string; cleanup: () => void };
let useCase: string;

beforeEach(() => {
  tmp = tempDir();
  useCase = join(tmp.dir, 'mini_pipeline');
  cpSync(miniPipelineDir, useCase, { recursive: true });
});
afterEach(() => tmp.cleanup());

/** A use case folder with the given docker-compose.yml text and a services/<folder>/Dockerfile per folder. */
function makeUseCase(name: string, compose: string, folders: string[] = ['svc']): string {
  const dir = join(tmp.dir, name);
  for (const folder of folders) {
    mkdirSync(join(dir, 'services', folder), { recursive: true });
    writeFileSync(join(dir, 'services', folder, 'Dockerfile'), 'FROM scratch\n');
  }
  writeFileSync(join(dir, 'docker-compose.yml'), compose);
  return dir;
}

function run(command: string, args: string[], env: Record<string, string> = {}, cwd = tmp.dir) {
  return spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('aieffect build: the script', () => {
  it('writes an executable build_and_tag.sh and says what it wrote and what to do next', async () => {
    const res = await runCli(['build', 'mini_pipeline'], { cwd: tmp.dir });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        ...miniPipelineWrote,
        'next:',
        '  mini_pipeline/build_and_tag.sh    # or: aieffect build mini_pipeline --run',
        '  aieffect export mini_pipeline <output_dir>',
        '',
      ].join('\n'),
    );
    expect(res.stderr).toBe(`${SKIP_NOTE}\n`);
    const script = join(useCase, 'build_and_tag.sh');
    expect(statSync(script).mode & 0o111).not.toBe(0);
    expectGolden('build/mini_pipeline.build_and_tag.sh', readFileSync(script, 'utf8'));
    expect(listFiles(useCase)).toEqual([
      'build_and_tag.sh',
      'docker-compose.yml',
      'services/data_generator/Dockerfile',
      'services/report_generator/Dockerfile',
    ]);
  });

  it('passes bash -n and shellcheck', async () => {
    expect((await runCli(['build', useCase])).code).toBe(0);
    const script = join(useCase, 'build_and_tag.sh');
    const syntax = run('bash', ['-n', script]);
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
    const lint = run('shellcheck', [script]);
    expect(lint.stdout).toBe('');
    expect(lint.status).toBe(0);
  });

  it("sends exactly these commands to docker, from the use case folder whatever the caller's folder", async () => {
    expect((await runCli(['build', useCase])).code).toBe(0);
    const stub = createDockerStub(join(tmp.dir, 'stub'));
    const res = run('bash', [join(useCase, 'build_and_tag.sh')], { PATH: stub.path }, tmp.dir);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(stub.calls()).toEqual([
      { cwd: tmp.dir, args: ['info'] },
      { cwd: tmp.dir, args: ['compose', 'version'] },
      {
        cwd: useCase,
        args: [
          'compose',
          '--project-name',
          'mini_pipeline',
          '--file',
          'docker-compose.yml',
          'build',
          'data-generator',
          'report-generator',
        ],
      },
      { cwd: useCase, args: ['tag', 'mini_pipeline-data-generator', 'mini_pipeline-data-generator:latest'] },
      {
        cwd: useCase,
        args: ['tag', 'registry.example.com/energy/report-generator:2.1', 'mini_pipeline-report-generator:latest'],
      },
    ]);
    expect(res.stdout).toBe(
      [
        `Building 2 images for mini_pipeline with docker compose...`,
        'stub: docker compose --project-name mini_pipeline --file docker-compose.yml build data-generator report-generator',
        '',
        'Tagging images with :latest...',
        '',
        'Built and tagged:',
        '  - mini_pipeline-data-generator:latest',
        '  - mini_pipeline-report-generator:latest',
        '',
        `Next: aieffect export ${useCase} <output_dir>`,
        '',
      ].join('\n'),
    );
  });

  it('stops with a clear message when docker is not installed', async () => {
    expect((await runCli(['build', useCase])).code).toBe(0);
    const emptyPath = join(tmp.dir, 'empty-bin');
    mkdirSync(emptyPath);
    const res = run('/bin/bash', [join(useCase, 'build_and_tag.sh')], { PATH: emptyPath });
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(
      'build_and_tag.sh: docker not found on PATH: install Docker (https://docs.docker.com/get-docker/) and run this script again\n',
    );
  });

  it('stops with a clear message when no Docker engine runs, before building anything', async () => {
    expect((await runCli(['build', useCase])).code).toBe(0);
    const stub = createDockerStub(join(tmp.dir, 'stub'), { noEngine: true });
    const res = run('bash', [join(useCase, 'build_and_tag.sh')], { PATH: stub.path });
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(
      'build_and_tag.sh: cannot reach the Docker engine: start Docker (or set DOCKER_HOST) and run this script again\n',
    );
    expect(stub.calls().map((c) => c.args)).toEqual([['info']]);
  });

  it('is byte-identical when generated twice', async () => {
    expect((await runCli(['build', useCase])).code).toBe(0);
    const first = readFileSync(join(useCase, 'build_and_tag.sh'));
    expect((await runCli(['build', useCase])).code).toBe(0);
    expect(readFileSync(join(useCase, 'build_and_tag.sh')).equals(first)).toBe(true);
  });
});

describe('aieffect build --run', () => {
  it('runs the script, streaming its output to stderr, and keeps stdout for the result', async () => {
    const stub = createDockerStub(join(tmp.dir, 'stub'));
    const res = await runCli(['build', useCase, '--run'], { cwd: tmp.dir, env: { PATH: stub.path } });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [...miniPipelineWrote, 'next:', '  aieffect export mini_pipeline <output_dir>', ''].join('\n'),
    );
    expect(res.stderr).toContain(
      `running mini_pipeline/build_and_tag.sh\nBuilding 2 images for mini_pipeline with docker compose...\n`,
    );
    expect(res.stderr).toContain('Built and tagged:\n  - mini_pipeline-data-generator:latest\n');
    // The CLI's own preflight (info, compose version), then the script's checks and its build and tags.
    expect(stub.calls().map((c) => c.args[0] + (c.args[0] === 'compose' ? ` ${c.args.at(-1)}` : ''))).toEqual([
      'info',
      'compose version',
      'info',
      'compose version',
      'compose report-generator',
      'tag',
      'tag',
    ]);
  });

  it('--json gives the result as JSON, with the script output still on stderr', async () => {
    const stub = createDockerStub(join(tmp.dir, 'stub'));
    const res = await runCli(['build', useCase, '--run', '--json'], { env: { PATH: stub.path } });
    expect(res.code).toBe(0);
    expect(expectJsonContract('build', res.stdout)).toEqual({
      output_dir: useCase,
      files: ['build_and_tag.sh'],
      use_case_dir: useCase,
      project: 'mini_pipeline',
      images: miniPipelineImages,
      skipped_services: ['cache'],
      ran: true,
      notes: [SKIP_NOTE],
      next: [`aieffect export ${useCase} <output_dir>`],
    });
    expect(res.stderr).toContain('Tagging images with :latest...');
  });

  it('without docker on PATH: a clear error, exit 1 (the script is written, to run elsewhere)', async () => {
    const emptyPath = join(tmp.dir, 'empty-bin');
    mkdirSync(emptyPath);
    const res = await runCli(['build', 'mini_pipeline', '--run'], { cwd: tmp.dir, env: { PATH: emptyPath } });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe([...miniPipelineWrote, ''].join('\n'));
    expectGolden('build/mini_pipeline.build_and_tag.sh', readFileSync(join(useCase, 'build_and_tag.sh'), 'utf8'));
    expect(res.stderr).toBe(
      [
        SKIP_NOTE,
        'error docker: command not found on PATH; aieffect build --run needs Docker',
        '  hint: install Docker (https://docs.docker.com/get-docker/), or run mini_pipeline/build_and_tag.sh later on a machine with Docker',
        '',
      ].join('\n'),
    );
  });

  it('without a Docker engine: a clear error, exit 1, nothing built', async () => {
    const stub = createDockerStub(join(tmp.dir, 'stub'), { noEngine: true });
    const res = await runCli(['build', 'mini_pipeline', '--run'], { cwd: tmp.dir, env: { PATH: stub.path } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      [
        SKIP_NOTE,
        'error cannot reach the Docker engine: Cannot connect to the Docker daemon at unix:///stub/docker.sock. Is the docker daemon running?',
        '  hint: start Docker (or set DOCKER_HOST), or run mini_pipeline/build_and_tag.sh later on a machine with Docker',
        '',
      ].join('\n'),
    );
    expect(stub.calls().map((c) => c.args)).toEqual([['info', '--format', '{{.ServerVersion}}']]);
  });

  it.runIf(findExecutable('docker') !== undefined)(
    'with the real docker client and no engine behind DOCKER_HOST: the same clear error',
    async () => {
      const res = await runCli(['build', 'mini_pipeline', '--run', '--json'], {
        cwd: tmp.dir,
        env: { DOCKER_HOST: 'unix:///nonexistent/aieffect-test.sock', DOCKER_CONTEXT: undefined },
      });
      expect(res.code).toBe(1);
      expect(JSON.parse(res.stdout).error).toMatchObject({
        code: 'DOCKER_ENGINE_UNREACHABLE',
        message:
          'cannot reach the Docker engine: Cannot connect to the Docker daemon at unix:///nonexistent/aieffect-test.sock. Is the docker daemon running?',
      });
    },
  );

  it('without any Compose front end: a clear error, exit 1, nothing built', async () => {
    const stub = createDockerStub(join(tmp.dir, 'stub'), { compose: 'none' });
    const res = await runCli(['build', 'mini_pipeline', '--run'], { cwd: tmp.dir, env: { PATH: stub.path } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      [
        SKIP_NOTE,
        'error Docker Compose is missing: neither `docker compose` (the plugin) nor `docker-compose` runs',
        '  hint: install the Compose plugin (https://docs.docker.com/compose/install/), or run mini_pipeline/build_and_tag.sh later on a machine with Docker',
        '',
      ].join('\n'),
    );
    expect(stub.calls().map((c) => c.args.slice(0, 2))).toEqual([
      ['info', '--format'],
      ['compose', 'version'],
      ['docker-compose', 'version'],
    ]);
  });

  it('with docker-compose v1 only: builds with it and tags its <project>_<service> images', async () => {
    const stub = createDockerStub(join(tmp.dir, 'stub'), { compose: 'v1' });
    const res = await runCli(['build', 'mini_pipeline', '--run'], { cwd: tmp.dir, env: { PATH: stub.path } });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`Building 2 images for mini_pipeline with docker-compose...\n`);
    expect(stub.calls().filter((c) => c.args.includes('build') || c.args[0] === 'tag')).toEqual([
      {
        cwd: useCase,
        args: [
          'docker-compose',
          '--project-name',
          'mini_pipeline',
          '--file',
          'docker-compose.yml',
          'build',
          'data-generator',
          'report-generator',
        ],
      },
      { cwd: useCase, args: ['tag', 'mini_pipeline_data-generator', 'mini_pipeline-data-generator:latest'] },
      {
        cwd: useCase,
        args: ['tag', 'registry.example.com/energy/report-generator:2.1', 'mini_pipeline-report-generator:latest'],
      },
    ]);
  });

  it('--build-arg NAME=VALUE reaches every build, in order, with the plugin and with v1', async () => {
    for (const compose of ['plugin', 'v1'] as const) {
      const stub = createDockerStub(join(tmp.dir, `stub-${compose}`), { compose });
      const res = await runCli(
        [
          'build',
          'mini_pipeline',
          '--run',
          '--build-arg',
          'NODE_IMAGE=mirror.example.com/node:22',
          '--build-arg',
          'X=a b',
        ],
        { cwd: tmp.dir, env: { PATH: stub.path } },
      );
      expect(res.code).toBe(0);
      const build = stub.calls().find((c) => c.args.includes('build'))!;
      expect(build.args.slice(build.args.indexOf('build'))).toEqual([
        'build',
        '--build-arg',
        'NODE_IMAGE=mirror.example.com/node:22',
        '--build-arg',
        'X=a b',
        'data-generator',
        'report-generator',
      ]);
    }
  });

  it('--build-arg without --run: the next step runs the script with it', async () => {
    const res = await runCli(['build', 'mini_pipeline', '--build-arg', 'NODE_IMAGE=m.example.com/node:22'], {
      cwd: tmp.dir,
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      'next:\n  mini_pipeline/build_and_tag.sh --build-arg NODE_IMAGE=m.example.com/node:22    # or: aieffect build mini_pipeline --run --build-arg NODE_IMAGE=m.example.com/node:22\n',
    );
  });

  it('a --build-arg that is not NAME=VALUE: usage error, exit 2, nothing written', async () => {
    const res = await runCli(['build', 'mini_pipeline', '--build-arg', '=oops'], { cwd: tmp.dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      [
        'error --build-arg "=oops": expected NAME=VALUE',
        '  hint: e.g. --build-arg NODE_IMAGE=mirror.example.com/node:22-bookworm-slim (NAME: letters, digits, "_")',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(useCase, 'build_and_tag.sh'))).toBe(false);
  });

  it('the script itself refuses an unknown argument (exit 2) and a --build-arg without value', async () => {
    expect((await runCli(['build', useCase])).code).toBe(0);
    const stub = createDockerStub(join(tmp.dir, 'stub'));
    const script = join(useCase, 'build_and_tag.sh');
    const unknown = run('bash', [script, '--pull'], { PATH: stub.path });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      `build_and_tag.sh: unknown argument '--pull' (usage: ${script} [--build-arg NAME=VALUE ...])\n`,
    );
    const missing = run('bash', [script, '--build-arg'], { PATH: stub.path });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('build_and_tag.sh: --build-arg needs a value: --build-arg NAME=VALUE\n');
    expect(stub.calls()).toEqual([]);
  });

  it('a failing build: exit 1 naming the script and its exit code', async () => {
    const stub = createDockerStub(join(tmp.dir, 'stub'), { buildExitCode: 17 });
    const res = await runCli(['build', 'mini_pipeline', '--run'], { cwd: tmp.dir, env: { PATH: stub.path } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'error mini_pipeline/build_and_tag.sh exited with code 17\n  hint: its output above says which step failed\n',
    );
    expect(stub.calls().some((c) => c.args[0] === 'tag')).toBe(false);
  });
});

describe('aieffect build: names that are not Docker names', () => {
  const cases: { title: string; compose: string; code: string; message: string }[] = [
    {
      title: 'a service named `a;rm -rf ~`',
      compose: 'services:\n  "a;rm -rf ~":\n    build: services/svc\n',
      code: 'INVALID_SERVICE_NAME',
      message:
        'docker-compose.yml /services/a;rm -rf ~0: service name "a;rm -rf ~" is not a valid Docker Compose service name (allowed: letters, digits, ".", "_" and "-")',
    },
    {
      title: 'a service named `$(id)`',
      compose: 'services:\n  "$(id)":\n    build: services/svc\n  ok:\n    build: services/svc\n',
      code: 'INVALID_SERVICE_NAME',
      message:
        'docker-compose.yml /services/$(id): service name "$(id)" is not a valid Docker Compose service name (allowed: letters, digits, ".", "_" and "-")',
    },
    {
      title: 'an image named `$(id)`',
      compose: 'services:\n  ok:\n    build: services/svc\n    image: "$(id)"\n',
      code: 'INVALID_IMAGE_NAME',
      message:
        'docker-compose.yml /services/ok/image: "$(id)" is not a valid Docker image name (allowed: lowercase letters, digits and the separators ".", "_", "-" between them, "/" between path parts, then an optional ":tag")',
    },
    {
      title: 'a service name with capitals (images are lowercase)',
      compose: 'services:\n  DataGen:\n    build: services/svc\n',
      code: 'INVALID_IMAGE_NAME',
      message:
        'docker-compose.yml /services/DataGen: service name "DataGen" gives the image name "hostile-DataGen:latest", which is not a valid Docker image name (image names must be lowercase)',
    },
  ];
  for (const c of cases) {
    it(`${c.title}: exact error, exit 1, nothing written`, async () => {
      const dir = makeUseCase('hostile', c.compose);
      const before = listFiles(dir);
      const res = await runCli(['build', '.'], { cwd: dir });
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr.split('\n')[0]).toBe(`error ${c.message}`);
      expect(listFiles(dir)).toEqual(before);
      const json = await runCli(['build', '.', '--json'], { cwd: dir });
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout).error).toMatchObject({ code: c.code, message: c.message });
      expect(listFiles(dir)).toEqual(before);
    });
  }

  it('a folder whose name gives no valid project name: exact error, exit 1, nothing written', async () => {
    const dir = makeUseCase('_Case', 'services:\n  ok:\n    build: services/svc\n');
    const before = listFiles(dir);
    const res = await runCli(['build', '_Case'], { cwd: tmp.dir });
    expect(res.code).toBe(1);
    expect(res.stderr.split('\n')[0]).toBe(
      'error _Case: the folder name "_Case" gives the Docker Compose project name "_case", which is not valid: it must start with a lowercase letter or digit',
    );
    expect(listFiles(dir)).toEqual(before);
  });

  it('no service with a build section: exact error, exit 1, nothing written', async () => {
    const dir = makeUseCase('pulled', 'services:\n  db:\n    image: postgres:16\n');
    const before = listFiles(dir);
    const res = await runCli(['build', '.'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      [
        'error docker-compose.yml: no service has a build section, so there is nothing to build',
        '  hint: give each service a `build:` (e.g. build: {context: services/<folder>}) in docker-compose.yml',
        '',
      ].join('\n'),
    );
    expect(listFiles(dir)).toEqual(before);
  });

  it('no docker-compose.yml: exact error, exit 1, nothing written', async () => {
    const dir = join(tmp.dir, 'empty');
    mkdirSync(dir);
    const res = await runCli(['build', 'empty'], { cwd: tmp.dir });
    expect(res.code).toBe(1);
    expect(res.stderr.split('\n')[0]).toBe(
      'error empty: no compose file (compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml)',
    );
    expect(listFiles(dir)).toEqual([]);
  });

  it('no argument: usage error, exit 2', async () => {
    const res = await runCli(['build'], { cwd: tmp.dir });
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe('error missing required argument: use_case_dir');
  });
});
