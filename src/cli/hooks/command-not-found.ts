// `aieffect <typo>`: one line naming the unknown command and the closest real one, exit 2 (a usage error),
// instead of oclif's default banner.
import type { Hook } from '@oclif/core';
import { UserError } from '../../errors.js';
import { reportUserError } from '../../ui/errors.js';

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

const hook: Hook.CommandNotFound = async function (opts) {
  const ids = opts.config.commandIDs;
  const closest = ids
    .map((id) => ({ id, d: distance(opts.id, id) }))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))[0];
  const suggestion =
    closest && closest.d <= Math.max(2, Math.floor(opts.id.length / 3)) ? `did you mean "${closest.id}"? ` : '';
  const err = new UserError('UNKNOWN_COMMAND', `unknown command "${opts.id}"`, {
    exit: 2,
    hint: `${suggestion}commands: ${ids.join(', ')} (aieffect --help)`,
  });
  reportUserError(err, opts.argv?.includes('--json') ?? false);
  process.exitCode = 2;
};

export default hook;
