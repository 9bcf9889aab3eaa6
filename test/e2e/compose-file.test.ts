// e2e: the compose file of a use case under any of the Compose specification's names (compose.yaml, compose.yml,
// docker-compose.yaml, docker-compose.yml: the first found, in Docker Compose's order) or given with -f/--file, for
// every command that reads a use case: build, export, run.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BuildJson } from '../../src/commands/build.js';
import type { ExportJson } from '../../src/commands/export.js';
import { listFiles, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { ENERGY_RESULTS } from '../helpers/energy-example.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import { useCaseCopies } from '../helpers/usecase-fixture.js';

const copy = useCaseCopies();
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('the compose file of a use case', () => {
  it('compose.yaml, the preferred name: build and export read it, the script builds with it', async () => {
    const { root, dir } = copy();
    renameSync(join(dir, 'docker-compose.yml'), join(dir, 'compose.yaml'));
    const build = await runCli(['build', 'energy_pipeline', '--json'], { cwd: root });
    expect(build.code, build.stderr).toBe(0);
    expect(expectJsonContract<BuildJson>('build', build.stdout).images).toHaveLength(3);
    expect(readFileSync(join(dir, 'build_and_tag.sh'), 'utf8')).toContain(
      `--project-name "$project" --file 'compose.yaml' build`,
    );
    const exported = await runCli(['export', 'energy_pipeline', 'out', '--json'], { cwd: root });
    expect(exported.code, exported.stderr).toBe(0);
    expect(expectJsonContract<ExportJson>('export', exported.stdout).nodes).toHaveLength(3);
  });

  it('several names in one folder: the first in Docker Compose order is read, and the note says so', async () => {
    const { root, dir } = copy();
    const good = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    // Any other file read by mistake would fail the export.
    writeFileSync(join(dir, 'docker-compose.yml'), 'services: [broken');
    writeFileSync(join(dir, 'docker-compose.yaml'), 'services: [broken');
    writeFileSync(join(dir, 'compose.yml'), good);
    const r = await runCli(['export', 'energy_pipeline', 'out'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      'found several compose files (energy_pipeline/compose.yml, energy_pipeline/docker-compose.yaml, ' +
        'energy_pipeline/docker-compose.yml): using energy_pipeline/compose.yml\n',
    );
  });

  it('-f names another file: build writes it into the script and the next steps, export reads it', async () => {
    const { root, dir } = copy();
    mkdirSync(join(dir, 'deploy'));
    // Build contexts are relative to the compose file's folder, as Compose resolves them.
    const text = readFileSync(join(dir, 'docker-compose.yml'), 'utf8')
      .replaceAll('context: .', 'context: ..')
      .replaceAll('build: ./', 'build: ../');
    writeFileSync(join(dir, 'deploy', 'dev.yml'), text);
    rmSync(join(dir, 'docker-compose.yml'));

    const build = await runCli(['build', 'energy_pipeline', '-f', 'energy_pipeline/deploy/dev.yml'], { cwd: root });
    expect(build.code, build.stderr).toBe(0);
    expect(readFileSync(join(dir, 'build_and_tag.sh'), 'utf8')).toContain("--file 'deploy/dev.yml' build");
    expect(build.stdout).toContain('aieffect export energy_pipeline <output_dir> -f energy_pipeline/deploy/dev.yml\n');
    const exported = await runCli(
      ['export', 'energy_pipeline', 'out', '--file', 'energy_pipeline/deploy/dev.yml', '--json'],
      { cwd: root },
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(expectJsonContract<ExportJson>('export', exported.stdout).nodes.map((n) => n.folder)).toEqual([
      'data_analyzer',
      'data_generator',
      'report_generator',
    ]);
  });

  it('no compose file, or a -f that is not there: one line naming what was looked for, nothing written', async () => {
    const { root, dir } = copy();
    rmSync(join(dir, 'docker-compose.yml'));
    const before = listFiles(root);
    const none = await runCli(['export', 'energy_pipeline', 'out'], { cwd: root });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      'error energy_pipeline: no compose file (compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml)\n' +
        '  hint: a use case folder has a compose file naming its services; give one by another name with -f FILE\n',
    );
    const missing = await runCli(['build', 'energy_pipeline', '-f', 'nope.yml'], { cwd: root });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'error --file nope.yml: file not found\n' +
        "  hint: give the use case's compose file, e.g. -f energy_pipeline/compose.yaml\n",
    );
    const run = await runCli(['run', 'energy_pipeline', '-f', 'nope.yml', '--json'], { cwd: root });
    expect(run.code).toBe(1);
    expect(expectJsonContract<{ error: { code: string } }>('error', run.stdout).error.code).toBe('FILE_NOT_FOUND');
    expect(listFiles(root)).toEqual(before);
  });
});

describe('aieffect run with a compose.yaml', () => {
  it('runs the example whose compose file is compose.yaml: the same results', async () => {
    // Under the repository's .tmp/, like the copies of test/e2e/run.test.ts, so the services find their packages.
    mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
    const root = mkdtempSync(join(repoRoot, '.tmp', 'compose-file-test-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const example = join(repoRoot, 'examples', 'file_based_energy_pipeline');
    const dir = join(root, 'use_case');
    cpSync(example, dir, {
      recursive: true,
      preserveTimestamps: true,
      filter: (src) => !src.startsWith(join(example, 'data')),
    });
    renameSync(join(dir, 'docker-compose.yml'), join(dir, 'compose.yaml'));
    const data = tempDir('aieffect-compose-file-data-');
    cleanups.push(data.cleanup);
    const r = await runCli(['run', dir, '--data-dir', data.dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(expectJsonContract<{ results: unknown }>('run', r.stdout).results).toEqual(ENERGY_RESULTS);
  });
});
