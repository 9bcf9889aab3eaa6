// Which processes belong to a service, found again in /proc (Linux): the members of its process group, and every
// process that carries its marker in its environment. The marker is what catches a process that left the group: a
// daemon started with `setsid`, a double fork, `nohup ... &` in a new session. Each inherits the environment of the
// service that started it, marker included, whichever group or session it moves to. (A cgroup would catch even a
// process that clears its environment, but creating one needs a delegated cgroup v2 tree, which neither containers
// nor most desktops give an unprivileged user; the marker works everywhere /proc does.)
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';

/** The environment variable that marks every process of one service (and all it starts). */
export const MARKER_ENV = 'AIEFFECT_SERVICE_ID';

/** A fresh marker value, unique to one service process. */
export function newMarker(): string {
  return randomUUID();
}

/** pid, state and process group of a /proc entry; undefined when it is gone. */
function stat(pid: string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}

function carries(pid: string, entry: Buffer): boolean {
  try {
    // The environment as the process started with it, NUL-separated; another user's processes are not readable.
    const environ = readFileSync(`/proc/${pid}/environ`);
    return environ.indexOf(entry) === 0 || environ.indexOf(Buffer.concat([Buffer.from([0]), entry])) >= 0;
  } catch {
    return false;
  }
}

/**
 * The processes of a service that still run: the members of process group `pgid` and every process whose environment
 * holds `MARKER_ENV=marker`. A zombie has finished running (it only waits for its parent to reap it) and does not
 * count. Undefined where there is no /proc.
 */
export function serviceProcesses(pgid: number, marker: string): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const entry = Buffer.from(`${MARKER_ENV}=${marker}\0`);
  const found: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const s = stat(name);
    if (!s || s.state === 'Z' || s.state === 'X') continue;
    if (s.pgrp === pgid || carries(name, entry)) found.push(Number(name));
  }
  return found;
}
