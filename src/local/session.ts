// `aieffect run` as a function: a use case run end to end on this machine. Exports the use case to a temporary
// folder (the same package `aieffect export` writes, so the run sees exactly what the platform would), starts its
// services locally, runs the pipeline with the engine `aieffect orchestrate` uses, and stops the services again —
// also when something fails. The caller renders the events and the result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isUserError, UserError } from '../errors.js';
import { makeDirs, removeCreatedIfEmpty } from '../util/atomic.js';
import { displayPath } from '../util/paths.js';
import { fileSystemError } from '../util/fs-errors.js';
import {
  DEFAULT_WAIT_TIMEOUT_MS,
  executeRun,
  jsonSafe,
  prepareRun,
  startRequests,
  type EngineEventHandler,
  type PreparedRun,
  type RunOptions,
  type RunResult,
} from '../engine/index.js';
import type { PipelineGraph } from '../graph/index.js';
import { exportUseCase } from '../platform/export.js';
import { runBuilds, type BuildMode } from './build.js';
import { assignPorts, localAddresses, startLocalServices, type LocalEvent, type LocalServiceInfo } from './runtime.js';
import { localServiceSpecs } from './specs.js';

const DATA_SUBDIR = 'data';

export interface LocalRunOptions {
  /** The services' shared data folder, given as DATA_DIR (default: <use case>/data, as in its docker-compose.yml). */
  dataDir?: string;
  /** container -> host:port of services that run elsewhere: these are not started. */
  addresses?: Record<string, string>;
  /** The use case's compose file (-f), when not one of the standard names in the folder. */
  composeFile?: string;
  /** --proto-path: folders where the export looks for imports, like protoc's -I. */
  protoPaths?: readonly string[];
  /** The engine's options; waitTimeoutMs also bounds how long each local service may take to become ready. */
  run?: RunOptions;
  /** Leave the services running after a successful run (stop them with LocalRun.stop()). */
  keepRunning?: boolean;
  /** Between SIGTERM and SIGKILL when stopping a service. */
  graceMs?: number;
  /** When to run the services' x-aieffect.build: when stale (default), always, never. */
  build?: BuildMode;
  onLocalEvent?: (event: LocalEvent) => void;
  onEngineEvent?: EngineEventHandler;
  /**
   * The pipeline's name and nodes (in level order), once the use case is exported, before anything starts; `graph`
   * is the whole pipeline graph (for pictures of it).
   */
  onPlan?: (pipeline: string | undefined, nodes: string[], graph: PipelineGraph) => void;
  /** The engine's result, as soon as the run returns: before the services are stopped (which may take seconds). */
  onResult?: (result: RunResult) => void;
  /** Every line a service (or, as service "build", a build) writes, as it arrives. */
  onOutput?: (service: string, line: string) => void;
}

export interface LocalRun {
  result: RunResult;
  /** Absolute path of the data folder. */
  dataDir: string;
  pipeline?: string;
  /** The services started here, in start order. */
  services: LocalServiceInfo[];
  /** container -> host:port of every container, local or given. */
  addresses: Record<string, string>;
  /** Whether the services are still running (keepRunning after a successful run). */
  running: boolean;
  /** The last output lines of a service (by compose service or container name), also after it stopped. */
  output(name: string): string[];
  /** Resolves with UserError SERVICE_EXITED when a service exits before stop() (for --keep-running); never rejects. */
  exited: Promise<UserError>;
  /** Stops the services if they still run; resolves once none of their processes is left. */
  stop(): Promise<void>;
}

/** Exports to a temporary folder and prepares the run there; the folder is gone when this returns. */
async function prepareLocal(
  useCaseDir: string,
  external: Record<string, string>,
  composeFile: string | undefined,
  protoPaths: readonly string[] | undefined,
): Promise<{ prepared: PreparedRun; specs: Awaited<ReturnType<typeof assignPorts>> }> {
  // The package is an implementation detail: a failure to write it names the temporary folder, not its own path.
  const tempLabel = `${tmpdir()} (the temporary folder, TMPDIR)`;
  let temp: string;
  try {
    temp = mkdtempSync(join(tmpdir(), 'aieffect-run-'));
  } catch (err) {
    throw fileSystemError(err, tempLabel);
  }
  try {
    const exportDir = join(temp, 'export');
    const summary = await exportUseCase(useCaseDir, exportDir, { composeFile, protoPaths }).catch((err: unknown) => {
      throw isUserError(err) && err.code === 'FILE_SYSTEM_ERROR' ? fileSystemError(err.cause, tempLabel) : err;
    });
    const nodes = summary.nodes.filter((n) => !Object.prototype.hasOwnProperty.call(external, n.container_name));
    const specs = await assignPorts(localServiceSpecs(useCaseDir, nodes, composeFile));
    // prepareRun loads every proto into memory: the export folder is not needed once it returns.
    const prepared = prepareRun(exportDir, { addresses: { ...localAddresses(specs), ...external } });
    return { prepared, specs };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Runs a use case locally. Resolves with the run's result, whether the pipeline succeeded, failed at a node (see the
 * engine's runFailure) or was cancelled through options.run.signal. Thrown, with every service stopped: the
 * UserErrors of `aieffect export` and of prepareRun for the use case, NO_LOCAL_RUN / INVALID_CWD / INVALID_BUILD (a
 * service without a usable x-aieffect), UNKNOWN_INPUT_NODE / INVALID_INPUT (a wrong --input, before any service
 * starts), BUILD_FAILED (details.output: the build's last lines), SERVICE_EXITED / SERVICE_NOT_READY /
 * SERVICE_START_FAILED (details.output: the service's last lines), CANCELLED (signal during start-up), and the
 * engine's errors before the first call.
 */
export async function runUseCaseLocally(useCaseDir: string, options: LocalRunOptions = {}): Promise<LocalRun> {
  const dir = resolve(useCaseDir);
  const runOptions = options.run ?? {};
  const external = options.addresses ?? {};
  const { prepared, specs } = await prepareLocal(dir, external, options.composeFile, options.protoPaths);
  options.onPlan?.(prepared.pipeline, prepared.graph.levels.flat(), prepared.graph);
  // A wrong --input is reported before any service is built or started (executeRun checks it again, and warns).
  startRequests(prepared, runOptions.input ?? {});
  // The data folder before any build (a bad --data-dir is told at once); one this run made goes again if the run
  // fails and nothing was written into it.
  const dataDir = resolve(options.dataDir ?? join(dir, DATA_SUBDIR));
  const madeData = makeDirs(dataDir, options.dataDir === undefined ? undefined : `--data-dir ${displayPath(dataDir)}`);
  let succeeded = false;
  try {
    const local = await buildAndRun(prepared, specs, dataDir, options);
    succeeded = local.result.summary.status === 'succeeded';
    return local;
  } finally {
    if (!succeeded) removeCreatedIfEmpty(madeData);
  }
}

/** The second half of runUseCaseLocally: builds, services started, the pipeline run, the services stopped. */
async function buildAndRun(
  prepared: PreparedRun,
  specs: Awaited<ReturnType<typeof assignPorts>>,
  dataDir: string,
  options: LocalRunOptions,
): Promise<LocalRun> {
  const runOptions = options.run ?? {};
  await runBuilds(specs, {
    mode: options.build,
    signal: runOptions.signal,
    onEvent: options.onLocalEvent,
    onOutput: options.onOutput && ((line) => options.onOutput!('build', line)),
  });
  const services = await startLocalServices(specs, {
    dataDir,
    readyTimeoutMs: runOptions.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
    graceMs: options.graceMs,
    signal: runOptions.signal,
    onEvent: options.onLocalEvent,
    onOutput: options.onOutput,
  });

  let keep = false;
  try {
    // A service that dies mid-run would only show up as UNAVAILABLE retries: cancel the run at once instead and
    // report the exit with the service's output.
    const controller = new AbortController();
    const onUserAbort = () => controller.abort();
    runOptions.signal?.addEventListener('abort', onUserAbort, { once: true });
    let exitError: UserError | undefined;
    void services.unexpectedExit.then((error) => {
      exitError = error;
      controller.abort();
    });
    let result: RunResult;
    try {
      result = await executeRun(prepared, { ...runOptions, signal: controller.signal }, options.onEngineEvent);
    } finally {
      runOptions.signal?.removeEventListener('abort', onUserAbort);
    }
    options.onResult?.(result);
    if (exitError) {
      // The outputs of the nodes that finished before the crash travel with the error, as with a failed node.
      throw new UserError(exitError.code, exitError.message, {
        hint: exitError.hint,
        details: { ...exitError.details, results: jsonSafe(result.results), summary: result.summary },
      });
    }
    keep = options.keepRunning === true && result.summary.status === 'succeeded';
    return {
      result,
      dataDir,
      ...(prepared.pipeline === undefined ? {} : { pipeline: prepared.pipeline }),
      services: services.services,
      addresses: Object.fromEntries(prepared.endpoints.map((e) => [e.container, e.address])),
      running: keep,
      output: (name) => services.output(name),
      exited: services.unexpectedExit,
      stop: () => services.stop(),
    };
  } finally {
    if (!keep) await services.stop();
  }
}
