// Writes a scaffold's files into a folder as one change: each file atomically (src/util/atomic.ts), and if any write
// or the check that follows fails, everything this change wrote is undone — new files and the folders made for them
// removed, replaced files given their old content back — so a failed `init` or `add service` leaves the folder as it
// found it.
import { existsSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import type { Files } from './templates.js';

/** The folders of `file` (relative) that do not exist below `dir` yet, the deepest first. */
function missingDirs(dir: string, file: string): string[] {
  const missing: string[] = [];
  for (let d = dirname(join(dir, file)); d !== dir && !existsSync(d); d = dirname(d)) missing.push(d);
  return missing;
}

/**
 * Writes `files` (relative path -> content) into `dir`, then runs `check`; resolves with what `check` returned.
 * On any error every change is undone before the error is rethrown.
 */
export async function writeChange<T>(dir: string, files: Files, check: () => T | Promise<T>): Promise<T> {
  const created: string[] = [];
  const createdDirs: string[] = [];
  const replaced = new Map<string, Buffer>();
  try {
    for (const [file, content] of files) {
      const path = join(dir, ...file.split('/'));
      createdDirs.push(...missingDirs(dir, file).filter((d) => !createdDirs.includes(d)));
      if (existsSync(path)) replaced.set(path, readFileSync(path));
      else created.push(path);
      writeFileAtomic(path, content);
    }
    return await check();
  } catch (err) {
    for (const path of created) rmSync(path, { force: true });
    for (const [path, content] of replaced) writeFileAtomic(path, content);
    // Deepest first: a folder is removed only once the ones below it are gone, and only if it is empty.
    for (const d of createdDirs.sort((a, b) => b.split(sep).length - a.split(sep).length)) {
      try {
        rmdirSync(d);
      } catch {
        // Not empty: something else was written there meanwhile; leave it.
      }
    }
    throw err;
  }
}

/** The files as paths relative to `dir`, `/`-separated and sorted, for summaries. */
export function fileList(files: Files): string[] {
  return [...files.keys()].sort();
}
