// -f/--file of every command that reads a use case (build, export, run): its compose file, when it is not one of the
// names Docker Compose looks for in the folder (compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml).
import * as Flags from '@oclif/core/flags';
import { findComposeFile, ignoredComposeNote } from '../usecase/compose.js';

export const composeFileFlag = Flags.string({
  char: 'f',
  helpValue: '<file>',
  summary:
    "The use case's compose file. Default: the first of compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml in <use_case_dir>.",
});

/**
 * The note to print when the folder holds several compose files and the first is used (as Docker Compose warns), or
 * undefined. Never throws: a missing folder or file is reported by the command's own work, in its place.
 */
export function composeFileNote(useCaseDir: string, file: string | undefined): string | undefined {
  try {
    return ignoredComposeNote(findComposeFile(useCaseDir, file));
  } catch {
    return undefined;
  }
}
