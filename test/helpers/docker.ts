// The real Docker engine for test/docker/: whether one is reachable (DOCKER_HOST, as scripts/docker-harness.sh
// exports it, or the default socket), the Compose front end to drive it with (the plugin, else docker-compose v1),
// the base images to build from, and cleanup checks. With CI=true a missing engine fails the tests instead of
// skipping them.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';

export interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ENGINE_TIMEOUT_MS = 20_000;

function probe(): { ok: true; version: string } | { ok: false; reason: string } {
  const res = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
    encoding: 'utf8',
    timeout: ENGINE_TIMEOUT_MS,
  });
  if (res.error) return { ok: false, reason: `docker: ${res.error.message}` };
  if (res.status !== 0) {
    const line = `${res.stderr}`.split('\n').find((l) => l.trim() !== '') ?? `exit code ${String(res.status)}`;
    return { ok: false, reason: line.trim() };
  }
  return { ok: true, version: res.stdout.trim() };
}

export const engine = probe();

/**
 * `describe` for tests that need the engine: skipped with the reason printed when none is reachable, except in CI
 * (CI=true), where the missing engine is a failing test.
 */
export function describeDocker(name: string, body: () => void): void {
  if (engine.ok) {
    describe(name, body);
    return;
  }
  const reason = `no Docker engine reachable (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'}): ${engine.reason}`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs a Docker engine (CI=true: scripts/docker-harness.sh run starts one)', () => {
        throw new Error(reason);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${reason}; start one with scripts/docker-harness.sh start`);
  describe.skip(name, body);
}

/** The Compose front end as command words: `docker compose` when the plugin runs, else `docker-compose` (v1). */
export const composeCommand: string[] =
  spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0
    ? ['docker', 'compose']
    : ['docker-compose'];

/** Compose's name for a service's container (v1: <project>_<service>_1, the plugin: <project>-<service>-1). */
export function containerName(project: string, service: string): string {
  return composeCommand[0] === 'docker-compose' ? `${project}_${service}_1` : `${project}-${service}-1`;
}

/**
 * The build arguments that point our Dockerfiles at the harness's local base images (AIEFFECT_NODE_IMAGE,
 * AIEFFECT_PYTHON_IMAGE); none where they are not set, so the Dockerfiles' defaults (Docker Hub) apply.
 */
export function baseImageArgs(
  names: readonly ('NODE_IMAGE' | 'PYTHON_IMAGE')[] = ['NODE_IMAGE', 'PYTHON_IMAGE'],
): string[] {
  const values = { NODE_IMAGE: process.env.AIEFFECT_NODE_IMAGE, PYTHON_IMAGE: process.env.AIEFFECT_PYTHON_IMAGE };
  return names.flatMap((name) => (values[name] ? ['--build-arg', `${name}=${values[name]}`] : []));
}

/** Runs a command to completion; `onLine` sees each line of its stdout as it comes. */
export function exec(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number; onLine?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<Exec> {
  return new Promise((resolvePromise, reject) => {
    // The legacy builder where the docker CLI has no buildx: BuildKit would need it (and Docker Hub for its frontend).
    const env = { ...process.env, DOCKER_BUILDKIT: process.env.DOCKER_BUILDKIT ?? '0', ...options.env };
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!options.onLine) return;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) options.onLine(line);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * `docker compose -p PROJECT -f FILE [-f FILE...] ARGS...` (or docker-compose); with `project` null, no -p: the
 * project named in the .env file beside the compose file.
 */
export function compose(
  project: string | null,
  files: string | string[],
  args: string[],
  options: Parameters<typeof exec>[2] = {},
): Promise<Exec> {
  const [command, ...first] = composeCommand;
  const fileArgs = (Array.isArray(files) ? files : [files]).flatMap((f) => ['--file', f]);
  const projectArgs = project === null ? [] : ['--project-name', project];
  return exec(command!, [...first, ...projectArgs, ...fileArgs, ...args], options);
}

function lines(args: string[]): string[] {
  const res = spawnSync('docker', args, { encoding: 'utf8' });
  return res.stdout.split('\n').filter((l) => l.trim() !== '');
}

/** What Compose left behind of a project: its containers, networks and volumes (by Compose's project label). */
export function projectLeftovers(project: string): { containers: string[]; networks: string[]; volumes: string[] } {
  const label = `label=com.docker.compose.project=${project}`;
  return {
    containers: lines(['ps', '-a', '-q', '--filter', label]),
    networks: lines(['network', 'ls', '-q', '--filter', label]),
    volumes: lines(['volume', 'ls', '-q', '--filter', label]),
  };
}

/** The names of a project's running containers, sorted. */
export function runningContainers(project: string): string[] {
  return lines(['ps', '--format', '{{.Names}}', '--filter', `label=com.docker.compose.project=${project}`]).sort();
}

/** A project name no other test run uses at the same time: prefix, pid and a counter. */
let counter = 0;
export function projectName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** Size of an image in MB, one decimal, for the figures the tests print. */
export function imageSizeMb(image: string): number {
  const res = spawnSync('docker', ['image', 'inspect', '--format', '{{.Size}}', image], { encoding: 'utf8' });
  return Math.round(Number(res.stdout.trim()) / 1e5) / 10;
}

/** Compose's log lines without their colours (the service prefix is coloured, even without a terminal). */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Prints a figure for the closing note (build and run times are measured here, never asserted). */
export function figure(what: string, startedMs: number): void {
  console.log(`[docker figures] ${what}: ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
}

/**
 * A copy of an example use case (without its data/, node_modules/ and dist/) at `dest`: build_and_tag.sh and data/
 * stay out of the repository, and the folder's name is the Compose project that prefixes the images.
 */
export function copyExample(example: string, dest: string): void {
  cpSync(example, dest, {
    recursive: true,
    filter: (src) => !['data', 'node_modules', 'dist'].some((skip) => src.startsWith(join(example, skip))),
  });
}
