// Atomic writes: content goes to a temporary sibling first and is renamed into place, so a reader (or a crash)
// never sees half a file or half a package. Nothing outside the named target is ever deleted. A failure leaves
// nothing behind (the temporary sibling and any folder created for the target are removed again) and is reported as
// one UserError naming the target as the user gave it and the reason in words (src/util/fs-errors.ts): every writer
// that goes through here gets that for free.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileSystemError, isFileSystemError, knownReason } from './fs-errors.js';
import { displayPath, isInside } from './paths.js';

let counter = 0;

export interface WriteOptions {
  /** File mode (less the umask). */
  mode?: number;
  /** How errors name the target: the path as the user gave it, or the flag that gave it (`--output run.json`). */
  label?: string;
}

/**
 * The start of a temporary name derived from `name`: at most 100 bytes, so that the temporary sibling of a name
 * near the file system's 255-byte limit is still a valid name (the final rename then reports the real problem).
 */
function tempStem(name: string): string {
  const bytes = Buffer.from(name);
  return bytes.length <= 100
    ? name
    : bytes
        .subarray(0, 100)
        .toString('utf8')
        .replace(/\uFFFD+$/, '');
}

const IS_A_FILE = { reason: 'it is a file, not a folder', hint: 'move the file away, or give another path' };

/**
 * Creates `dir` and its missing parents. Returns the topmost folder it created (undefined when `dir` existed), for
 * removeCreated() to take back when what follows fails. Thrown: the UserError of fileSystemError, naming `label`:
 * the folder itself, or with `labelIsInside` a file or folder to be written inside it.
 */
export function makeDirs(dir: string, label = displayPath(resolve(dir)), labelIsInside = false): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true });
  } catch (err) {
    // mkdir -p says EEXIST when `dir` itself is a file (ENOTDIR when a part above it is one): for what the label
    // names, that file is `dir` itself, or a part of its path.
    const exists = isFileSystemError(err) && err.code === 'EEXIST';
    const explained = exists ? { explained: labelIsInside ? knownReason('ENOTDIR') : IS_A_FILE } : {};
    throw fileSystemError(realMkdirError(dir, err), label, { action: 'create', ...explained });
  }
}

/**
 * What mkdir -p's failure really was. Node's recursive mkdir says ENOENT when the file system is read-only (it looks
 * the folder up after mkdir failed, and reports that instead): a plain mkdir of the first missing folder below the
 * deepest one that exists tells the true reason.
 */
function realMkdirError(dir: string, err: unknown): unknown {
  if (!isFileSystemError(err) || err.code !== 'ENOENT') return err;
  let missing = resolve(dir);
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  try {
    mkdirSync(missing);
    rmSync(missing, { recursive: true, force: true });
  } catch (real) {
    return real;
  }
  return err;
}

/** Removes what makeDirs created (quietly: this runs while another error is on its way up). */
export function removeCreated(created: string | undefined): void {
  if (created !== undefined) rmSync(created, { recursive: true, force: true });
}

/** Removes what makeDirs created if nothing but folders is in it (what was written there meanwhile stays). */
export function removeCreatedIfEmpty(created: string | undefined): void {
  if (created === undefined || !existsSync(created)) return;
  const entries = readdirSync(created, { recursive: true, withFileTypes: true });
  if (entries.every((entry) => entry.isDirectory())) removeCreated(created);
}

/** Writes `content` to `path` through a temporary file in the same folder and a rename. */
export function writeFileAtomic(path: string, content: string | Uint8Array, options: WriteOptions = {}): void {
  const label = options.label ?? displayPath(resolve(path));
  const dir = dirname(path);
  const created = makeDirs(dir, label, true);
  const tmp = join(dir, `.${tempStem(basename(path))}.${process.pid}.${counter++}.tmp`);
  try {
    writeFileSync(tmp, content, options.mode === undefined ? undefined : { mode: options.mode });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    removeCreated(created);
    throw fileSystemError(err, label);
  }
}

/** A file inside the temporary folder that a failed call names: its path relative to the package, with `/`. */
function innerPath(err: unknown, tmp: string): string | undefined {
  if (!isFileSystemError(err) || err.path === undefined) return undefined;
  const path = resolve(err.path);
  if (path === resolve(tmp) || !isInside(tmp, path)) return undefined;
  return relative(tmp, path).split(sep).join('/');
}

/**
 * Builds a folder through `fill(tmpDir)` in a temporary sibling of `target`, then renames it into place. With
 * `replace`, an existing target is moved aside and removed only after the new one is in place. A failure, of `fill`
 * too, leaves nothing behind: file-system errors become one UserError naming `label` (and the file of the package
 * that failed), everything else passes through unchanged.
 */
export async function writeDirAtomic(
  target: string,
  replace: boolean,
  fill: (dir: string) => void | Promise<void>,
  label = displayPath(resolve(target)),
): Promise<void> {
  const parent = dirname(target);
  const stem = `.${tempStem(basename(target))}`;
  const created = makeDirs(parent, label, true);
  let tmp: string | undefined;
  try {
    tmp = mkdtempSync(join(parent, `${stem}.tmp-`));
    // mkdtemp makes the folder private (0700); the target gets the mode a plain mkdir gives (0777 less the umask), or
    // a container user other than its owner (the orchestrator's, mounting an export package) could not read it.
    chmodSync(tmp, 0o777 & ~process.umask());
    await fill(tmp);
    if (existsSync(target)) {
      if (!replace) throw new Error(`writeDirAtomic: ${target} exists`);
      const old = mkdtempSync(join(parent, `${stem}.old-`));
      renameSync(target, join(old, 'previous'));
      try {
        renameSync(tmp, target);
      } catch (err) {
        renameSync(join(old, 'previous'), target);
        rmSync(old, { recursive: true, force: true });
        throw err;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
  } catch (err) {
    const inner = tmp === undefined ? undefined : innerPath(err, tmp);
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    removeCreated(created);
    throw fileSystemError(err, label, inner === undefined ? {} : { inner });
  }
}
