// One service as a child process: started through the shell in a process group of its own (so that stopping it
// also stops whatever its command started: `sh -c`, npm, a wrapper script), with a marker in its environment that
// every process it starts inherits (so that one which leaves the group, a `setsid` daemon, is found too: tracking.ts),
// its output captured into a tail, its exit observable. Stopping sends SIGTERM to the group and every marked process,
// then SIGKILL after a grace period. As a last resort, services still alive when aieffect itself exits are killed on
// the way out, so no service outlives the command.
import { spawn, type ChildProcess } from 'node:child_process';
import { OutputTail } from './tail.js';
import { MARKER_ENV, newMarker, serviceProcesses, stillRunning, type ServiceIdentity } from './tracking.js';

export interface ProcessSpec {
  /** Shell command line. */
  command: string;
  /** Absolute working directory. */
  cwd: string;
  /** The complete environment of the process. */
  env: NodeJS.ProcessEnv;
  /** How many lines of output to keep (default 40). */
  tailLines?: number;
  /** Each complete line of output, as it arrives. */
  onLine?: (line: string) => void;
}

export interface ExitInfo {
  /** The exit code, when the process exited by itself. */
  code: number | null;
  /** The signal that ended it, when one did. */
  signal: NodeJS.Signals | null;
}

const DEFAULT_GRACE_MS = 5000;

/** "exited with code 1", "was killed by SIGKILL": for messages. */
export function describeExit(exit: ExitInfo): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? '?'}`;
}

// Services started here that may still be alive: process group id (= leader pid) -> marker.
const live = new Map<number, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers run synchronously even when the command dies of an exception: kill rather than orphan.
  process.on('exit', () => {
    if (live.size === 0) return;
    signalServices(
      [...live].map(([pgid, marker]) => ({ pgid, marker })),
      'SIGKILL',
    );
  });
}

/** Sends a signal to a whole process group; false when no process of the group is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * Signals each service's group and every process carrying its marker (those that left the group too): every group
 * first, then one look through /proc for all of them. Returns what that look found of each service, as
 * runningProcesses does.
 */
function signalServices(services: readonly ServiceIdentity[], signal: NodeJS.Signals): number[][] {
  for (const s of services) signalGroup(s.pgid, signal);
  const found = runningProcesses(services);
  for (const pids of found) {
    for (const pid of pids) {
      if (pid < 0) continue;
      try {
        process.kill(pid, signal);
      } catch {
        // gone meanwhile
      }
    }
  }
  return found;
}

/**
 * The processes of each service that still run (zombies do not count), in the order of `services`. Where there is no
 * /proc, by the group alone: [-pgid] while any member of it is left.
 */
function runningProcesses(services: readonly ServiceIdentity[]): number[][] {
  return serviceProcesses(services) ?? services.map((s) => (signalGroup(s.pgid, 0) ? [-s.pgid] : []));
}

/** Which of the processes last seen of a service still run: a quick look at them, without a search of /proc. */
function stillRunningOf(pids: number[]): number[] {
  const [first] = pids;
  if (first !== undefined && first < 0) return signalGroup(-first, 0) ? pids : [];
  return stillRunning(pids);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A service being stopped, with its processes as last seen. */
interface Stopping {
  proc: ServiceProcess;
  pids: number[];
}

/**
 * Stops services together: SIGTERM to every group and every process carrying a service's marker, then SIGKILL for
 * whatever is left of them after `graceMs`. Resolves once none of their processes is left.
 */
export async function stopProcesses(procs: readonly ServiceProcess[], graceMs = DEFAULT_GRACE_MS): Promise<void> {
  const signalled = signalServices(
    procs.map((p) => p.identity),
    'SIGTERM',
  );
  let left = await waitUntilGone(
    procs.map((proc, i) => ({ proc, pids: signalled[i]! })),
    Date.now() + graceMs,
  );
  if (left.length > 0) {
    // Again until none is left: a process may have started another between a look and the signal.
    const killDeadline = Date.now() + 2000;
    do {
      signalServices(
        left.map((p) => p.identity),
        'SIGKILL',
      );
      await sleep(20);
      const still = runningProcesses(left.map((p) => p.identity));
      left = left.filter((_, i) => still[i]!.length > 0);
    } while (left.length > 0 && Date.now() < killDeadline);
    await Promise.all(procs.map((p) => p.exited));
  }
  for (const p of procs) live.delete(p.pid);
}

/**
 * Waits until no process of the services runs and each leader's exit has been seen, or until `deadline`; resolves with
 * the services that still run then. `services` come with the processes a look through /proc found of each just now. No event says when the last process of a service is gone (only the leader is our
 * child), so it looks every few milliseconds: at the processes last seen (cheap), and through /proc once those are
 * gone (one of them may have started another meanwhile).
 */
async function waitUntilGone(services: Stopping[], deadline: number): Promise<ServiceProcess[]> {
  // The processes given were found by a look through /proc just now: no second look is needed when there are none.
  let left = services.filter((s) => s.pids.length > 0 || s.proc.exit === undefined);
  const started = Date.now();
  for (let first = true; left.length > 0; first = false) {
    if (!first) left = left.map(({ proc, pids }) => ({ proc, pids: stillRunningOf(pids) }));
    if (!first && left.every((s) => s.pids.length === 0)) {
      const found = runningProcesses(left.map((s) => s.proc.identity));
      left = left
        .map(({ proc }, i) => ({ proc, pids: found[i]! }))
        .filter((s) => s.pids.length > 0 || s.proc.exit === undefined);
      if (left.length === 0) return [];
    }
    if (Date.now() >= deadline) {
      const found = runningProcesses(left.map((s) => s.proc.identity));
      return left.filter((_, i) => found[i]!.length > 0).map((s) => s.proc);
    }
    // Most services are gone within moments of the signal: look often at first, then less.
    const exits = left.filter((s) => s.proc.exit === undefined).map((s) => s.proc.exited);
    await Promise.race([sleep(Date.now() - started < 1000 ? 5 : 50), ...exits]);
  }
  return [];
}

export class ServiceProcess {
  readonly pid: number;
  readonly tail: OutputTail;
  /** Resolves once the group leader (the shell or the service itself) has exited. */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;

  private constructor(
    child: ChildProcess,
    spec: ProcessSpec,
    private readonly marker: string,
  ) {
    this.pid = child.pid!;
    this.tail = new OutputTail(spec.tailLines);
    live.set(this.pid, marker);
    const onData = (chunk: string) => {
      for (const line of this.tail.push(chunk)) spec.onLine?.(line);
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  /**
   * Starts `spec.command` with /bin/sh in a new process group. Resolves once the process exists; rejects when it
   * cannot be spawned at all (a missing working directory). A command that is not found exits 127 with the shell's
   * message in the tail.
   */
  static start(spec: ProcessSpec): Promise<ServiceProcess> {
    installExitHook();
    const marker = newMarker();
    return new Promise((resolve, reject) => {
      const child = spawn(spec.command, {
        cwd: spec.cwd,
        env: { ...spec.env, [MARKER_ENV]: marker },
        shell: true,
        // A new process group (and session): Ctrl-C in the terminal reaches aieffect, which stops the services in
        // order, instead of reaching every service at once.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.once('error', reject);
      child.once('spawn', () => {
        child.off('error', reject);
        resolve(new ServiceProcess(child, spec, marker));
      });
    });
  }

  /** The exit, when the leader has exited. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Its process group (the leader's pid) and the marker every process it starts inherits. */
  get identity(): ServiceIdentity {
    return { pgid: this.pid, marker: this.marker };
  }

  /**
   * Stops the service: SIGTERM to its group and every process carrying its marker, then SIGKILL for whatever is left
   * after `graceMs`. Resolves once none of them is left.
   */
  stop(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    return stopProcesses([this], graceMs);
  }
}
