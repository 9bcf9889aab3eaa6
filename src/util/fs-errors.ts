// File-system failures as users read them: one line naming the path they gave (never a temporary one) and the reason
// in words (permission denied, no space left, read-only file system, name too long), with what to do about it. Every
// write goes through src/util/atomic.ts, which reports its failures here; the commands' error reporting turns any
// other file-system error that escapes into the same kind of line.
import { getSystemErrorMap } from 'node:util';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from './paths.js';

export interface Reason {
  reason: string;
  hint: string;
}

const ELSEWHERE = 'or give a path elsewhere';

const REASONS: Record<string, Reason> = {
  EACCES: { reason: 'permission denied', hint: `check the folder's permissions, ${ELSEWHERE}` },
  EPERM: { reason: 'operation not permitted', hint: `check the permissions and attributes of the path, ${ELSEWHERE}` },
  ENOSPC: { reason: 'no space left on the device', hint: `free some space on that file system, ${ELSEWHERE}` },
  EDQUOT: { reason: 'disk quota exceeded', hint: `free some of your quota on that file system, ${ELSEWHERE}` },
  EROFS: { reason: 'read-only file system', hint: 'that file system is mounted read-only: give a path elsewhere' },
  ENAMETOOLONG: {
    reason: 'name too long',
    hint: 'use shorter names: most file systems allow 255 bytes per file or folder name',
  },
  ENOTDIR: { reason: 'a part of the path is a file, not a folder', hint: `check the path, ${ELSEWHERE}` },
  EISDIR: { reason: 'is a folder', hint: 'give the path of a file' },
  ENOENT: { reason: 'no such file or folder', hint: 'check the path' },
  EEXIST: { reason: 'already exists', hint: `remove it first, ${ELSEWHERE}` },
  EIO: { reason: 'input/output error', hint: 'the device reported an error: check the disk or the network mount' },
  EMFILE: { reason: 'too many open files', hint: 'raise the open-file limit (ulimit -n) or close other programs' },
  ENFILE: { reason: 'too many open files in the system', hint: 'close other programs and try again' },
  ELOOP: { reason: 'too many symbolic links', hint: 'check the path for a symbolic link loop' },
  EBUSY: { reason: 'device or resource busy', hint: 'try again once the file is no longer in use' },
  ETXTBSY: { reason: 'file busy', hint: 'try again once the program using it has stopped' },
  EFBIG: { reason: 'file too large', hint: 'that file system cannot hold a file this large: give a path elsewhere' },
};

/** The reason in words and the hint for an errno code (ENOTDIR...), when it is one of those above. */
export function knownReason(code: string): Reason | undefined {
  return REASONS[code];
}

/** A Node.js error from a file-system call (it has an errno code and the syscall that failed). */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  const e = err as NodeJS.ErrnoException | undefined;
  return e instanceof Error && typeof e.code === 'string' && typeof e.syscall === 'string';
}

/** The reason of an errno code in words (`permission denied`), or the code itself when it is a rare one. */
export function fileSystemReason(code: string | undefined): string {
  return (code && REASONS[code]?.reason) ?? code ?? 'unknown error';
}

/** A long file name shortened for a message: the start and the end stay readable. */
function shorten(path: string): string {
  return path
    .split('/')
    .map((part) => (part.length > 60 ? `${part.slice(0, 40)}...${part.slice(-12)}` : part))
    .join('/');
}

export interface FileSystemErrorOptions {
  /** What failed, as a verb: `write` (default), `create`, `read`. */
  action?: string;
  /** A file inside the target that failed (an export package's member), `/`-separated, relative to the target. */
  inner?: string;
  /** The reason in words and the hint, when the caller knows better than the errno (mkdir -p's EEXIST). */
  explained?: Reason;
}

/**
 * The UserError for a failed file-system call on `target` (the path as the user gave it, or a flag naming it:
 * `--output run.json`): `<target>: cannot write (<reason>)`, exit 1. Not a file-system error: returned unchanged.
 */
export function fileSystemError(err: unknown, target: string, options: FileSystemErrorOptions = {}): unknown {
  if (!isFileSystemError(err)) return err;
  const known = options.explained ?? REASONS[err.code];
  const what = options.inner === undefined ? '' : ` ${shorten(options.inner)}`;
  // Node's own message names the path of the call, often a temporary one: the system's words for the errno instead.
  const reason = known?.reason ?? `${getSystemErrorMap().get(err.errno ?? 0)?.[1] ?? 'error'} (${err.code})`;
  return new UserError('FILE_SYSTEM_ERROR', `${target}: cannot ${options.action ?? 'write'}${what} (${reason})`, {
    hint: known?.hint ?? `${ELSEWHERE.replace(/^or /, '')}`,
    details: { path: target, errno: err.code, syscall: err.syscall },
    cause: err,
  });
}

// What a failed call was doing, for the message of one that escaped without a UserError of its own.
const ACTIONS: Record<string, string> = { open: 'open', read: 'read', scandir: 'read', stat: 'read', lstat: 'read' };

/**
 * The UserError for a file-system error that reached the commands' error reporting without one (exit 1, its path and
 * the reason in words), so that a writer that forgot src/util/atomic.ts still fails in one line. Undefined for any
 * other error.
 */
export function strayFileSystemError(err: unknown): UserError | undefined {
  if (!isFileSystemError(err)) return undefined;
  const path = err.path === undefined ? 'a file' : displayPath(resolve(err.path));
  return fileSystemError(err, path, { action: ACTIONS[err.syscall ?? ''] ?? 'write' }) as UserError;
}
