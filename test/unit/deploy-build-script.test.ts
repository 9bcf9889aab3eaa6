// build_and_tag.sh generation: the plan read from a use case's docker-compose.yml, and the template's quoting, which
// keeps even names that slipped past validation inert when the script runs (checked with a recording stub docker).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildNextSteps, planBuild, renderBuildScript } from '../../src/deploy/build-script.js';
import { pointer } from '../../src/deploy/pointer.js';
import { UserError } from '../../src/errors.js';
import { createDockerStub } from '../helpers/docker-stub.js';
import { tempDir } from '../helpers/cli.js';
import { miniPipelineDir, miniPipelineImages } from '../fixtures/deploy/mini-pipeline.js';

const fixture = miniPipelineDir;

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('planBuild', () => {
  it('builds the services with a build section, sorted, and skips pulled images', () => {
    const plan = planBuild(fixture);
    expect(plan).toEqual({
      useCaseDir: fixture,
      composePath: join(fixture, 'docker-compose.yml'),
      composeFile: 'docker-compose.yml',
      composeFileGiven: false,
      project: 'mini_pipeline',
      images: miniPipelineImages,
      skipped: ['cache'],
      scriptPath: join(fixture, 'build_and_tag.sh'),
    });
  });

  it('names the offending service with an escaped JSON pointer', () => {
    writeFileSync(join(tmp.dir, 'docker-compose.yml'), 'services:\n  "a/b~c":\n    build: .\n');
    let thrown: unknown;
    try {
      planBuild(tmp.dir);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).pointer).toBe('/services/a~1b~0c');
    expect((thrown as UserError).code).toBe('INVALID_SERVICE_NAME');
  });
});

describe('pointer', () => {
  it('escapes ~ and / as RFC 6901 says', () => {
    expect(pointer('services', 'a;rm -rf ~', 'image')).toBe('/services/a;rm -rf ~0/image');
    expect(pointer('nodes', 3)).toBe('/nodes/3');
    expect(pointer('x/y')).toBe('/x~1y');
  });
});

describe('renderBuildScript', () => {
  it('keeps hostile names inert: docker receives them as plain arguments, nothing else runs', () => {
    const canary = join(tmp.dir, 'pwned');
    const hostile = ['a;rm -rf ~', `$(touch ${canary})`, `\`touch ${canary}\``, "x'; touch pwned; '"];
    const script = renderBuildScript({
      project: '$(id)',
      images: hostile.map((name) => ({ service: name, image: name, tagged: `${name}:latest` })),
      composeFile: 'my $(compose).yaml',
    });
    const path = join(tmp.dir, 'build_and_tag.sh');
    writeFileSync(path, script);
    expect(spawnSync('bash', ['-n', path]).status).toBe(0);
    const stub = createDockerStub(join(tmp.dir, 'stub'));
    const res = spawnSync('bash', [path], { env: { ...process.env, PATH: stub.path }, encoding: 'utf8' });
    expect(res.status).toBe(0);
    expect(existsSync(canary)).toBe(false);
    expect(existsSync(join(tmp.dir, 'pwned'))).toBe(false);
    expect(stub.calls().map((c) => c.args)).toEqual([
      ['info'],
      ['compose', 'version'],
      ['compose', '--project-name', '$(id)', '--file', 'my $(compose).yaml', 'build', ...hostile],
      ...hostile.map((name) => ['tag', name, `${name}:latest`]),
    ]);
  });

  it('is the same text for the same plan', () => {
    const plan = planBuild(fixture);
    expect(renderBuildScript(plan)).toBe(renderBuildScript(plan));
  });
});

describe('buildNextSteps', () => {
  it('runs the script (unless it ran), then exports', () => {
    const plan = { useCaseDir: join(tmp.dir, 'my case'), scriptPath: join(tmp.dir, 'my case', 'build_and_tag.sh') };
    expect(buildNextSteps(plan, false)).toEqual([
      `'${join(tmp.dir, 'my case', 'build_and_tag.sh')}'    # or: aieffect build '${join(tmp.dir, 'my case')}' --run`,
      `aieffect export '${join(tmp.dir, 'my case')}' <output_dir>`,
    ]);
    expect(buildNextSteps(plan, true)).toEqual([`aieffect export '${join(tmp.dir, 'my case')}' <output_dir>`]);
  });
});
