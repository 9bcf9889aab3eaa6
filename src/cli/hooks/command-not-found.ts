// `aieffect <typo> [args]`: one line naming the unknown command and the closest real one, exit 2 (a usage error),
// instead of oclif's default banner (plugin-not-found would prompt and exit 127).
import type { Hook } from '@oclif/core';
import { reportUserError } from '../../ui/errors.js';
import { unknownCommandError } from '../unknown-command.js';

const hook: Hook.CommandNotFound = async function (opts) {
  const argv = opts.argv ?? [];
  reportUserError(unknownCommandError(opts.config, opts.id, argv), argv.includes('--json'));
  process.exitCode = 2;
};

export default hook;
