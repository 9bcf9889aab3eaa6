// Atomic writes: content goes to a temporary sibling first and is renamed into place, so a reader (or a crash)
// never sees half a file or half a package. Nothing outside the named target is ever deleted.
import { mkdtempSync, renameSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** Writes `content` to `path` through a temporary file in the same folder and a rename. */
export function writeFileAtomic(path: string, content: string | Uint8Array, mode?: number): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    writeFileSync(tmp, content, mode === undefined ? undefined : { mode });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Builds a folder through `fill(tmpDir)` in a temporary sibling of `target`, then renames it into place. With
 * `replace`, an existing target is moved aside and removed only after the new one is in place.
 */
export async function writeDirAtomic(
  target: string,
  replace: boolean,
  fill: (dir: string) => void | Promise<void>,
): Promise<void> {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  try {
    await fill(tmp);
    if (existsSync(target)) {
      if (!replace) throw new Error(`writeDirAtomic: ${target} exists`);
      const old = mkdtempSync(join(parent, `.${basename(target)}.old-`));
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
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
