// Writing a file the user named on the command line (--output of run, orchestrate, graph; --report): atomically, and
// a file-system error becomes one line naming the flag and the path as given.
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { displayPath } from '../util/paths.js';

/** Writes `content` to `path` atomically. Thrown: UserError OUTPUT_UNWRITABLE naming `flag` and the path. */
export function writeOutputFile(flag: string, path: string, content: string): void {
  try {
    writeFileAtomic(path, content);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new UserError('OUTPUT_UNWRITABLE', `${flag} ${displayPath(path)}: cannot write (${code})`, {
      hint: 'give a file path in a writable folder',
      cause,
    });
  }
}
