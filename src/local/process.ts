// One service as a child process: started through the shell in a process group of its own (so that stopping it
// also stops whatever its command started: `sh -c`, npm, a wrapper script), with a marker in its environment that
// every process it starts inherits (so that one which leaves the group, a `setsid` daemon, is found too: tracking.ts),
// its output captured into a tail, its exit observable. Stopping sends SIGTERM to the group and every marked process,
// then SIGKILL after a grace period. As a last resort, services still alive when aieffect itself exits are killed on
// the way out, so no service outlives the command.
import { spawn, type ChildProcess } from 'node:child_process';
import { OutputTail } from './tail.js';
import { MARKER_ENV, newMarker, serviceProcesses } from './tracking.js';

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
    for (const [pgid, marker] of live) signalService(pgid, marker, 'SIGKILL');
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

/** Signals the service's group and every process carrying its marker (those that left the group too). */
function signalService(pgid: number, marker: string, signal: NodeJS.Signals): void {
  signalGroup(pgid, signal);
  for (const pid of serviceProcesses(pgid, marker) ?? []) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/** Whether any process of the service still runs (zombies do not count); by the group alone where there is no /proc. */
function serviceAlive(pgid: number, marker: string): boolean {
  const found = serviceProcesses(pgid, marker);
  return found === undefined ? signalGroup(pgid, 0) : found.length > 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  /**
   * Stops the service: SIGTERM to its group and every process carrying its marker, then SIGKILL for whatever is left
   * after `graceMs`. Resolves once none of them is left.
   */
  async stop(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    const alive = () => serviceAlive(this.pid, this.marker);
    if (alive()) {
      signalService(this.pid, this.marker, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
      // The leader is gone; what it started may still be shutting down. No event says when the last one is, so look
      // again every few milliseconds until the grace period is over.
      while (alive() && Date.now() < deadline) await sleep(25);
      if (alive()) {
        // Again until none is left: a process may have started another between a look and the signal.
        const killDeadline = Date.now() + 2000;
        do {
          signalService(this.pid, this.marker, 'SIGKILL');
          await sleep(20);
        } while (alive() && Date.now() < killDeadline);
        await this.exited;
      }
    }
    live.delete(this.pid);
  }
}
