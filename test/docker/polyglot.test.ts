// What users install, in containers: the orchestrator image built from the `npm pack` tarball (unpacked, the layout
// npm installs), checked with `docker run` (--version, --plan on the Graphene sample, its user, its dependencies),
// then the polyglot example (a TypeScript and a Python service) deployed with that package as --orchestrator-path:
// `aieffect build --run` builds the Python image from a Debian base with python3-grpcio, Compose runs the pipeline,
// the orchestrator container's results are the local run's exact statistics. Needs an engine (DOCKER_HOST, as
// scripts/docker-harness.sh exports it); without one the file is skipped, except with CI=true.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listFiles, repoRoot, runCli, sharedFixtures, tempDir } from '../helpers/cli.js';
import {
  baseImageArgs,
  compose,
  containerName,
  copyExample,
  describeDocker,
  exec,
  figure,
  imageSizeMb,
  plain,
  projectLeftovers,
  projectName,
  runningContainers,
} from '../helpers/docker.js';
import { POLYGLOT_RESULTS } from '../helpers/polyglot-example.js';

const USE_CASE = 'polyglot_pipeline';
const MINUTES = 60_000;
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

describeDocker('the orchestrator image from npm pack, and the polyglot pipeline in containers', () => {
  const tmp = tempDir('aieffect-docker-polyglot-');
  /** The unpacked tarball: what `npm install` puts in node_modules/aieffect, without its dependencies. */
  const packed = join(tmp.dir, 'package');
  const image = projectName('aieffect-orchestrator-packed');
  let project: [name: string, file: string] | undefined;

  beforeAll(async () => {
    // --ignore-scripts: `npm test` has just built dist/; prepack's rebuild would race the other test files.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp.dir], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    const tarball = readdirSync(tmp.dir).find((f) => f.endsWith('.tgz'))!;
    execFileSync('tar', ['-xzf', tarball], { cwd: tmp.dir });
    const started = Date.now();
    const built = await exec(
      'docker',
      ['build', '-f', join(packed, 'Dockerfile.orchestrator'), ...baseImageArgs(['NODE_IMAGE']), '-t', image, packed],
      { timeoutMs: 15 * MINUTES },
    );
    figure('orchestrator image from the npm pack tarball (docker build)', started);
    expect(built.code, `${built.stdout}\n${built.stderr}`).toBe(0);
    console.log(`[docker figures] image of the packed orchestrator: ${imageSizeMb(image)} MB`);
  }, 20 * MINUTES);

  afterAll(async () => {
    if (project) await compose(project[0], project[1], ['down', '-v', '--remove-orphans']);
    await exec('docker', ['rmi', '--force', image]);
    tmp.cleanup();
  }, 5 * MINUTES);

  it(
    'docker run of it: --version, --plan on the Graphene sample as the local CLI prints it, a non-root user, production dependencies only',
    async () => {
      const run = (args: string[]) => exec('docker', ['run', '--rm', ...args], { timeoutMs: 5 * MINUTES });

      const versionRun = await run(['--entrypoint', 'aieffect', image, '--version']);
      expect(versionRun.stdout).toMatch(new RegExp(`^aieffect/${version.replace(/\./g, '\\.')} linux-x64 node-v22\\.`));
      expect(versionRun.code).toBe(0);

      // The default entrypoint is `aieffect orchestrate`; the package mounted read-only at /export, as compose does.
      const sample = join(sharedFixtures, 'graphene-sudoku');
      const plan = await run(['-v', `${sample}:/export:ro`, image, '/export', '--plan']);
      const local = await runCli(['orchestrate', sample, '--plan']);
      expect(local.code).toBe(0);
      expect(plan.stdout).toContain('pipeline sudoku-stream: 6 nodes, 4 links');
      expect(plan.stdout).toBe(local.stdout);
      expect(plan.code, plan.stderr).toBe(0);

      const id = await run(['--entrypoint', 'id', image]);
      expect(id.stdout).toMatch(/^uid=1000\(node\) gid=1000\(node\)/);

      // Production dependencies only: the runtime's packages are there, no compiler and no test runner.
      const modules = await run([
        '--entrypoint',
        'ls',
        image,
        '/opt/aieffect/node_modules',
        '/opt/aieffect/node_modules/@oclif',
      ]);
      expect(modules.code, modules.stderr).toBe(0);
      const installed = modules.stdout.split('\n');
      for (const dep of ['@grpc', 'ajv', 'js-yaml', 'core']) expect(installed).toContain(dep);
      for (const dev of ['typescript', 'vitest', 'eslint', 'tsx']) expect(installed).not.toContain(dev);
    },
    10 * MINUTES,
  );

  it(
    'the polyglot pipeline: images built (Python from a Debian base with grpcio), compose with the packed aieffect as --orchestrator-path, up gives the exact statistics; down -v leaves nothing',
    async () => {
      copyExample(join(repoRoot, 'examples', USE_CASE), join(tmp.dir, USE_CASE));
      let started = Date.now();
      const build = await runCli(['build', USE_CASE, '--run', ...baseImageArgs()], {
        cwd: tmp.dir,
        timeoutMs: 20 * MINUTES,
      });
      figure('aieffect build --run (sensor-source, statistics)', started);
      expect(build.stderr).toContain('Built and tagged:');
      expect(build.code, build.stderr).toBe(0);
      for (const service of ['sensor-source', 'statistics'])
        console.log(
          `[docker figures] image ${USE_CASE}-${service}: ${imageSizeMb(`${USE_CASE}-${service}:latest`)} MB`,
        );
      // The Python service runs as its own unprivileged user, from the base the harness made (python3-grpcio in it).
      const user = await exec('docker', ['image', 'inspect', '--format', '{{.Config.User}}', `${USE_CASE}-statistics`]);
      expect(user.stdout.trim()).toBe('app');

      // The pipeline id makes the project name (COMPOSE_PROJECT_NAME in .env) unique to this test run.
      const pipelineId = `pid${process.pid}`;
      const exported = await runCli(['export', USE_CASE, 'export', '--pipeline-id', pipelineId], {
        cwd: tmp.dir,
      });
      expect(exported.code, exported.stderr).toBe(0);
      const composed = await runCli(
        [
          'compose',
          'export',
          '--orchestrator-path',
          packed,
          '--output',
          'deploy/docker-compose.yml',
          '--base-port',
          '21091',
        ],
        { cwd: tmp.dir },
      );
      expect(composed.code, composed.stderr).toBe(0);
      expect(composed.stderr).toBe('');
      expect(composed.stdout).toContain(`2 services + orchestrator (aieffect-orchestrator:${version} built from `);
      const name = `${USE_CASE}-${pipelineId.slice(0, 8)}`;
      expect(composed.stdout).toContain(`\nproject ${name} (COMPOSE_PROJECT_NAME in deploy/.env)\n`);

      // `up` without -p: Compose takes the project from the .env file beside the compose file.
      const file = join(tmp.dir, 'deploy', 'docker-compose.yml');
      project = [name, file];
      started = Date.now();
      const up = await compose(
        null,
        file,
        ['up', '--build', '--abort-on-container-exit', '--exit-code-from', 'orchestrator', 'orchestrator'],
        { timeoutMs: 10 * MINUTES },
      );
      figure('compose up --build to a finished polyglot pipeline (orchestrator from the packed aieffect)', started);
      expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
      expect(plain(up.stdout)).toMatch(/orchestrator\S* +\| run succeeded in /);

      const data = join(tmp.dir, 'deploy', 'data');
      const result = JSON.parse(readFileSync(join(data, 'run-result.json'), 'utf8')) as {
        results: unknown;
        summary: { status: string };
      };
      expect(result.summary.status).toBe('succeeded');
      expect(result.results).toEqual(POLYGLOT_RESULTS);
      expect(listFiles(data)).toEqual(['readings.csv', 'run-result.json', 'statistics.json']);
      expect(JSON.parse(readFileSync(join(data, 'statistics.json'), 'utf8'))).toEqual(
        POLYGLOT_RESULTS['statistics1:Summarize'],
      );

      // Compose's names carry the project of the .env file.
      expect(runningContainers(name)).toEqual(['sensor_source1', 'statistics1'].map((s) => containerName(name, s)));
      const down = await compose(null, file, ['down', '-v']);
      expect(down.code, down.stderr).toBe(0);
      expect(projectLeftovers(name)).toEqual({ containers: [], networks: [], volumes: [] });
    },
    30 * MINUTES,
  );
});
