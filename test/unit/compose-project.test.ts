// The Compose project name of a generated file: derived from the pipeline, checked when given, and set in the .env
// file beside the compose file without touching the user's other lines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultProjectName, planProject, projectNameProblem } from '../../src/deploy/compose-project.js';
import type { ExportPackage } from '../../src/platform/types.js';
import { tempDir } from '../helpers/cli.js';
import { userError } from '../helpers/user-error.js';

const tmp = tempDir('aieffect-compose-project-');
afterAll(() => tmp.cleanup());

function pkg(blueprint: { name?: string; pipeline_id?: string }, dir = '/srv/exports/energy'): ExportPackage {
  return { dir, blueprint: { ...blueprint, nodes: [] }, dockerinfo: { docker_info_list: [] } };
}

describe('defaultProjectName', () => {
  it('the pipeline name and the first 8 characters of its pipeline_id', () => {
    expect(defaultProjectName(pkg({ name: 'energy_pipeline', pipeline_id: '3F2A9C1E-77d0-4b4f-9d1e-0c5a' }))).toBe(
      'energy_pipeline-3f2a9c1e',
    );
  });

  it('what Compose cannot take becomes "-"; no id, no suffix; no name, the export folder', () => {
    expect(defaultProjectName(pkg({ name: 'Sudoku Stream (v2)!' }))).toBe('sudoku-stream-v2');
    expect(defaultProjectName(pkg({ name: '__x', pipeline_id: 'a-b_c' }))).toBe('x-abc');
    expect(defaultProjectName(pkg({}, '/srv/My Export'))).toBe('my-export');
    expect(defaultProjectName(pkg({ name: '***' }, '/srv/***'))).toBe('aieffect');
    const long = defaultProjectName(pkg({ name: 'n'.repeat(100), pipeline_id: '12345678' }));
    expect(long).toBe(`${'n'.repeat(54)}-12345678`);
  });
});

describe('projectNameProblem', () => {
  it('accepts Compose project names, names what is wrong with others', () => {
    expect(projectNameProblem('energy-b_2')).toBeUndefined();
    expect(projectNameProblem('Energy')).toBe(
      'allowed: lowercase letters, digits, "_" and "-", starting with a letter or digit',
    );
    expect(projectNameProblem('-x')).toBeDefined();
    expect(projectNameProblem('a'.repeat(64))).toBe('longer than 63 characters');
  });
});

describe('planProject', () => {
  const energy = pkg({ name: 'energy', pipeline_id: 'abcdef0123' });

  function folder(name: string, env?: string): string {
    const dir = join(tmp.dir, name);
    mkdirSync(dir);
    if (env !== undefined) writeFileSync(join(dir, '.env'), env);
    return join(dir, 'docker-compose.yml');
  }

  it('a new .env: a comment and the line', () => {
    const p = planProject(energy, folder('new'));
    expect(p).toMatchObject({ name: 'energy-abcdef01', source: 'pipeline', previous: undefined });
    expect(p.envPath).toBe(join(tmp.dir, 'new', '.env'));
    expect(p.envText).toBe(
      '# Written by `aieffect compose`: the Compose project of the compose file in this folder.\nCOMPOSE_PROJECT_NAME=energy-abcdef01\n',
    );
  });

  it("an existing .env keeps the user's lines; the same name again writes nothing", () => {
    const out = folder('mixed', 'AIEFFECT_NODE_IMAGE=mirror/node:22\n');
    const p = planProject(energy, out);
    expect(p.envText).toBe('AIEFFECT_NODE_IMAGE=mirror/node:22\nCOMPOSE_PROJECT_NAME=energy-abcdef01\n');
    expect(p.previous).toBe('AIEFFECT_NODE_IMAGE=mirror/node:22\n');
    writeFileSync(p.envPath, p.envText!);
    const again = planProject(energy, out);
    expect([again.name, again.source, again.envText]).toEqual(['energy-abcdef01', 'pipeline', undefined]);
  });

  it('a name already in .env is kept; --project-name replaces that line only', () => {
    const out = folder('theirs', 'A=1\nexport COMPOSE_PROJECT_NAME="mine"\nB=2\n');
    const kept = planProject(energy, out);
    expect([kept.name, kept.source, kept.envText]).toEqual(['mine', 'env-file', undefined]);
    expect(planProject(energy, out, 'energy-b')).toMatchObject({
      name: 'energy-b',
      source: 'flag',
      envText: 'A=1\nCOMPOSE_PROJECT_NAME=energy-b\nB=2\n',
    });
  });

  it('refuses an invalid --project-name (exit 2) and a .env that is a folder (exit 1)', () => {
    const bad = userError(() => planProject(energy, folder('bad'), 'Energy B'));
    expect(bad.message).toBe(
      '--project-name "Energy B": allowed: lowercase letters, digits, "_" and "-", starting with a letter or digit',
    );
    expect(bad.exit).toBe(2);
    expect(bad.hint).toBe('e.g. --project-name energy-abcdef01-b');
    const out = folder('dir');
    mkdirSync(join(tmp.dir, 'dir', '.env'));
    const err = userError(() => planProject(energy, out));
    expect(err.message).toBe(`${join(tmp.dir, 'dir', '.env')}: exists and is not a file; Compose reads it`);
    expect(err.exit).toBe(1);
  });
});
