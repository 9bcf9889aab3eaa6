// oclif's help (for `--help` and plugin-help's `aieffect help [command]`), with an unknown command reported the way
// every other usage error is: one line, a did-you-mean, exit 2.
import * as Errors from '@oclif/core/errors';
import { Help } from '@oclif/core/help';
import { reportUserError } from '../ui/errors.js';
import { unknownCommandError } from './unknown-command.js';

export default class AieffectHelp extends Help {
  override async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv);
    } catch (err) {
      const notFound = /^Command (.+) not found\.?$/.exec(err instanceof Error ? err.message : '');
      if (!notFound) throw err;
      reportUserError(unknownCommandError(this.config, notFound[1]!, [], ['help']), false);
      // Exits 2 without oclif printing anything more.
      throw new Errors.ExitError(2);
    }
  }
}
