// e2e: the four phases of SEED.md on the energy pipeline example, as far as a machine without a Docker engine
// allows. build: build_and_tag.sh run against a recording stub `docker`; export: the platform package; compose: the
// deployment file, checked by docker-compose's own parser; execute: `aieffect orchestrate` on the exported package
// against the example's services started locally, reached through --address overrides. Each phase consumes what the
// previous one produced, and the names they share (images, containers) are checked to agree.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { listFiles, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { createDockerStub } from '../helpers/docker-stub.js';
import { ENERGY_RESULTS } from '../helpers/energy-example.js';
import { processesWithEnv, startUseCaseServices } from '../helpers/local.js';

const example = join(repoRoot, 'examples', 'file_based_energy_pipeline');
const PROJECT = 'file_based_energy_pipeline';
const SERVICES = ['data-analyzer', 'data-generator', 'input-provider', 'report-generator'];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the four phases on the energy pipeline example', () => {
  it('build, export, compose, orchestrate: each phase takes what the previous one wrote', async () => {
    const tmp = tempDir('aieffect-4phase-');
    cleanups.push(tmp.cleanup);
    // A copy keeps build_and_tag.sh out of the repository; the folder name is the Compose project (image prefix).
    const useCase = join(tmp.dir, PROJECT);
    cpSync(example, useCase, { recursive: true, filter: (src) => !src.startsWith(join(example, 'data')) });

    // The use case's own docker-compose.yml is valid Compose (x-aieffect is an extension Compose ignores).
    const own = spawnSync('docker-compose', ['-f', join(useCase, 'docker-compose.yml'), 'config', '-q'], {
      encoding: 'utf8',
    });
    expect(own.stderr).toBe('');
    expect(own.status).toBe(0);

    // 1. build: the script, run against the stub, builds every service and tags it <project>-<service>:latest.
    const docker = createDockerStub(join(tmp.dir, 'docker'));
    const build = await runCli(['build', PROJECT, '--run'], { cwd: tmp.dir, env: { PATH: docker.path } });
    expect(build.code).toBe(0);
    expect(build.stderr).toContain(
      `Built and tagged:\n${SERVICES.map((s) => `  - ${PROJECT}-${s}:latest\n`).join('')}`,
    );
    const tagged = SERVICES.map((s) => `${PROJECT}-${s}:latest`);
    expect(docker.calls().filter((c) => c.args[0] === 'compose' && c.args.includes('build'))).toEqual([
      {
        cwd: useCase,
        args: ['compose', '--project-name', PROJECT, '--file', 'docker-compose.yml', 'build', ...SERVICES],
      },
    ]);
    expect(docker.calls().filter((c) => c.args[0] === 'tag')).toEqual(
      SERVICES.map((s) => ({ cwd: useCase, args: ['tag', `${PROJECT}-${s}`, `${PROJECT}-${s}:latest`] })),
    );

    // 2. export: the package names those images and one container per service folder.
    const exportDir = join(tmp.dir, 'export');
    const exported = await runCli(['export', PROJECT, 'export', '--pipeline-id', 'energy-4phase'], { cwd: tmp.dir });
    expect(exported.code).toBe(0);
    expect(listFiles(exportDir)).toEqual([
      'blueprint.json',
      'dockerinfo.json',
      'generation_metadata.json',
      'microservice/data_analyzer1.proto',
      'microservice/data_generator1.proto',
      'microservice/input_provider1.proto',
      'microservice/report_generator1.proto',
    ]);
    const blueprint = JSON.parse(readFileSync(join(exportDir, 'blueprint.json'), 'utf8')) as {
      pipeline_id: string;
      nodes: { container_name: string; image: string }[];
    };
    expect(blueprint.pipeline_id).toBe('energy-4phase');
    expect(blueprint.nodes.map((n) => n.image).sort()).toEqual(tagged);
    const containers = blueprint.nodes.map((n) => n.container_name).sort();
    expect(containers).toEqual(['data_analyzer1', 'data_generator1', 'input_provider1', 'report_generator1']);

    // 3. compose: a deployment file Compose accepts, running exactly the built images.
    const composed = await runCli(['compose', 'export', '--orchestrator-image', 'aieffect:latest'], { cwd: tmp.dir });
    expect(composed.code).toBe(0);
    const composeFile = join(exportDir, 'docker-compose.yml');
    const check = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const deployment = yaml.load(readFileSync(composeFile, 'utf8')) as {
      services: Record<string, { image?: string; volumes?: string[] }>;
    };
    const images = Object.values(deployment.services)
      .map((s) => s.image)
      .filter((i): i is string => i !== undefined && i.startsWith(PROJECT))
      .sort();
    expect(images).toEqual(tagged);
    // Files travel between the containers only if every image keeps its data where the deployment mounts the shared
    // volume: ./data of the working directory /app, DATA_DIR left at its default.
    for (const [name, service] of Object.entries(deployment.services)) {
      if (!service.image?.startsWith(PROJECT)) continue;
      expect(service.volumes, name).toContain('./data:/app/data');
    }
    for (const folder of ['data_analyzer', 'data_generator', 'input_provider', 'report_generator']) {
      const dockerfile = readFileSync(join(useCase, 'services', folder, 'Dockerfile'), 'utf8');
      expect(
        dockerfile
          .split('\n')
          .filter((l) => l.startsWith('WORKDIR'))
          .at(-1),
      ).toBe('WORKDIR /app');
      expect(dockerfile).not.toMatch(/^ENV .*DATA_DIR/m);
    }

    // 4. execute: the exported package against the services started here, with the exported protos.
    const data = join(tmp.dir, 'data');
    // Started from the example itself: the copy in the system's temporary folder has no node_modules to build with.
    const services = await startUseCaseServices(
      example,
      containers.map((c) => ({ container_name: c, compose_service: c.slice(0, -1).replace(/_/g, '-') })),
      { dataDir: data, readyTimeoutMs: 30_000 },
    );
    cleanups.push(() => services.stop());
    const run = await runCli(
      [
        'orchestrate',
        'export',
        ...Object.entries(services.addresses).flatMap(([c, a]) => ['--address', `${c}=${a}`]),
        '--output',
        'run-result.json',
      ],
      { cwd: tmp.dir },
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(ENERGY_RESULTS);
    const written = JSON.parse(readFileSync(join(tmp.dir, 'run-result.json'), 'utf8')) as {
      results: unknown;
      summary: { status: string };
    };
    expect(written.results).toEqual(ENERGY_RESULTS);
    expect(written.summary.status).toBe('succeeded');
    expect(listFiles(data)).toEqual(['analyzed_energy_data.csv', 'energy_data.csv', 'energy_report.json']);

    await services.stop();
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
    // Seven processes in a row (docker-compose, the CLI four times, four services): past a minute on a busy machine.
  }, 180_000);
});
