// Files the user named on the command line (--output of run, orchestrate, graph; --report): checked before anything
// runs, so that work is never lost to a path that cannot take its result, and written atomically, a file-system error
// becoming one line naming the flag, the path as given and the reason in words (src/util/atomic.ts).
import { accessSync, constants, existsSync, statfsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { fileSystemError } from '../util/fs-errors.js';
import { displayPath } from '../util/paths.js';

/** The longest file name most file systems take, in bytes. */
const NAME_MAX = 255;

/**
 * Checks a file path given with `flag` before anything runs: not a folder, in a folder that exists and may be
 * written, with a name the file system takes, on a file system with space left. Thrown: UserError OUTPUT_UNUSABLE
 * (exit 2) naming the flag and the path.
 */
export function checkOutputFile(flag: string, path: string): void {
  const full = resolve(path);
  const named = `${flag} ${displayPath(path)}`;
  const refuse = (message: string, hint: string) => new UserError('OUTPUT_UNUSABLE', message, { exit: 2, hint });
  if (existsSync(full) && statSync(full).isDirectory()) {
    throw refuse(`${named}: is a folder, not a file`, `give a file path, e.g. ${join(path, 'result.json')}`);
  }
  const folder = dirname(full);
  if (!existsSync(folder)) {
    throw refuse(
      `${named}: folder ${displayPath(folder)} does not exist`,
      'create it first, or give a path in a folder that exists',
    );
  }
  if (!statSync(folder).isDirectory()) {
    throw refuse(`${named}: ${displayPath(folder)} is not a folder`, 'give a path in a folder that exists');
  }
  const fail = (err: unknown) => {
    const e = fileSystemError(err, named) as UserError;
    return refuse(e.message, e.hint ?? '');
  };
  if (Buffer.byteLength(basename(full)) > NAME_MAX) {
    throw fail(Object.assign(new Error('name too long'), { code: 'ENAMETOOLONG', syscall: 'open', path: full }));
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch (err) {
    throw fail(err);
  }
  const space = statfsSync(folder);
  // root may write into the blocks reserved for it, anyone else only into the available ones.
  if ((process.getuid?.() === 0 ? space.bfree : space.bavail) === 0) {
    throw fail(Object.assign(new Error('no space'), { code: 'ENOSPC', syscall: 'write', path: full }));
  }
}

/**
 * Writes `content` to `path` atomically. Thrown: UserError FILE_SYSTEM_ERROR naming `flag` and the path
 * (`--output runs/r.json: cannot write (no space left on the device)`).
 */
export function writeOutputFile(flag: string, path: string, content: string): void {
  writeFileAtomic(path, content, { label: `${flag} ${displayPath(path)}` });
}
