// The Docker touch points: finding the CLI, the preflight's messages, running a script with its exit status, and
// reading HEALTHCHECKs from `docker image inspect` (against a recording stub, as no engine runs here).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findExecutable, hasHealthcheck, imagesWithHealthcheck, runScript } from '../../src/deploy/docker.js';
import { UserError } from '../../src/errors.js';
import { createDockerStub } from '../helpers/docker-stub.js';
import { tempDir } from '../helpers/cli.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('findExecutable', () => {
  it('finds an executable file on the given PATH, skipping folders and non-executables', () => {
    const a = join(tmp.dir, 'a');
    const b = join(tmp.dir, 'b');
    mkdirSync(join(a, 'docker'), { recursive: true }); // a folder named docker
    mkdirSync(b);
    writeFileSync(join(b, 'docker'), '#!/bin/sh\n');
    expect(findExecutable('docker', `${a}:${b}`)).toBeUndefined();
    chmodSync(join(b, 'docker'), 0o755);
    expect(findExecutable('docker', `${a}::${b}`)).toBe(join(b, 'docker'));
    expect(findExecutable('docker', '')).toBeUndefined();
  });
});

describe('hasHealthcheck', () => {
  it.each([
    ['{"Test":["CMD","/bin/healthcheck"],"Interval":5000000000}\n', true],
    ['{"Test":["CMD-SHELL","curl -f localhost"]}', true],
    ['{"Test":["NONE"]}', false],
    ['{"Test":[]}', false],
    ['null\n', false],
    ['', false],
    ['not json', false],
  ])('%j -> %s', (output, expected) => {
    expect(hasHealthcheck(output)).toBe(expected);
  });
});

describe('imagesWithHealthcheck', () => {
  it('asks once per distinct image; missing images count as having none', async () => {
    const stub = createDockerStub(tmp.dir, { healthyImages: ['b:1'], missingImages: ['c:1'] });
    const found = await imagesWithHealthcheck(join(stub.binDir, 'docker'), ['c:1', 'a:1', 'b:1', 'a:1']);
    expect([...found]).toEqual(['b:1']);
    expect(
      stub
        .calls()
        .map((c) => c.args.at(-1))
        .sort(),
    ).toEqual(['a:1', 'b:1', 'c:1']);
  });
});

describe('runScript', () => {
  it('resolves when the script succeeds, in the given folder', async () => {
    const script = join(tmp.dir, 'ok.sh');
    writeFileSync(script, 'pwd > where.txt\n');
    await runScript(script, tmp.dir);
    expect(readFileSync(join(tmp.dir, 'where.txt'), 'utf8')).toBe(`${tmp.dir}\n`);
  });

  it('rejects with SCRIPT_FAILED naming the exit code', async () => {
    const script = join(tmp.dir, 'fail.sh');
    writeFileSync(script, 'exit 3\n');
    const err = await runScript(script, tmp.dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe('SCRIPT_FAILED');
    expect((err as UserError).message).toBe(`${script} exited with code 3`);
    expect((err as UserError).details).toEqual({ exit_code: 3, signal: null });
  });
});
