// The base of every aieffect command: --json, and the one place where errors become output and exit codes.
// A UserError prints one line (and a hint) to stderr, or {"error": {...}} to stdout with --json, and exits 1 or 2;
// oclif's own usage errors (unknown flag, missing argument) exit 2. DEBUG=aieffect* adds the stack.
import { Command, Errors } from '@oclif/core';
import { UserError } from '../errors.js';
import { renderError } from '../ui/errors.js';

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /** Writes a line to stderr (logs, progress); stdout is kept for results. */
  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(message + '\n');
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    const user = toUserError(err);
    if (!user) {
      // A bug, not a user mistake: keep the stack.
      return super.catch(err);
    }
    if (this.jsonEnabled()) {
      this.logJson({ error: user.toJSON() });
    } else {
      process.stderr.write(renderError(user) + '\n');
    }
    if (process.env.DEBUG && /aieffect/.test(process.env.DEBUG)) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = user.exit;
    this.exit(user.exit);
  }
}

/** oclif's parse errors (unknown flag, missing argument, bad option value) are usage errors: exit 2. */
function toUserError(err: Error & { oclif?: { exit?: number } }): UserError | undefined {
  if (err instanceof UserError) return err;
  if (err instanceof Errors.CLIError && err.constructor.name !== 'CLIError') {
    // Parser errors are CLIError subclasses (RequiredArgsError, NonExistentFlagsError, FlagInvalidOptionError...).
    const message = err.message.split('\n')[0]!.trim();
    return new UserError('USAGE', message, { exit: 2, hint: 'see --help for usage' });
  }
  if (err instanceof Errors.CLIError) {
    return new UserError('USAGE', err.message.split('\n')[0]!, { exit: 2, hint: 'see --help for usage' });
  }
  return undefined;
}
