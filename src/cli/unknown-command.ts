// The error for a command that does not exist, shared by the command_not_found hook (`aieffect rnu examples/x`) and
// the help class (`aieffect help rnu`): one line naming what was typed, a did-you-mean, the list of commands; exit 2.
import type { Interfaces } from '@oclif/core';

type Config = Interfaces.Config;
import { shellWord } from '../deploy/shell-template.js';
import { UserError } from '../errors.js';
import { closest } from '../util/suggest.js';
import { unexpectedArgsError } from './usage-errors.js';

/** The commands people can type, as they type them (`add service`, not `add:service`), hidden ones left out. */
export function visibleCommands(config: Config): string[] {
  return config.commands
    .filter((c) => !c.hidden)
    .map((c) => c.id.split(':').join(' '))
    .sort();
}

/**
 * oclif hands over the words of the command line joined by ":" (`rnu:examples/x`) when it finds no command. Either a
 * command that takes no arguments was given some (`version:extra`: `command` is set), or the unknown command is the
 * topic words it starts with plus the first word that is not one (`rnu`, `add servce`); the rest are its arguments.
 */
export function splitUnknown(config: Config, id: string): { command?: string; typed: string; rest: string[] } {
  const words = id.split(':').filter((w) => w !== '');
  for (let i = words.length - 1; i >= 1; i--) {
    const prefix = words.slice(0, i).join(':');
    if (config.findCommand(prefix))
      return { command: prefix, typed: prefix.split(':').join(' '), rest: words.slice(i) };
  }
  const isTopic = (prefix: string) => config.commandIDs.some((c) => c.startsWith(`${prefix}:`));
  let i = 0;
  while (i < words.length - 1 && isTopic(words.slice(0, i + 1).join(':'))) i++;
  return { typed: words.slice(0, i + 1).join(' '), rest: words.slice(i + 1) };
}

/**
 * `id` as oclif gives it; `argv` the words after it (flags); `before` the words typed before the command (`help` for
 * `aieffect help rnu`), repeated in the suggested command line.
 */
export function unknownCommandError(config: Config, id: string, argv: string[] = [], before: string[] = []): UserError {
  const commands = visibleCommands(config);
  const { command, typed, rest } = splitUnknown(config, id);
  if (command) {
    // Only oclif's id lookup makes this look like an unknown command: the arguments are the mistake.
    return unexpectedArgsError(rest, { id: command, args: config.findCommand(command)?.args });
  }
  const suggestion = closest(typed, commands);
  const line = [config.bin, ...before, suggestion, ...[...rest, ...argv].map(shellWord)].join(' ');
  const retry = suggestion ? `did you mean \`${line}\`? ` : '';
  return new UserError('UNKNOWN_COMMAND', `unknown command "${typed}"`, {
    exit: 2,
    hint: `${retry}commands: ${commands.join(', ')} (${config.bin} help)`,
  });
}
