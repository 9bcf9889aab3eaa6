// oclif's parse errors turned into usage errors (exit 2) in the house style: one line, a hint, a did-you-mean for a
// misspelled flag (`--inptu`: did you mean --input?), "unexpected argument: X" naming what the command does take.
import * as Errors from '@oclif/core/errors';
import { UserError } from '../errors.js';
import { closest } from '../util/suggest.js';

/** What a command class declares, as far as these messages need it. */
export interface CommandShape {
  id?: string;
  flags?: Record<string, { char?: string; allowNo?: boolean; hidden?: boolean } | undefined>;
  baseFlags?: Record<string, { char?: string; allowNo?: boolean; hidden?: boolean } | undefined>;
  args?: Record<string, unknown>;
}

/** Flattens oclif's multi-line parser messages to one line: `--flag: reason`, without "See more help". */
function oneLine(message: string): string {
  // "The following error(s) occurred:" lists one line per broken rule; the first names the problem well enough.
  const listed = /^The following errors? occurred:\s*\n\s*(.+)/.exec(message);
  return (listed ? listed[1]! : message)
    .replace(/\s*See more help with --help\s*$/, '')
    .replace(/^Parsing (--[\w-]+)\s+/, '$1: ')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** Every spelling of the command's flags: --name, --no-name for negatable ones, -c. */
export function flagSpellings(command: CommandShape): string[] {
  const all = { ...command.baseFlags, ...command.flags };
  const names = ['--help'];
  for (const [name, flag] of Object.entries(all)) {
    if (!flag || flag.hidden) continue;
    names.push(`--${name}`);
    if (flag.allowNo) names.push(`--no-${name}`);
    if (flag.char) names.push(`-${flag.char}`);
  }
  return names;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function unknownFlags(typed: string[], command: CommandShape, help: string): UserError {
  const names = typed.map((f) => f.replace(/=.*$/s, ''));
  const known = flagSpellings(command).filter((n) => n.startsWith('--'));
  const guesses = names.filter((n) => n.startsWith('--')).map((n) => [n, closest(n, known)] as const);
  const meant = guesses.filter(([, guess]) => guess !== undefined).map(([n, guess]) => `${guess} for ${n}`);
  const didYouMean =
    meant.length === 0
      ? ''
      : names.length === 1
        ? `did you mean ${guesses[0]![1]}? `
        : `did you mean ${meant.join(', ')}? `;
  return new UserError('USAGE', `unknown flag${names.length === 1 ? '' : 's'}: ${names.join(', ')}`, {
    exit: 2,
    hint: `${didYouMean}${help}`,
  });
}

/** `unexpected argument: "x"`, naming the arguments the command does take. */
export function unexpectedArgsError(extra: string[], command: Pick<CommandShape, 'id' | 'args'>): UserError {
  const declared = Object.keys(command.args ?? {});
  const name = `aieffect ${(command.id ?? '').split(':').join(' ')}`.trim();
  const takes =
    declared.length === 0
      ? 'takes no arguments'
      : `takes ${plural(declared.length, 'argument')} (${declared.join(', ')}); quote a value that has spaces`;
  return new UserError(
    'USAGE',
    `unexpected argument${extra.length === 1 ? '' : 's'}: ${extra.map((a) => JSON.stringify(a)).join(', ')}`,
    { exit: 2, hint: `\`${name}\` ${takes}; see \`${name} --help\` for usage` },
  );
}

/**
 * A usage error for what oclif's parser threw (unknown flag, unexpected or missing argument, bad flag value), or
 * undefined when `err` is not one. A flag's own parser may throw anything; oclif rewrites its message to
 * "Parsing --flag ...", which marks it as usage too.
 */
export function toUsageError(err: Error, command: CommandShape): UserError | undefined {
  const help = `see \`aieffect ${(command.id ?? '').split(':').join(' ')} --help\` for usage`.replace('  ', ' ');
  if (err instanceof UserError) {
    if (!err.message.startsWith('Parsing --')) return err;
    return new UserError(err.code, oneLine(err.message), { exit: 2, hint: err.hint ?? help, details: err.details });
  }
  if (!(err instanceof Errors.CLIError) && !err.message.startsWith('Parsing --')) return undefined;
  const shaped = err as { flags?: unknown; args?: unknown };
  if (Array.isArray(shaped.flags) && /^Nonexistent flag/.test(err.message)) {
    return unknownFlags(shaped.flags.map(String), command, help);
  }
  if (Array.isArray(shaped.args) && /^Unexpected argument/.test(err.message)) {
    return unexpectedArgsError(shaped.args.map(String), command);
  }
  if (Array.isArray(shaped.args) && /^Missing \d+ required arg/.test(err.message)) {
    const names = (shaped.args as { name?: string }[]).map((a) => a.name ?? '?');
    const message = `missing required argument${names.length === 1 ? '' : 's'}: ${names.join(', ')}`;
    return new UserError('USAGE', message, { exit: 2, hint: help });
  }
  return new UserError('USAGE', oneLine(err.message), { exit: 2, hint: help });
}
