// The few places aieffect talks to Docker itself: checking that the CLI, an engine and a Compose front end are there
// before running a build, running build_and_tag.sh with its output streamed, and asking the engine which images define a HEALTHCHECK.
// Everything goes through the `docker` found on PATH, so tests put a recording stub there.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../util/paths.js';

const INSPECT_CONCURRENCY = 4;

/** The executable `name` on PATH (e.g. docker), or undefined. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here: try the next folder
    }
  }
  return undefined;
}

interface Captured {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing its output (for short queries such as `docker info`). */
function capture(command: string, args: string[]): Promise<Captured> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  );
}

/**
 * The Docker Compose front end to use: the `docker compose` plugin when it runs, else docker-compose v1 when that
 * runs (Debian's docker-compose package, say), else undefined. Either is given as the command words to start it.
 */
export async function composeFrontEnd(docker: string): Promise<string[] | undefined> {
  if ((await capture(docker, ['compose', 'version'])).code === 0) return [docker, 'compose'];
  const v1 = findExecutable('docker-compose');
  if (v1 && (await capture(v1, ['version'])).code === 0) return [v1];
  return undefined;
}

/**
 * Checks that the Docker CLI is on PATH, that it reaches an engine, and (with `compose`) that a Compose front end is
 * installed (the plugin or docker-compose v1). `purpose` says what needs Docker, for the messages. Returns the docker
 * executable's path.
 * Thrown: UserError DOCKER_NOT_FOUND, DOCKER_ENGINE_UNREACHABLE or DOCKER_COMPOSE_MISSING.
 */
export async function dockerPreflight(
  purpose: string,
  options: { compose: boolean; fallback: string },
): Promise<string> {
  const docker = findExecutable('docker');
  if (!docker) {
    throw new UserError('DOCKER_NOT_FOUND', `docker: command not found on PATH; ${purpose} needs Docker`, {
      hint: `install Docker (https://docs.docker.com/get-docker/), or ${options.fallback}`,
    });
  }
  const info = await capture(docker, ['info', '--format', '{{.ServerVersion}}']);
  if (info.code !== 0) {
    const reason =
      firstLine(info.stderr) || firstLine(info.stdout) || `docker info exited with code ${String(info.code)}`;
    throw new UserError('DOCKER_ENGINE_UNREACHABLE', `cannot reach the Docker engine: ${reason}`, {
      hint: `start Docker (or set DOCKER_HOST), or ${options.fallback}`,
      details: { docker },
    });
  }
  if (options.compose && (await composeFrontEnd(docker)) === undefined) {
    throw new UserError(
      'DOCKER_COMPOSE_MISSING',
      'Docker Compose is missing: neither `docker compose` (the plugin) nor `docker-compose` runs',
      {
        hint: `install the Compose plugin (https://docs.docker.com/compose/install/), or ${options.fallback}`,
        details: { docker },
      },
    );
  }
  return docker;
}

/**
 * Runs a shell script with bash in `cwd` with `args`, its stdout and stderr both streamed to our stderr (stdout is
 * kept for the command's result). Thrown: UserError SCRIPT_FAILED when it exits non-zero or is killed.
 */
export function runScript(scriptPath: string, cwd: string, args: readonly string[] = []): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [scriptPath, ...args], { cwd, stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', (err) =>
      reject(
        new UserError('SCRIPT_FAILED', `${displayPath(scriptPath)}: cannot start bash (${err.message})`, {
          file: displayPath(scriptPath),
          cause: err,
        }),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise();
      const how = signal ? `was stopped by ${signal}` : `exited with code ${String(code)}`;
      reject(
        new UserError('SCRIPT_FAILED', `${displayPath(scriptPath)} ${how}`, {
          file: displayPath(scriptPath),
          hint: 'its output above says which step failed',
          details: { exit_code: code, signal },
        }),
      );
    });
  });
}

/**
 * Asks the local engine, image by image, whether it defines a HEALTHCHECK (`docker image inspect`, no pull). An image
 * missing locally counts as having none. Returns the images that have one.
 */
export async function imagesWithHealthcheck(docker: string, images: readonly string[]): Promise<Set<string>> {
  const queue = [...new Set(images)].sort();
  const healthy = new Set<string>();
  // A few docker processes at a time: one per image at once would swamp a small machine on a large pipeline.
  const worker = async (): Promise<void> => {
    for (let image = queue.shift(); image !== undefined; image = queue.shift()) {
      const res = await capture(docker, ['image', 'inspect', '--format', '{{json .Config.Healthcheck}}', image]);
      if (res.code === 0 && hasHealthcheck(res.stdout)) healthy.add(image);
    }
  };
  await Promise.all(Array.from({ length: INSPECT_CONCURRENCY }, worker));
  return healthy;
}

/** Whether `docker image inspect --format '{{json .Config.Healthcheck}}'` output describes an active HEALTHCHECK. */
export function hasHealthcheck(inspectOutput: string): boolean {
  const text = inspectOutput.trim();
  if (text === '' || text === 'null') return false;
  try {
    const parsed = JSON.parse(text) as { Test?: unknown } | null;
    const test = parsed?.Test;
    // ["NONE"] is how an image switches off a HEALTHCHECK inherited from its base.
    return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
  } catch {
    return false;
  }
}
