// The base of every aieffect command: --json, and the one place where errors become output and exit codes.
// A UserError prints one line (and a hint) to stderr, or {"error": {...}} to stdout with --json, and exits 1 or 2;
// oclif's own usage errors (unknown flag, missing argument) exit 2. DEBUG=aieffect* adds the stack.
import { Command, Errors } from '@oclif/core';
import { UserError } from '../errors.js';
import { reportUserError } from '../ui/errors.js';

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /** Writes a line to stderr (logs, progress); stdout is kept for results. */
  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(message + '\n');
  }

  protected override async catch(err: Error): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    const user = toUserError(err, this.id);
    if (!user) {
      // A bug, not a user mistake: keep the stack.
      return super.catch(err);
    }
    reportUserError(user, this.jsonEnabled(), (value) => this.logJson(value));
    if (process.env.DEBUG && /aieffect/.test(process.env.DEBUG)) process.stderr.write(`${err.stack ?? ''}\n`);
    // oclif's handler exits with the ExitError's code.
    this.exit(user.exit);
  }
}

/** Flattens oclif's multi-line parser messages to one line: `--flag: reason`, without "See more help". */
function oneLine(message: string): string {
  // "The following errors occurred:" lists one line per broken rule; the first names the problem well enough.
  const listed = /^The following errors occurred:\s*\n\s*(.+)/.exec(message);
  return (listed ? listed[1]! : message)
    .replace(/\s*See more help with --help\s*$/, '')
    .replace(/^Parsing (--[\w-]+)\s+/, '$1: ')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/**
 * oclif's parse errors (unknown flag, missing argument, bad option value) are usage errors: exit 2. A flag's own
 * parser may throw anything; oclif rewrites its message to "Parsing --flag ...", which marks it as usage too.
 */
function toUserError(err: Error, commandId: string | undefined): UserError | undefined {
  const hint = `see \`aieffect ${commandId ?? ''} --help\` for usage`.replace('  ', ' ');
  if (err instanceof UserError) {
    if (!err.message.startsWith('Parsing --')) return err;
    return new UserError(err.code, oneLine(err.message), { exit: 2, hint: err.hint ?? hint, details: err.details });
  }
  if (!(err instanceof Errors.CLIError) && !err.message.startsWith('Parsing --')) return undefined;
  const missing = (err as { args?: { name?: string }[] }).args;
  if (Array.isArray(missing) && missing.length > 0) {
    const names = missing.map((a) => a.name ?? '?').join(', ');
    return new UserError('USAGE', `missing required argument${missing.length === 1 ? '' : 's'}: ${names}`, {
      exit: 2,
      hint,
    });
  }
  return new UserError('USAGE', oneLine(err.message), { exit: 2, hint });
}
