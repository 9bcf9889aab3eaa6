// e2e: examples run from any folder with only what their own files declare. A copy of the energy example far from
// this repository, after `npm ci` in it (dependencies from npm's cache, which the repository's own `npm ci` filled:
// no network), is built by `aieffect run` (x-aieffect.build: `npm run build`, only when dist/ is stale) and started as
// plain JavaScript. Without its dependencies installed, the build fails saying so. The polyglot example's copy runs
// its TypeScript service the same way, beside its Python one.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { listFiles, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { ENERGY_RESULTS } from '../helpers/energy-example.js';
import { processesWithEnv, pythonWithGrpc } from '../helpers/local.js';

const energy = join(repoRoot, 'examples', 'file_based_energy_pipeline');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An example's own files (what git holds: no data/, dist/ or node_modules/) in a fresh folder outside the repo. */
function copyOutside(example = energy, name = 'energy'): { root: string; dir: string } {
  const tmp = tempDir('aieffect-example-copy-');
  cleanups.push(tmp.cleanup);
  const tracked = new Set(
    execFileSync('git', ['ls-files', '-z', '.'], { cwd: example, encoding: 'utf8' }).split('\0').filter(Boolean),
  );
  const dir = join(tmp.dir, name);
  cpSync(example, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(example, src);
      return rel === '' || [...tracked].some((f) => f === rel || f.startsWith(`${rel}/`));
    },
  });
  return { root: tmp.dir, dir };
}

const BUILT = 'data-analyzer, data-generator, input-provider, report-generator';

// The PATH of a user's shell: without the node_modules/.bin folders `npx vitest` put on it, through which the copy
// would find this repository's tsc.
const PATH = (process.env.PATH ?? '')
  .split(':')
  .filter((p) => !p.includes('node_modules'))
  .join(':');
const env = { PATH };

describe('aieffect run: an example copied out of the repository', () => {
  it('after npm ci in the copy: built once (npm run build), started as JavaScript, exact results', async () => {
    const { root, dir } = copyOutside();
    expect(listFiles(dir).filter((f) => /(^|\/)(dist|node_modules|data)\//.test(f))).toEqual([]);
    execFileSync(npm, ['ci', '--offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, PATH },
    });

    const data = join(root, 'data');
    const first = await runCli(['run', 'energy', '--data-dir', data], { cwd: root, env, timeoutMs: 120_000 });
    expect(first.stderr).toContain('run succeeded in ');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual(ENERGY_RESULTS);
    expect(first.stderr).toMatch(new RegExp(`^build  ${BUILT}: npm run build \\(dist/lib is missing\\)$`, 'm'));
    expect(first.stderr).toMatch(new RegExp(`^built  ${BUILT} in `, 'm'));
    expect(first.stderr).toMatch(
      /^launch data-generator pid \d+, 127\.0\.0\.1:\d+: node dist\/services\/data_generator\/server\.js$/m,
    );
    // Built before anything started.
    expect(first.stderr.indexOf('built  ')).toBeLessThan(first.stderr.indexOf('launch '));
    expect(listFiles(join(dir, 'dist'))).toContain('services/data_generator/server.js');

    // Fresh: no build. An edited source: built again, saying why.
    const second = await runCli(['run', 'energy', '--data-dir', data], { cwd: root, env, timeoutMs: 120_000 });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/^build /m);
    const edited = join(dir, 'services', 'data_generator', 'generate.ts');
    // Newer than the first build, not in the future: the rebuild that follows must come out newer than the edit.
    const later = Date.now() / 1000;
    utimesSync(edited, later, later);
    const third = await runCli(['run', 'energy', '--data-dir', data, '--json'], { cwd: root, env, timeoutMs: 120_000 });
    expect(third.code).toBe(0);
    expect((JSON.parse(third.stdout) as { results: unknown }).results).toEqual(ENERGY_RESULTS);
    // --json keeps stderr free of progress; the build ran all the same: dist/ is newer than the edit now.
    expect(third.stderr).toBe('');
    expect(statSync(join(dir, 'dist', 'lib', 'serve.js')).mtimeMs).toBeGreaterThan(statSync(edited).mtimeMs);

    // --no-build: a stale build is left alone, and said to be; the services start from the dist/ there is.
    utimesSync(edited, later + 60, later + 60);
    const fourth = await runCli(['run', 'energy', '--data-dir', data, '--no-build'], {
      cwd: root,
      env,
      timeoutMs: 120_000,
    });
    expect(fourth.code).toBe(0);
    expect(fourth.stderr).toMatch(
      new RegExp(
        `^stale  ${BUILT}: services/data_generator/generate\\.ts is newer than dist/\\S+; not built \\(--no-build\\)$`,
        'm',
      ),
    );
    expect(fourth.stderr).not.toMatch(/^build /m);
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  }, 300_000);

  it('without its dependencies installed: the build fails with its output and the hint to install; nothing starts', async () => {
    const { root, dir } = copyOutside();
    const data = join(root, 'data');
    const r = await runCli(['run', 'energy', '--data-dir', data], { cwd: root, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^build \(npm run build\) output \(last \d+ lines?\):$/m);
    expect(r.stderr).toMatch(/^ {2}\| sh: \d+: tsc: not found$/m);
    expect(r.stderr).toContain(
      `error build of ${BUILT} failed: "npm run build" exited with code 127\n` +
        `  hint: install the dependencies first: npm install (in ${dir})\n`,
    );
    expect(r.stderr).not.toContain('launch ');

    const json = await runCli(['run', 'energy', '--data-dir', data, '--json'], { cwd: root, env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: {
        code: 'BUILD_FAILED',
        build: 'npm run build',
        services: BUILT.split(', '),
        cwd: dir,
        exit_code: 127,
        output: expect.arrayContaining([expect.stringMatching(/tsc: not found$/)]),
      },
    });
    expect(listFiles(root).filter((f) => !f.startsWith('energy/'))).toEqual([]);
  });

  it('a build source that does not exist: the place in docker-compose.yml, before anything runs', async () => {
    const { root, dir } = copyOutside();
    const file = join(dir, 'docker-compose.yml');
    const compose = yaml.load(readFileSync(file, 'utf8')) as {
      services: Record<string, { 'x-aieffect': { build: { sources: string[]; outputs: string[] } } }>;
    };
    compose.services['data-analyzer']!['x-aieffect'].build.sources.push('services/data_analyzer/model.bin');
    compose.services['report-generator']!['x-aieffect'].build.outputs = ['../elsewhere'];
    writeFileSync(file, yaml.dump(compose));
    const before = listFiles(root);
    const r = await runCli(['run', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error docker-compose.yml /services/data-analyzer/x-aieffect/build/sources/4: "services/data_analyzer/model.bin" does not exist\n' +
        '  hint: x-aieffect.build paths are relative to x-aieffect.cwd (default: the use case folder)\n',
    );
    compose.services['data-analyzer']!['x-aieffect'].build.sources.pop();
    writeFileSync(file, yaml.dump(compose));
    const outside = await runCli(['run', '.'], { cwd: dir });
    expect(outside.stderr).toBe(
      'error docker-compose.yml /services/report-generator/x-aieffect/build/outputs/0: "../elsewhere" lies outside the use case folder\n' +
        '  hint: x-aieffect.build paths are relative to x-aieffect.cwd (default: the use case folder)\n',
    );
    expect(listFiles(root)).toEqual(before);
  });
});

describe('aieffect run: the polyglot example copied out of the repository', () => {
  it('after npm ci in its TypeScript service: built, both languages started, exact results', async () => {
    const python = pythonWithGrpc();
    expect(python, 'no python3 with grpcio: install python3-grpcio and python3-protobuf').toBeDefined();
    const { root, dir } = copyOutside(join(repoRoot, 'examples', 'polyglot_pipeline'), 'polyglot');
    execFileSync(npm, ['ci', '--offline', '--no-audit', '--no-fund'], {
      cwd: join(dir, 'services', 'sensor_source'),
      stdio: 'ignore',
      env: { ...process.env, PATH },
    });
    const data = join(root, 'data');
    const r = await runCli(['run', 'polyglot', '--data-dir', data], {
      cwd: root,
      env: { PATH, PYTHON: python },
      timeoutMs: 120_000,
    });
    expect(r.stderr).toContain('run succeeded in ');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^build {2}sensor-source: npm run build \(dist is missing\)$/m);
    expect(r.stderr).toMatch(/^launch sensor-source pid \d+, 127\.0\.0\.1:\d+: node dist\/server\.js$/m);
    const results = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(results['sensor_source1:ReadSensors']).toEqual({
      file_path: 'readings.csv',
      sample_count: 72,
      sensor_count: 3,
    });
    expect(results['statistics1:Summarize']).toMatchObject({
      summary_path: 'statistics.json',
      sample_count: 72,
      mean_temperature: 19.303,
      warmest_sensor: 'S3',
    });
    expect(listFiles(data)).toEqual(['readings.csv', 'statistics.json']);
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  }, 300_000);
});
