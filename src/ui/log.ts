// stderr logging for commands and the UI: results go to stdout, everything else here.
import { chalkStderr } from 'chalk';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export function stderrLogger(quiet = false): Logger {
  return {
    info(message) {
      if (!quiet) process.stderr.write(message + '\n');
    },
    warn(message) {
      if (!quiet) process.stderr.write(`${chalkStderr.yellow('warning')} ${message}\n`);
    },
  };
}
