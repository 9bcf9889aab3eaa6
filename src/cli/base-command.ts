// The base of every aieffect command: --json, and the one place where errors become output and exit codes.
// A UserError prints one line (and a hint) to stderr, or {"error": {...}} to stdout with --json, and exits 1 or 2;
// oclif's own usage errors (unknown flag, missing argument) exit 2; a stray file-system error exits 1. DEBUG=aieffect*
// adds the stack.
import { Command } from '@oclif/core/command';
import * as Errors from '@oclif/core/errors';
import { ux } from '@oclif/core/ux';
import { reportUserError } from '../ui/errors.js';
import { strayFileSystemError } from '../util/fs-errors.js';
import { toUsageError } from './usage-errors.js';

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /** Writes a line to stderr (logs, progress); stdout is kept for results. */
  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(message + '\n');
  }

  /**
   * A JSON document on stdout (--json), as oclif writes it. oclif's logJson tokenizes the text to colour each token with
   * the theme's JSON colours; without a theme (aieffect has none) the text is written unchanged, after a tokenizing whose
   * time grows with the document (the costliest function in a profile of `orchestrate --json` of four services). Without
   * a theme, the same text directly.
   */
  protected override logJson(json: unknown): void {
    if (this.config.theme?.json) return super.logJson(json);
    ux.stdout(JSON.stringify(json, undefined, 2));
  }

  protected override async catch(err: Error): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    const { flags, baseFlags, args } = this.ctor;
    // A file-system error no module turned into a UserError is still one line, naming its path and the reason.
    const user = strayFileSystemError(err) ?? toUsageError(err, { id: this.id, flags, baseFlags, args });
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
