// The build step of `aieffect run`, like make: before the services start, each x-aieffect.build whose outputs are
// missing or older than its sources runs once (services that share a command and working directory share one
// build), so services start from what the build wrote (compiled JavaScript, not TypeScript through a loader). A build
// holds a lock while it runs, so that two runs of one use case at the same time build it once, not twice at once.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { UserError } from '../errors.js';
import { withLock } from '../util/lock.js';
import { describeExit, ServiceProcess } from './process.js';

/** One service's x-aieffect.build, its paths absolute. */
export interface ServiceBuild {
  command: string;
  /** Absolute working directory (the service's x-aieffect.cwd). */
  cwd: string;
  /** Absolute paths of the files and folders the build reads. */
  sources: string[];
  /** Absolute paths of the files and folders the build writes. */
  outputs: string[];
}

/** One build to run: the services that declare it, with their sources and outputs together. */
export interface BuildStep extends ServiceBuild {
  services: string[];
}

/** auto: when stale (the default); always: every build (--build); never: none (--no-build). */
export type BuildMode = 'auto' | 'always' | 'never';

export type BuildEvent =
  | { type: 'build-starting'; at: number; services: string[]; command: string; cwd: string; reason: string }
  | { type: 'build-waiting'; at: number; services: string[]; command: string; cwd: string }
  | { type: 'build-finished'; at: number; services: string[]; command: string; cwd: string; durationMs: number }
  /** --no-build: a stale build left alone. */
  | { type: 'build-skipped'; at: number; services: string[]; command: string; cwd: string; reason: string };

export interface BuildOptions {
  mode?: BuildMode;
  /** Aborting stops a running build: rejects with UserError CANCELLED. */
  signal?: AbortSignal;
  onEvent?: (event: BuildEvent) => void;
  /** Every line a build writes, as it arrives. */
  onOutput?: (line: string) => void;
  /** The environment of the build commands (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Lines of output kept for the error of a failed build (default 40). */
  tailLines?: number;
}

/** The builds of `services` (in first-declared order), one per command and working directory. */
export function buildSteps(services: { service: string; build?: ServiceBuild }[]): BuildStep[] {
  const steps = new Map<string, BuildStep>();
  for (const { service, build } of services) {
    if (!build) continue;
    const key = `${build.cwd}\0${build.command}`;
    const step = steps.get(key);
    if (!step) {
      steps.set(key, { ...build, sources: [...build.sources], outputs: [...build.outputs], services: [service] });
      continue;
    }
    step.services.push(service);
    for (const s of build.sources) if (!step.sources.includes(s)) step.sources.push(s);
    for (const o of build.outputs) if (!step.outputs.includes(o)) step.outputs.push(o);
  }
  return [...steps.values()];
}

interface Stamp {
  path: string;
  mtimeMs: number;
}

/** Every file below `path` (or `path` itself), skipping node_modules, dot names and the paths in `skip`. */
function* filesOf(path: string, skip: Set<string>): Generator<Stamp> {
  if (skip.has(path)) return;
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return;
  }
  if (!stat.isDirectory()) {
    yield { path, mtimeMs: stat.mtimeMs };
    return;
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    yield* filesOf(join(path, entry), skip);
  }
}

/**
 * Why `step` must run, or undefined when its outputs are up to date: an output that is missing (a folder without
 * files counts as missing), or a source newer than the oldest output file. Paths in the reason are relative to the
 * build's working directory.
 */
export function staleReason(step: Pick<ServiceBuild, 'cwd' | 'sources' | 'outputs'>): string | undefined {
  const show = (path: string) => relative(step.cwd, path) || '.';
  let oldest: Stamp | undefined;
  for (const output of step.outputs) {
    let any = false;
    for (const file of filesOf(output, new Set())) {
      any = true;
      if (!oldest || file.mtimeMs < oldest.mtimeMs) oldest = file;
    }
    if (!any) return `${show(output)} is missing`;
  }
  // Outputs may lie inside a source folder (dist/ of a service's own project): they are not sources.
  const skip = new Set(step.outputs);
  for (const source of step.sources) {
    for (const file of filesOf(source, skip)) {
      if (file.mtimeMs > oldest!.mtimeMs) return `${show(file.path)} is newer than ${show(oldest!.path)}`;
    }
  }
  return undefined;
}

function hasNodeModules(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return true;
    if (dirname(d) === d) return false;
  }
}

function failed(step: BuildStep, proc: ServiceProcess, code: number | null, detail: string): UserError {
  const output = proc.tail.get();
  // A package whose dependencies were never installed (no node_modules where Node would look: here or above): the
  // compiler or its type definitions are missing, whatever words the build uses to say so.
  const uninstalled = existsSync(join(step.cwd, 'package.json')) && !hasNodeModules(step.cwd);
  const hint = uninstalled
    ? `install the dependencies first: npm install (in ${step.cwd})`
    : 'its last output lines show why; x-aieffect.build in docker-compose.yml says what runs';
  return new UserError('BUILD_FAILED', `build of ${step.services.join(', ')} failed: ${detail}`, {
    hint,
    details: {
      build: step.command,
      services: step.services,
      cwd: step.cwd,
      exit_code: code,
      output,
    },
  });
}

/** Runs one build to its end. Thrown: BUILD_FAILED (details.output: its last lines), CANCELLED. */
async function runStep(step: BuildStep, options: BuildOptions): Promise<void> {
  const proc = await ServiceProcess.start({
    command: step.command,
    cwd: step.cwd,
    env: options.env ?? process.env,
    tailLines: options.tailLines,
    onLine: options.onOutput,
  }).catch((cause: unknown) => {
    throw new UserError(
      'BUILD_FAILED',
      `build of ${step.services.join(', ')}: cannot start "${step.command}" in ${step.cwd}: ${(cause as Error).message}`,
      { hint: 'check x-aieffect.build.command and x-aieffect.cwd in docker-compose.yml', cause },
    );
  });
  const onAbort = () => void proc.stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await proc.exited;
    if (options.signal?.aborted)
      throw new UserError('CANCELLED', `cancelled while building ${step.services.join(', ')}`);
    if (exit.code !== 0) throw failed(step, proc, exit.code, `"${step.command}" ${describeExit(exit)}`);
    // The services start from the outputs: a build that did not write them would fail later, less clearly.
    const missing = step.outputs.find((o) => filesOf(o, new Set()).next().done);
    if (missing) {
      throw failed(step, proc, exit.code, `"${step.command}" succeeded but wrote no ${relative(step.cwd, missing)}`);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await proc.stop();
  }
}

/**
 * Runs the builds of `services` that need it, one after the other, and resolves once all are done. Thrown: UserError
 * BUILD_FAILED (the first build that failed; the others do not run), CANCELLED (options.signal).
 */
export async function runBuilds(
  services: { service: string; build?: ServiceBuild }[],
  options: BuildOptions = {},
): Promise<void> {
  const mode = options.mode ?? 'auto';
  for (const step of buildSteps(services)) {
    const base = { services: step.services, command: step.command, cwd: step.cwd };
    if (mode === 'never') {
      const reason = staleReason(step);
      if (reason) options.onEvent?.({ type: 'build-skipped', at: Date.now(), ...base, reason });
      continue;
    }
    if (mode === 'auto' && staleReason(step) === undefined) continue;
    await withLock(
      `build\0${step.cwd}\0${step.command}`,
      {
        signal: options.signal,
        onWait: () => options.onEvent?.({ type: 'build-waiting', at: Date.now(), ...base }),
        cancelled: () => new UserError('CANCELLED', `cancelled while waiting to build ${step.services.join(', ')}`),
      },
      async () => {
        // Another run may have built it while this one waited for the lock.
        const reason = mode === 'always' ? '--build' : staleReason(step);
        if (reason === undefined) return;
        const started = Date.now();
        options.onEvent?.({ type: 'build-starting', at: started, ...base, reason });
        await runStep(step, options);
        options.onEvent?.({ type: 'build-finished', at: Date.now(), ...base, durationMs: Date.now() - started });
      },
    );
  }
}
