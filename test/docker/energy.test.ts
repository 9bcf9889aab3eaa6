// The seed's whole workflow on a real Docker engine, on examples/file_based_energy_pipeline: `aieffect build --run`
// builds the images, `aieffect export` the package, `aieffect compose --orchestrator-path <repo>` the deployment,
// and Compose runs it: the orchestrator container's results carry the report's exact numbers, its result file and
// the services' files are in the shared data folder on the host, `down -v` leaves nothing of the project. Then a
// service container killed mid-run, and two deployments of the pipeline at once. Needs an engine (DOCKER_HOST, as
// scripts/docker-harness.sh exports it); without one the file is skipped, except with CI=true.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listFiles, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import {
  baseImageArgs,
  compose,
  composeCommand,
  containerName,
  copyExample,
  describeDocker,
  exec,
  type Exec,
  figure,
  imageSizeMb,
  plain,
  projectLeftovers,
  projectName,
  runningContainers,
} from '../helpers/docker.js';
import { ENERGY_RESULTS } from '../helpers/energy-example.js';

const example = join(repoRoot, 'examples', 'file_based_energy_pipeline');
const USE_CASE = 'file_based_energy_pipeline';
const SERVICES = ['data-analyzer', 'data-generator', 'input-provider', 'report-generator'];
const UP = ['up', '--abort-on-container-exit', '--exit-code-from', 'orchestrator', 'orchestrator'];
const MINUTES = 60_000;
const ORCHESTRATOR_IMAGE = `aieffect-orchestrator:${(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version}`;

interface RunResult {
  results: Record<string, unknown>;
  summary: {
    status: string;
    nodes: Record<string, { status: string; error?: { code: string } }>;
    error?: { node: string; code: string; message: string };
  };
}

describeDocker('the energy pipeline in containers (build, export, compose, up)', () => {
  const tmp = tempDir('aieffect-docker-energy-');
  const projects: [name: string, file: string][] = [];

  /** Writes a compose file for the export with the orchestrator built from this repository; returns its path. */
  async function composeFile(output: string, basePort: number): Promise<string> {
    const res = await runCli(
      ['compose', 'export', '--orchestrator-path', repoRoot, '--output', output, '--base-port', String(basePort)],
      { cwd: tmp.dir },
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    return join(tmp.dir, output);
  }

  /** A project (of this compose file) to take down afterwards. */
  function project(prefix: string, file: string): string {
    const name = projectName(prefix);
    projects.push([name, file]);
    return name;
  }

  function readResult(file: string): RunResult {
    return JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  }

  beforeAll(async () => {
    copyExample(example, join(tmp.dir, USE_CASE));
    let started = Date.now();
    const build = await runCli(['build', USE_CASE, '--run', ...baseImageArgs(['NODE_IMAGE'])], {
      cwd: tmp.dir,
      timeoutMs: 20 * MINUTES,
    });
    figure('aieffect build --run (4 service images)', started);
    expect(build.stderr).toContain('Built and tagged:');
    expect(build.code).toBe(0);
    for (const service of SERVICES)
      console.log(`[docker figures] image ${USE_CASE}-${service}: ${imageSizeMb(`${USE_CASE}-${service}:latest`)} MB`);

    const exported = await runCli(['export', USE_CASE, 'export', '--pipeline-id', 'energy-docker'], { cwd: tmp.dir });
    expect(exported.code).toBe(0);

    // The orchestrator image, once for every project below: Compose tags it aieffect-orchestrator:<version> and builds
    // it from AIEFFECT_NODE_IMAGE (the harness's base) when set. Later `up`s find it; `up --build` rebuilds from cache.
    const file = await composeFile('export/docker-compose.yml', 21051);
    started = Date.now();
    const built = await compose(project('aieffect-build', file), file, ['build', 'orchestrator'], {
      timeoutMs: 15 * MINUTES,
    });
    figure('orchestrator image build (compose build)', started);
    expect(built.code, built.stderr).toBe(0);
    console.log(`[docker figures] image ${ORCHESTRATOR_IMAGE}: ${imageSizeMb(ORCHESTRATOR_IMAGE)} MB`);
  }, 40 * MINUTES);

  afterAll(async () => {
    // Whatever a failed test left running: every project's containers and network (by its compose file).
    for (const [name, file] of projects) await compose(name, file, ['down', '-v', '--remove-orphans']);
    tmp.cleanup();
  }, 5 * MINUTES);

  it(
    'up runs the pipeline in containers: the report numbers, the files in the shared data folder, exit 0; down -v leaves nothing',
    async () => {
      const file = join(tmp.dir, 'export', 'docker-compose.yml');
      const name = project('aieffect-energy', file);
      const started = Date.now();
      // The README's command: `up --build` (the orchestrator image from cache), attached to the orchestrator.
      const result0 = await compose(name, file, [UP[0]!, '--build', ...UP.slice(1)], { timeoutMs: 10 * MINUTES });
      figure('compose up --build to a finished pipeline (4 services + orchestrator, cached image)', started);
      expect(result0.code, `${result0.stdout}\n${result0.stderr}`).toBe(0);
      // The orchestrator's stdout (its results) and stderr (plain progress) come through Compose's log prefix.
      const logs = plain(result0.stdout);
      expect(logs).toMatch(/orchestrator\S* +\| run succeeded in /);
      expect(logs).toMatch(/orchestrator\S* +\| +"anomaly_count": 7,/);

      const data = join(tmp.dir, 'export', 'data');
      const result = readResult(join(data, 'run-result.json'));
      expect(result.results).toEqual(ENERGY_RESULTS);
      expect(result.summary.status).toBe('succeeded');
      expect(listFiles(data)).toEqual([
        'analyzed_energy_data.csv',
        'energy_data.csv',
        'energy_report.json',
        'run-result.json',
      ]);
      const report = JSON.parse(readFileSync(join(data, 'energy_report.json'), 'utf8')) as {
        summary: { total_records: number; anomaly_count: number };
      };
      expect(report.summary).toMatchObject({ total_records: 100, anomaly_count: 7 });

      // Compose's names, prefixed with the project: nothing fixed that a second deployment would collide with.
      expect(runningContainers(name)).toEqual(
        ['data_analyzer1', 'data_generator1', 'input_provider1', 'report_generator1'].map((s) =>
          containerName(name, s),
        ),
      );

      const down = await compose(name, file, ['down', '-v']);
      expect(down.code, down.stderr).toBe(0);
      expect(projectLeftovers(name)).toEqual({ containers: [], networks: [], volumes: [] });
    },
    15 * MINUTES,
  );

  it(
    'a service container killed mid-run: the orchestrator names the node and its status, keeps the partial results, exit 1',
    async () => {
      // A second deployment of the same package (its own file, data folder and host ports), with enough readings that
      // generating and analysing them takes a while: the analyzer is killed as soon as the run has started. The
      // override file only gives the orchestrator that larger input; `up` is the one the README shows.
      const file = await composeFile('killed/docker-compose.yml', 21061);
      const override = join(tmp.dir, 'killed', 'larger-input.yml');
      writeFileSync(
        override,
        'services:\n  orchestrator:\n    command: [/export, --output, /app/data/run-result.json, --input, \'{"num_records": 200000}\']\n',
      );
      const name = project('aieffect-killed', file);
      let killed: Promise<Exec> | undefined;
      const run = await compose(name, [file, override], UP, {
        timeoutMs: 10 * MINUTES,
        onLine: (line) => {
          if (killed === undefined && plain(line).includes('start data_generator1:GenerateData')) {
            killed = exec('docker', ['kill', containerName(name, 'data_analyzer1')]);
          }
        },
      });
      expect(killed, `the run never started GenerateData:\n${run.stdout}\n${run.stderr}`).toBeDefined();
      expect(await killed).toMatchObject({ code: 0 });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
      expect(plain(`${run.stdout}${run.stderr}`)).toMatch(
        /error node "data_analyzer1:AnalyzeData" failed: UNAVAILABLE: /,
      );

      const result = readResult(join(tmp.dir, 'killed', 'data', 'run-result.json'));
      expect(result.summary.status).toBe('failed');
      expect(result.summary.error).toMatchObject({ node: 'data_analyzer1:AnalyzeData', code: 'UNAVAILABLE' });
      expect(Object.keys(result.results).sort()).toEqual([
        'data_generator1:GenerateData',
        'input_provider1:GetConfiguration',
      ]);
      expect(result.results['data_generator1:GenerateData']).toMatchObject({ record_count: 200000 });
      expect(result.summary.nodes['data_analyzer1:AnalyzeData']).toMatchObject({
        status: 'failed',
        error: { code: 'UNAVAILABLE' },
      });
      expect(result.summary.nodes['report_generator1:GenerateReport']).toMatchObject({ status: 'skipped' });
      // The killed container stays down (a kill is a manual stop for the restart policy); the others still run.
      expect(runningContainers(name)).toEqual(
        ['data_generator1', 'input_provider1', 'report_generator1'].map((s) => containerName(name, s)),
      );
    },
    15 * MINUTES,
  );

  it(
    'two deployments of the pipeline up at once: both succeed, each with its own containers, network and data',
    async () => {
      const files = [
        await composeFile('a/docker-compose.yml', 21071),
        await composeFile('b/docker-compose.yml', 21081),
      ];
      const names = files.map((file) => project('aieffect-twin', file));
      const started = Date.now();
      const ups = await Promise.all(files.map((file, i) => compose(names[i]!, file, UP, { timeoutMs: 10 * MINUTES })));
      figure('two deployments up at once, both finished', started);
      ups.forEach((res, i) => expect(res.code, `${names[i]}: ${res.stdout}\n${res.stderr}`).toBe(0));
      for (const folder of ['a', 'b']) {
        expect(readResult(join(tmp.dir, folder, 'data', 'run-result.json')).results).toEqual(ENERGY_RESULTS);
      }
      const networks = await exec('docker', ['network', 'ls', '--format', '{{.Name}}']);
      for (const name of names) expect(networks.stdout).toContain(`${name}_ai-effect-pipeline\n`);
      for (const [i, file] of files.entries()) {
        expect((await compose(names[i]!, file, ['down', '-v'])).code).toBe(0);
        expect(projectLeftovers(names[i]!)).toEqual({ containers: [], networks: [], volumes: [] });
      }
    },
    15 * MINUTES,
  );

  it('uses the Compose front end found here', () => {
    console.log(`[docker figures] compose front end: ${composeCommand.join(' ')}`);
    expect(existsSync(join(tmp.dir, USE_CASE, 'build_and_tag.sh'))).toBe(true);
  });
});
