// One service as a child process: started through the shell in a process group of its own (so that stopping it
// also stops whatever its command started: `sh -c`, npm, a wrapper script), its output captured into a tail, its exit
// observable. Stopping sends SIGTERM to the whole group, then SIGKILL after a grace period. As a last resort, groups
// still alive when aieffect itself exits are killed on the way out, so no service outlives the command.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { OutputTail } from './tail.js';

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

// Process groups started here that may still be alive (by group id = leader pid).
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers run synchronously even when the command dies of an exception: kill rather than orphan.
  process.on('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
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
 * The members of a process group that still run, from /proc (Linux): a zombie has finished running but answers
 * kill(0) until its parent reaps it, and an orphan's new parent (PID 1 in a container) may take its time or never do.
 * Undefined where there is no /proc.
 */
function runningMembers(pgid: number): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') members.push(Number(entry));
  }
  return members;
}

/** Whether any process of the group still runs (zombies do not count). */
function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  const members = runningMembers(pgid);
  return members === undefined ? true : members.length > 0;
}

export class ServiceProcess {
  readonly pid: number;
  readonly tail: OutputTail;
  /** Resolves once the group leader (the shell or the service itself) has exited. */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;

  private constructor(child: ChildProcess, spec: ProcessSpec) {
    this.pid = child.pid!;
    this.tail = new OutputTail(spec.tailLines);
    liveGroups.add(this.pid);
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
    return new Promise((resolve, reject) => {
      const child = spawn(spec.command, {
        cwd: spec.cwd,
        env: spec.env,
        shell: true,
        // A new process group (and session): Ctrl-C in the terminal reaches aieffect, which stops the services in
        // order, instead of reaching every service at once.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.once('error', reject);
      child.once('spawn', () => {
        child.off('error', reject);
        resolve(new ServiceProcess(child, spec));
      });
    });
  }

  /** The exit, when the leader has exited. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /**
   * Stops the whole group: SIGTERM, then SIGKILL for whatever is left after `graceMs`. Resolves once no process of
   * the group is left.
   */
  async stop(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    if (!groupAlive(this.pid)) {
      liveGroups.delete(this.pid);
      return;
    }
    signalGroup(this.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
    // The leader is gone; children it started may still be shutting down. No event says when a group is empty,
    // so look again every few milliseconds until the grace period is over.
    while (groupAlive(this.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (groupAlive(this.pid)) {
      signalGroup(this.pid, 'SIGKILL');
      await this.exited;
      // Bounded, for systems without /proc where a zombie cannot be told from a running process.
      const reapDeadline = Date.now() + 1000;
      while (groupAlive(this.pid) && Date.now() < reapDeadline) await new Promise((r) => setTimeout(r, 20));
    }
    liveGroups.delete(this.pid);
  }
}
