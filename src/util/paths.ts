// Path rules shared by every module: how a path is named in messages and summaries, and whether one lies inside
// another folder.
import { isAbsolute, relative } from 'node:path';

/** Whether `path` is `dir` itself or lies below it (lexically: symlinks are not resolved). */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}

/** A path as shown to people: relative to the working directory when inside it, else as given. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && isInside(process.cwd(), path) ? rel : path;
}
