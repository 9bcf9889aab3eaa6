// Starts a use case's services as local processes and keeps them in check: each gets a free port (GRPC_PORT), the
// data folder (DATA_DIR) and 127.0.0.1 to listen on (GRPC_HOST), runs in its own process group with its output kept
// as a tail, and counts as started only once it is ready on the gRPC health service. A service that exits or never
// turns ready stops everything with an error naming it and carrying its last output lines; so does one that exits
// later, while the pipeline runs. stop() ends every group (SIGTERM, then SIGKILL after a grace period).
import getPort from 'get-port';
import { UserError } from '../errors.js';
import { describeExit, ServiceProcess, stopProcesses, type ExitInfo } from './process.js';
import { waitForAddress, type Readiness, type ReadyVia } from './health.js';
import { seconds } from '../util/duration.js';
import type { BuildEvent } from './build.js';

const LOCAL_HOST = '127.0.0.1';

/** How to start one service (from its x-aieffect extension). */
export interface LocalServiceSpec {
  /** The docker-compose.yml service name (e.g. data-generator). */
  service: string;
  /** The blueprint container it serves (e.g. data_generator1). */
  container: string;
  /** Shell command line (x-aieffect.run). */
  command: string;
  /** Absolute working directory. */
  cwd: string;
  /** Extra environment (x-aieffect.env). GRPC_PORT, GRPC_HOST and DATA_DIR are set by the runtime and win. */
  env?: Record<string, string>;
  /** The port to give it; a free one when absent. */
  port?: number;
}

export type LocalEvent =
  | {
      type: 'service-starting';
      at: number;
      service: string;
      container: string;
      command: string;
      address: string;
      pid: number;
    }
  | {
      type: 'service-ready';
      at: number;
      service: string;
      container: string;
      address: string;
      via: ReadyVia;
      durationMs: number;
    }
  /** A service exited while it was expected to run (a crash, or it quit on its own). */
  | { type: 'service-exited'; at: number; service: string; container: string; exit: ExitInfo }
  | { type: 'services-stopping'; at: number; services: string[] }
  | { type: 'services-stopped'; at: number; services: string[]; durationMs: number }
  /** x-aieffect.build, before the services start. */
  | BuildEvent;

export interface StartOptions {
  /** Absolute path of the data folder, given as DATA_DIR. */
  dataDir: string;
  /** How long each service may take to become ready. */
  readyTimeoutMs: number;
  /** Between SIGTERM and SIGKILL when stopping (default 5 s). */
  graceMs?: number;
  /** Aborting stops the start-up: every service is stopped and the start rejects with UserError CANCELLED. */
  signal?: AbortSignal;
  /** Lines of output kept per service (default 40). */
  tailLines?: number;
  onEvent?: (event: LocalEvent) => void;
  /** Every line a service writes, as it arrives. */
  onOutput?: (service: string, line: string) => void;
  /** The environment the services inherit (default process.env). */
  baseEnv?: NodeJS.ProcessEnv;
}

/** A started service, as results and --json show it. */
export interface LocalServiceInfo {
  service: string;
  container: string;
  /** host:port */
  address: string;
  pid: number;
  command: string;
  cwd: string;
}

interface Entry {
  spec: LocalServiceSpec;
  info: LocalServiceInfo;
  proc: ServiceProcess;
}

/** Free ports for the specs that have none (get-port keeps them from being handed out twice in this process). */
export async function assignPorts<T extends LocalServiceSpec>(specs: T[]): Promise<(T & { port: number })[]> {
  const out: (T & { port: number })[] = [];
  for (const spec of specs) out.push({ ...spec, port: spec.port ?? (await getPort()) });
  return out;
}

/** The container -> host:port map of specs with ports, as the engine's address overrides. */
export function localAddresses(specs: (LocalServiceSpec & { port: number })[]): Record<string, string> {
  return Object.fromEntries(specs.map((s) => [s.container, `${LOCAL_HOST}:${s.port}`]));
}

function serviceError(
  code: string,
  message: string,
  entry: Entry,
  hint: string,
  extra: Record<string, unknown> = {},
): UserError {
  return new UserError(code, message, {
    hint,
    details: {
      service: entry.info.service,
      container: entry.info.container,
      command: entry.info.command,
      cwd: entry.info.cwd,
      ...extra,
      output: entry.proc.tail.get(),
    },
  });
}

/** Thrown when a service exits: before it was ready (`phase` start), or later (during the run, or --keep-running). */
function exitedError(entry: Entry, exit: ExitInfo, phase: 'start' | 'run'): UserError {
  const when = phase === 'start' ? 'before it was ready' : 'after it was ready';
  return serviceError(
    'SERVICE_EXITED',
    `service "${entry.info.service}" ${describeExit(exit)} ${when} (command: ${entry.info.command})`,
    entry,
    'its last output lines show why; x-aieffect.run in docker-compose.yml is the command that started it',
    { exit_code: exit.code, signal: exit.signal },
  );
}

function whyNotReady(info: LocalServiceInfo, readiness: Readiness): string {
  return readiness.state === 'connecting'
    ? `no gRPC server answered on ${info.address}`
    : `its health status is ${readiness.status}`;
}

/**
 * Thrown when services were not ready in time: all of them in one message (under load, several may still be
 * starting), details for the first, plus `not_ready` with each one's output.
 */
function notReadyError(pending: { entry: Entry; readiness: Readiness }[], timeoutMs: number): UserError {
  const [first, ...others] = pending;
  const within = `within ${seconds(timeoutMs)}`;
  const message =
    others.length === 0
      ? `service "${first!.entry.info.service}" was not ready ${within}: ${whyNotReady(first!.entry.info, first!.readiness)}`
      : `services not ready ${within}: ${pending.map((p) => `"${p.entry.info.service}" (${whyNotReady(p.entry.info, p.readiness)})`).join(', ')}`;
  return serviceError(
    'SERVICE_NOT_READY',
    message,
    first!.entry,
    'a service must listen on the port in GRPC_PORT and report SERVING on the gRPC health service (if it has one); --wait-timeout waits longer',
    {
      address: first!.entry.info.address,
      readiness: first!.readiness,
      ...(others.length === 0
        ? {}
        : {
            not_ready: pending.map((p) => ({
              service: p.entry.info.service,
              container: p.entry.info.container,
              address: p.entry.info.address,
              readiness: p.readiness,
              output: p.entry.proc.tail.get(),
            })),
          }),
    },
  );
}

/** Services started by startLocalServices. */
export class LocalServices {
  /** Resolves with the error of the first service that exits before stop() is called; never rejects. */
  readonly unexpectedExit: Promise<UserError>;
  private readonly entries: Entry[] = [];
  private reportExit: (error: UserError) => void = () => {};
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: StartOptions) {
    this.unexpectedExit = new Promise((resolve) => (this.reportExit = resolve));
  }

  /** Takes a started process under watch. */
  add(entry: Entry): void {
    this.entries.push(entry);
    void entry.proc.exited.then((exit) => {
      if (this.stopping) return;
      const { service, container } = entry.info;
      this.options.onEvent?.({ type: 'service-exited', at: Date.now(), service, container, exit });
      this.reportExit(exitedError(entry, exit, 'run'));
    });
  }

  /** In start order. */
  get services(): LocalServiceInfo[] {
    return this.entries.map((e) => e.info);
  }

  /** container -> host:port */
  get addresses(): Record<string, string> {
    return Object.fromEntries(this.entries.map((e) => [e.info.container, e.info.address]));
  }

  /** The last output lines of a service, by compose service or container name. */
  output(name: string): string[] {
    const entry = this.entries.find((e) => e.info.service === name || e.info.container === name);
    return entry ? entry.proc.tail.get() : [];
  }

  /** Stops every service and waits until none of their processes is left. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const started = Date.now();
      const services = this.entries.map((e) => e.info.service);
      this.options.onEvent?.({ type: 'services-stopping', at: started, services });
      await stopProcesses(
        this.entries.map((e) => e.proc),
        this.options.graceMs,
      );
      this.options.onEvent?.({ type: 'services-stopped', at: Date.now(), services, durationMs: Date.now() - started });
    })();
    return this.stopping;
  }
}

type Waited =
  | { entry: Entry; outcome: 'ready'; via: ReadyVia }
  | { entry: Entry; outcome: 'exited'; exit: ExitInfo }
  /** The wait was ended from outside: the timeout, another service's failure, or Ctrl-C. */
  | { entry: Entry; outcome: 'stopped'; readiness: Readiness };

/** Waits for one service until it is ready, its process exits, or `cancel` aborts. */
async function waitForService(entry: Entry, cancel: AbortSignal): Promise<Waited> {
  const stop = new AbortController();
  let readiness: Readiness = { state: 'connecting' };
  const onCancel = () => stop.abort();
  cancel.addEventListener('abort', onCancel, { once: true });
  void entry.proc.exited.then(() => stop.abort());
  try {
    const via = await waitForAddress(entry.info.address, stop.signal, (r) => (readiness = r));
    // A process that answered but exited at the same moment is not ready.
    if (entry.proc.exit) return { entry, outcome: 'exited', exit: entry.proc.exit };
    if (via) return { entry, outcome: 'ready', via };
    return { entry, outcome: 'stopped', readiness };
  } finally {
    cancel.removeEventListener('abort', onCancel);
  }
}

/**
 * Starts every service and waits until all are ready. Rejects, after stopping every service it started, with
 * UserError SERVICE_EXITED (a service exited first; details.output holds its last lines), SERVICE_NOT_READY (not
 * ready within readyTimeoutMs), SERVICE_START_FAILED (the command could not be spawned) or CANCELLED (options.signal).
 */
export async function startLocalServices(specs: LocalServiceSpec[], options: StartOptions): Promise<LocalServices> {
  const withPorts = await assignPorts(specs);
  const entries: Entry[] = [];
  const services = new LocalServices(options);
  const failAll = async (error: UserError): Promise<never> => {
    await services.stop();
    throw error;
  };
  const cancelled = () => new UserError('CANCELLED', 'cancelled while starting the services');
  for (const spec of withPorts) {
    if (options.signal?.aborted) return failAll(cancelled());
    const address = `${LOCAL_HOST}:${spec.port}`;
    let proc: ServiceProcess;
    try {
      proc = await ServiceProcess.start({
        command: spec.command,
        cwd: spec.cwd,
        env: {
          ...(options.baseEnv ?? process.env),
          ...spec.env,
          GRPC_PORT: String(spec.port),
          GRPC_HOST: LOCAL_HOST,
          DATA_DIR: options.dataDir,
        },
        tailLines: options.tailLines,
        onLine: options.onOutput && ((line) => options.onOutput!(spec.service, line)),
      });
    } catch (cause) {
      return failAll(
        new UserError(
          'SERVICE_START_FAILED',
          `service "${spec.service}": cannot start "${spec.command}" in ${spec.cwd}: ${(cause as Error).message}`,
          { hint: 'check x-aieffect.run and x-aieffect.cwd of the service in docker-compose.yml', cause },
        ),
      );
    }
    const info: LocalServiceInfo = {
      service: spec.service,
      container: spec.container,
      address,
      pid: proc.pid,
      command: spec.command,
      cwd: spec.cwd,
    };
    const entry = { spec, info, proc };
    entries.push(entry);
    services.add(entry);
    options.onEvent?.({ type: 'service-starting', at: Date.now(), ...info });
  }

  const started = Date.now();
  // The first failure, the timeout or Ctrl-C ends every other wait at once.
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  if (options.signal?.aborted) return failAll(cancelled());
  options.signal?.addEventListener('abort', onSignal, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    cancel.abort();
  }, options.readyTimeoutMs);
  let firstExit: UserError | undefined;
  let waited: Waited[];
  try {
    waited = await Promise.all(
      entries.map(async (entry) => {
        const w = await waitForService(entry, cancel.signal);
        if (w.outcome === 'ready') {
          options.onEvent?.({
            type: 'service-ready',
            at: Date.now(),
            service: entry.info.service,
            container: entry.info.container,
            address: entry.info.address,
            via: w.via,
            durationMs: Date.now() - started,
          });
        } else if (w.outcome === 'exited') {
          firstExit ??= exitedError(entry, w.exit, 'start');
          cancel.abort();
        }
        return w;
      }),
    );
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onSignal);
  }
  if (firstExit) return failAll(firstExit);
  if (options.signal?.aborted) return failAll(cancelled());
  if (timedOut) {
    const pending = waited.flatMap((w) =>
      w.outcome === 'stopped' ? [{ entry: w.entry, readiness: w.readiness }] : [],
    );
    if (pending.length > 0) return failAll(notReadyError(pending, options.readyTimeoutMs));
  }
  return services;
}
