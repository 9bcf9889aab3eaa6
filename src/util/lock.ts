// A lock between processes of this machine, by name: a folder in the system's temporary folder, created atomically
// (mkdir fails when it exists) and holding the owner's pid, so a lock left by a process that died is taken over
// instead of waited for. Used where two aieffect commands must not do the same work at once (building a use case).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const POLL_MS = 100;

export interface LockOptions {
  /** Aborting gives up waiting: rejects with `cancelled()`. */
  signal?: AbortSignal;
  /** Called once when the lock is held by another process and this one starts waiting. */
  onWait?: () => void;
  /** The error to reject with when the signal aborts the wait. */
  cancelled?: () => Error;
}

/** The lock folder of `name` (hashed: names may hold paths and any character). */
export function lockPath(name: string): string {
  return join(tmpdir(), `aieffect-${createHash('sha256').update(name).digest('hex').slice(0, 24)}.lock`);
}

function ownerAlive(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  } catch {
    // Just created, its pid not written yet; one without a pid for long belongs to a process that died in between.
    try {
      return Date.now() - statSync(dir).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryAcquire(dir: string): boolean {
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (ownerAlive(dir)) return false;
    // Its owner died holding it. Move it aside first (a rename succeeds once), so that two waiters cannot both
    // remove it and one of them the lock the other has just taken.
    const aside = `${dir}.stale-${process.pid}`;
    try {
      renameSync(dir, aside);
    } catch {
      return false;
    }
    if (ownerAlive(aside)) {
      // A live owner's lock after all (taken over between the check and the rename): give it back.
      try {
        renameSync(aside, dir);
        return false;
      } catch {
        // It cannot go back (a third process holds the name now): fall through and drop it.
      }
    }
    rmSync(aside, { recursive: true, force: true });
    return tryAcquire(dir);
  }
  writeFileSync(join(dir, 'pid'), String(process.pid));
  return true;
}

/** Runs `fn` while holding the lock `name`, waiting for it as long as another live process holds it. */
export async function withLock<T>(name: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const dir = lockPath(name);
  let waiting = false;
  while (!tryAcquire(dir)) {
    if (!waiting) {
      waiting = true;
      options.onWait?.();
    }
    if (options.signal?.aborted) throw options.cancelled?.() ?? new Error('cancelled');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
