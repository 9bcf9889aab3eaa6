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

/** The environment a process started with, NUL-separated; undefined when it is gone or not ours to read. */
function environ(pid: string): Buffer | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`);
  } catch {
    return undefined;
  }
}

function carries(environ: Buffer, entry: Buffer): boolean {
  return environ.indexOf(entry) === 0 || environ.indexOf(Buffer.concat([Buffer.from([0]), entry])) >= 0;
}

/** What identifies the processes of one service: its process group (id = its leader's pid) and its marker. */
export interface ServiceIdentity {
  pgid: number;
  marker: string;
}

/**
 * The processes of each service that still run, in the order of `services`: the members of its process group and
 * every process whose environment holds `MARKER_ENV=<its marker>`. One look through /proc for all of them. A zombie
 * has finished running (it only waits for its parent to reap it) and does not count. Undefined where there is no
 * /proc.
 */
export function serviceProcesses(services: readonly ServiceIdentity[]): number[][] | undefined {
  let entries: string[];
  try {
    entries = services.length === 0 ? [] : readdirSync('/proc');
  } catch {
    return undefined;
  }
  const found = services.map((): number[] => []);
  const groups = new Map(services.map((s, i) => [s.pgid, i]));
  const markers = services.map((s) => Buffer.from(`${MARKER_ENV}=${s.marker}\0`));
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const s = stat(name);
    if (!s || s.state === 'Z' || s.state === 'X') continue;
    let owner = groups.get(s.pgrp);
    if (owner === undefined) {
      const env = environ(name);
      if (env) owner = markers.findIndex((m) => carries(env, m));
    }
    if (owner !== undefined && owner >= 0) found[owner]!.push(Number(name));
  }
  return found;
}

/** Which of `pids` still run (zombies do not count): a quick look at known processes, without a search. */
export function stillRunning(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    const s = stat(String(pid));
    return s !== undefined && s.state !== 'Z' && s.state !== 'X';
  });
}
