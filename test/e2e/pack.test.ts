// What users install: `npm pack` gives a tarball that installs into an empty folder and runs there, both as the
// installed bin and through npx. Dependencies come from npm's cache (filled by `npm ci`), so no network is needed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, sharedFixtures, tempDir } from '../helpers/cli.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const quiet = { encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };

describe('npm pack', () => {
  const tmp = tempDir('aieffect-pack-');
  let project: string;
  let tarball: string;

  beforeAll(() => {
    // --ignore-scripts: `npm test` has just built dist/; rebuilding here would race the other test files.
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', tmp.dir], { ...quiet, cwd: repoRoot });
    tarball = readdirSync(tmp.dir).find((f) => f.endsWith('.tgz'))!;
    project = join(tmp.dir, 'project');
    execFileSync('mkdir', ['-p', project]);
    execFileSync(npm, ['init', '-y'], { ...quiet, cwd: project });
    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp.dir, tarball)], {
      ...quiet,
      cwd: project,
    });
  }, 240_000);
  afterAll(() => tmp.cleanup());

  it('ships only what runs: dist, bin, schemas, templates, manifest, README, LICENSE; no source maps', () => {
    const listing = execFileSync(npm, ['pack', '--ignore-scripts', '--dry-run', '--json'], { ...quiet, cwd: repoRoot });
    const files = (JSON.parse(listing) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/run.js');
    expect(files).toContain('oclif.manifest.json');
    expect(files).toContain('schemas/blueprint.schema.json');
    expect(files).toContain('dist/commands/export.js');
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('node_modules/'))).toEqual(
      [],
    );
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('the installed package: Apache-2.0 with its LICENSE, no install scripts, no source map references', () => {
    const installed = join(project, 'node_modules', 'aieffect');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      license: string;
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(manifest.license).toBe('Apache-2.0');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toContain(
      'Apache License\n                           Version 2.0',
    );
    expect(manifest.bin).toEqual({ aieffect: 'bin/run.js' });
    const installScripts = ['preinstall', 'install', 'postinstall', 'prepare'].filter((s) => s in manifest.scripts);
    expect(installScripts).toEqual([]);
    const js = (readdirSync(join(installed, 'dist'), { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(50);
    const mapped = js.filter((f) => readFileSync(join(installed, 'dist', f), 'utf8').includes('sourceMappingURL'));
    expect(mapped).toEqual([]);
  });

  it('npm publish --dry-run has nothing to warn about (npm would otherwise correct package.json)', () => {
    // A loopback registry where nothing listens (npm asks it for the package once and carries on), no retries, and a
    // token, so that npm does not warn about logging in.
    const registry = 'http://127.0.0.1:9/';
    const result = spawnSync(
      npm,
      [
        'publish',
        '--dry-run',
        '--ignore-scripts',
        `--registry=${registry}`,
        '--//127.0.0.1:9/:_authToken=dry-run',
        '--fetch-retries=0',
      ],
      { encoding: 'utf8', cwd: repoRoot },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('npm warn'))).toEqual([]);
    expect(result.stdout).toContain('+ aieffect@');
  }, 120_000);

  it('a clone before npm run build: one line saying so, exit 1 (npm ci compiles nothing)', () => {
    const clone = join(tmp.dir, 'clone');
    execFileSync('mkdir', ['-p', join(clone, 'bin')]);
    copyFileSync(join(repoRoot, 'bin', 'run.js'), join(clone, 'bin', 'run.js'));
    const result = spawnSync(process.execPath, [join(clone, 'bin', 'run.js'), '--help'], { encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 1,
      stdout: '',
      stderr: `error aieffect is not built: no dist/ in ${clone}/\n  hint: run \`npm run build\` there\n`,
    });
  });

  it('npm install -g of the tarball, as the README says: no warning about aieffect, the bin on the PATH', () => {
    const prefix = join(tmp.dir, 'global');
    const env = { ...process.env, npm_config_prefix: prefix, npm_config_prefer_offline: 'true' };
    const install = spawnSync(npm, ['install', '-g', `./${tarball}`, '--no-audit', '--no-fund'], {
      encoding: 'utf8',
      cwd: tmp.dir,
      env,
    });
    expect(install.status, install.stderr).toBe(0);
    // npm 11 lists the install scripts it skipped; aieffect has none (a dependency's may be listed).
    expect(install.stderr).not.toMatch(/aieffect@/);
    const version = execFileSync(join(prefix, 'bin', 'aieffect'), ['version'], { ...quiet, cwd: tmp.dir });
    expect(version).toMatch(/^aieffect\/\d+\.\d+\.\d+ /);
  }, 240_000);

  it('the installed bin runs', () => {
    const out = execFileSync(join(project, 'node_modules', '.bin', 'aieffect'), ['--version'], {
      ...quiet,
      cwd: project,
    });
    expect(out).toMatch(/^aieffect\/\d+\.\d+\.\d+ /);
  });

  it('npx aieffect runs a real command in the empty folder', () => {
    const out = execFileSync(
      'npx',
      [
        '--no-install',
        'aieffect',
        'compose',
        join(sharedFixtures, 'graphene-sudoku'),
        '--output',
        join(tmp.dir, 'out', 'docker-compose.yml'),
        '--json',
      ],
      { ...quiet, cwd: project },
    );
    const result = JSON.parse(out) as Record<string, unknown>;
    expect(JSON.stringify(result)).toContain('sudoku-aspsolver1');
  });

  it('the installed package draws an SVG outside the repository (its Graphviz WebAssembly ships with it)', () => {
    const svg = execFileSync(
      join(project, 'node_modules', '.bin', 'aieffect'),
      ['graph', join(sharedFixtures, 'graphene-sudoku'), '--format', 'svg'],
      { ...quiet, cwd: project },
    );
    expect(svg).toBe(readFileSync(join(repoRoot, 'test', 'golden', 'graph', 'graphene-sudoku.svg'), 'utf8'));
  });
});
