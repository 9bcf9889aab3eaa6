// What users install: `npm pack` gives a tarball that installs into an empty folder and runs there, both as the
// installed bin and through npx. Dependencies come from npm's cache (filled by `npm ci`), so no network is needed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, sharedFixtures, tempDir } from '../helpers/cli.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const quiet = { encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };

describe('npm pack', () => {
  const tmp = tempDir('aieffect-pack-');
  let project: string;

  beforeAll(() => {
    // --ignore-scripts: `npm test` has just built dist/; rebuilding here would race the other test files.
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', tmp.dir], { ...quiet, cwd: repoRoot });
    const tarball = readdirSync(tmp.dir).find((f) => f.endsWith('.tgz'))!;
    project = join(tmp.dir, 'project');
    execFileSync('mkdir', ['-p', project]);
    execFileSync(npm, ['init', '-y'], { ...quiet, cwd: project });
    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp.dir, tarball)], {
      ...quiet,
      cwd: project,
    });
  }, 240_000);
  afterAll(() => tmp.cleanup());

  it('ships only what runs: dist, bin, schemas, templates, manifest, README', () => {
    const listing = execFileSync(npm, ['pack', '--ignore-scripts', '--dry-run', '--json'], { ...quiet, cwd: repoRoot });
    const files = (JSON.parse(listing) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/run.js');
    expect(files).toContain('oclif.manifest.json');
    expect(files).toContain('schemas/blueprint.schema.json');
    expect(files).toContain('dist/commands/export.js');
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('node_modules/'))).toEqual(
      [],
    );
  });

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
