// The build step of `aieffect run` (src/local/build.ts) with real processes and files: like make, a build runs only
// when an output is missing or older than a source, once per command and folder, and one that fails stops
// everything with its last output lines. Two runs building one use case at once build it once.
import { mkdirSync, readFileSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { buildSteps, runBuilds, staleReason, type BuildEvent, type ServiceBuild } from '../../src/local/build.js';
import { lockPath } from '../../src/util/lock.js';
import { tempDir } from '../helpers/cli.js';
import { userRejection } from '../helpers/usecase-fixture.js';
import { processesWithEnv } from '../helpers/local.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function project(): string {
  const tmp = tempDir('aieffect-build-');
  cleanups.push(tmp.cleanup);
  mkdirSync(join(tmp.dir, 'src'));
  writeFileSync(join(tmp.dir, 'src', 'a.ts'), 'a\n');
  writeFileSync(join(tmp.dir, 'src', 'b.ts'), 'b\n');
  return tmp.dir;
}

/** Sets a file's modification time to `seconds` since 1970 (the order of files is what a build step compares). */
function touch(path: string, seconds: number): void {
  utimesSync(path, seconds, seconds);
}

// Copies the sources to out/ and counts its runs in runs.log (outside the outputs).
const COPY = 'mkdir -p out && cp src/*.ts out/ && echo run >> runs.log';

function build(dir: string, command = COPY, outputs = ['out']): ServiceBuild {
  return { command, cwd: dir, sources: [join(dir, 'src')], outputs: outputs.map((o) => join(dir, o)) };
}

function runs(dir: string): number {
  return existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').split('\n').length - 1 : 0;
}

describe('staleReason', () => {
  it('an output that is missing, or a folder without files, is the reason', () => {
    const dir = project();
    expect(staleReason(build(dir))).toBe('out is missing');
    mkdirSync(join(dir, 'out'));
    expect(staleReason(build(dir))).toBe('out is missing');
  });

  it('a source newer than the oldest output file is the reason; none when every output is newer', () => {
    const dir = project();
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'a.js'), '');
    writeFileSync(join(dir, 'out', 'b.js'), '');
    for (const f of ['src/a.ts', 'src/b.ts']) touch(join(dir, f), 1000);
    touch(join(dir, 'out', 'a.js'), 2000);
    touch(join(dir, 'out', 'b.js'), 3000);
    expect(staleReason(build(dir))).toBeUndefined();
    touch(join(dir, 'src', 'b.ts'), 2500);
    expect(staleReason(build(dir))).toBe('src/b.ts is newer than out/a.js');
  });

  it('node_modules, dot names and outputs inside a source folder are not sources', () => {
    const dir = project();
    const step = { cwd: dir, sources: [dir], outputs: [join(dir, 'out')] };
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'a.js'), '');
    for (const f of ['src/a.ts', 'src/b.ts']) touch(join(dir, f), 1000);
    touch(join(dir, 'out', 'a.js'), 2000);
    for (const skipped of ['node_modules/x/index.js', '.cache/state', 'out/later.js']) {
      mkdirSync(join(dir, skipped, '..'), { recursive: true });
      writeFileSync(join(dir, skipped), '');
      touch(join(dir, skipped), 5000);
    }
    expect(staleReason(step)).toBeUndefined();
  });
});

describe('buildSteps', () => {
  it('services with one command and folder share one build with all their sources and outputs', () => {
    const dir = project();
    const a = { ...build(dir), outputs: [join(dir, 'out', 'a')] };
    const b = {
      ...build(dir),
      sources: [join(dir, 'src'), join(dir, 'package.json')],
      outputs: [join(dir, 'out', 'b')],
    };
    const other = build(dir, 'make');
    expect(
      buildSteps([
        { service: 'a', build: a },
        { service: 'plain' },
        { service: 'b', build: b },
        { service: 'c', build: other },
      ]),
    ).toEqual([
      {
        command: COPY,
        cwd: dir,
        services: ['a', 'b'],
        sources: [join(dir, 'src'), join(dir, 'package.json')],
        outputs: [join(dir, 'out', 'a'), join(dir, 'out', 'b')],
      },
      { ...other, services: ['c'] },
    ]);
  });
});

describe('runBuilds', () => {
  it('builds what is stale once, says why, and leaves it alone once it is fresh', async () => {
    const dir = project();
    const events: BuildEvent[] = [];
    const services = [
      { service: 'alpha', build: build(dir) },
      { service: 'beta', build: build(dir) },
    ];
    await runBuilds(services, { onEvent: (e) => events.push(e) });
    expect(runs(dir)).toBe(1);
    expect(readFileSync(join(dir, 'out', 'a.ts'), 'utf8')).toBe('a\n');
    expect(events.map((e) => e.type)).toEqual(['build-starting', 'build-finished']);
    expect(events[0]).toMatchObject({ services: ['alpha', 'beta'], command: COPY, cwd: dir, reason: 'out is missing' });

    events.length = 0;
    await runBuilds(services, { onEvent: (e) => events.push(e) });
    expect(runs(dir)).toBe(1);
    expect(events).toEqual([]);

    // An edited source: built again.
    touch(join(dir, 'src', 'a.ts'), Date.now() / 1000 + 60);
    await runBuilds(services, { onEvent: (e) => events.push(e) });
    expect(runs(dir)).toBe(2);
    expect(events[0]).toMatchObject({ type: 'build-starting', reason: 'src/a.ts is newer than out/a.ts' });
  });

  it('mode always builds a fresh build (--build); mode never leaves a stale one alone and says so (--no-build)', async () => {
    const dir = project();
    const services = [{ service: 'alpha', build: build(dir) }];
    const events: BuildEvent[] = [];
    await runBuilds(services, { mode: 'never', onEvent: (e) => events.push(e) });
    expect(runs(dir)).toBe(0);
    expect(events).toEqual([
      expect.objectContaining({ type: 'build-skipped', services: ['alpha'], reason: 'out is missing' }),
    ]);
    await runBuilds(services);
    events.length = 0;
    await runBuilds(services, { mode: 'always', onEvent: (e) => events.push(e) });
    expect(runs(dir)).toBe(2);
    expect(events[0]).toMatchObject({ type: 'build-starting', reason: '--build' });
  });

  it('a failing build: BUILD_FAILED with its exit code and last output lines; later builds do not run', async () => {
    const dir = project();
    const failing = `echo 'src/a.ts(1,1): error TS1005: ";" expected.' >&2; exit 2`;
    const err = await userRejection(
      runBuilds([
        { service: 'alpha', build: build(dir, failing) },
        { service: 'beta', build: build(dir) },
      ]),
    );
    expect(err.code).toBe('BUILD_FAILED');
    expect(err.message).toBe(`build of alpha failed: "${failing}" exited with code 2`);
    expect(err.hint).toBe('its last output lines show why; x-aieffect.build in docker-compose.yml says what runs');
    expect(err.details).toMatchObject({
      build: failing,
      services: ['alpha'],
      cwd: dir,
      exit_code: 2,
      output: ['src/a.ts(1,1): error TS1005: ";" expected.'],
    });
    expect(runs(dir)).toBe(0);
  });

  it('a failing build in a package without node_modules: the hint says to install its dependencies', async () => {
    const dir = project();
    writeFileSync(join(dir, 'package.json'), '{"scripts": {"build": "tsc"}}\n');
    const err = await userRejection(
      runBuilds([{ service: 'alpha', build: build(dir, 'no-such-compiler-aieffect -p .') }]),
    );
    expect(err.message).toBe('build of alpha failed: "no-such-compiler-aieffect -p ." exited with code 127');
    expect(err.hint).toBe(`install the dependencies first: npm install (in ${dir})`);
    expect((err.details!.output as string[]).join('\n')).toMatch(/no-such-compiler-aieffect: (command )?not found/);
  });

  it('a build that succeeds without writing its outputs is an error naming the missing output', async () => {
    const dir = project();
    const err = await userRejection(runBuilds([{ service: 'alpha', build: build(dir, 'true', ['out', 'gen']) }]));
    expect(err.message).toBe('build of alpha failed: "true" succeeded but wrote no out');
  });

  it('two runs at once build once: the second waits for the first, then finds the outputs fresh', async () => {
    const dir = project();
    const slow = `sleep 1 && ${COPY}`;
    const services = [{ service: 'alpha', build: build(dir, slow) }];
    const first: BuildEvent[] = [];
    const second: BuildEvent[] = [];
    const one = runBuilds(services, { onEvent: (e) => first.push(e) });
    // The second starts once the first holds the lock.
    while (!first.some((e) => e.type === 'build-starting')) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([one, runBuilds(services, { onEvent: (e) => second.push(e) })]);
    expect(runs(dir)).toBe(1);
    expect(second.map((e) => e.type)).toEqual(['build-waiting']);
    expect(existsSync(lockPath(`build\0${dir}\0${slow}`))).toBe(false);
  });

  it('a lock left by a process that died is taken over', async () => {
    const dir = project();
    const lock = lockPath(`build\0${dir}\0${COPY}`);
    mkdirSync(lock);
    // A pid that cannot belong to a running process (above the kernel's maximum).
    writeFileSync(join(lock, 'pid'), '4194305');
    await runBuilds([{ service: 'alpha', build: build(dir) }]);
    expect(runs(dir)).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('cancelled while building: CANCELLED, and the build process group is gone', async () => {
    const dir = project();
    const marker = join(dir, 'marker');
    const controller = new AbortController();
    const events: BuildEvent[] = [];
    const pending = runBuilds([{ service: 'alpha', build: build(dir, 'sleep 30') }], {
      signal: controller.signal,
      env: { ...process.env, AIEFFECT_TEST_MARKER: marker },
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'build-starting') setTimeout(() => controller.abort(), 200);
      },
    });
    const err = await userRejection(pending);
    expect(err).toBeInstanceOf(UserError);
    expect(err.code).toBe('CANCELLED');
    expect(err.message).toBe('cancelled while building alpha');
    expect(processesWithEnv('AIEFFECT_TEST_MARKER', marker)).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['build-starting']);
  });
});
