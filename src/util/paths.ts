// How paths are named in messages and summaries: every module that shows a user a path uses this one rule.
import { isAbsolute, relative } from 'node:path';

/** A path as shown to people: relative to the working directory when inside it, else as given. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
