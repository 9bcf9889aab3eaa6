// Shell completion. oclif's plugin-autocomplete provides `aieffect autocomplete [bash|zsh]`, the setup line for the
// shell's rc file and the completion functions in aieffect's cache folder. Its zsh function completes commands, a
// topic's commands, flags anywhere after the command, fixed flag values and file names. Its bash function for
// space-separated topics joins every word typed with ":" into a command name, so it completes neither file names
// (`aieffect run exa<TAB>`) nor flags after an argument (`aieffect run examples/x --in<TAB>`). So the bash function is
// ours (templates/completion/bash.tmpl), built from the same commands: the visible ones with their visible flags, and
// written over the plugin's each time the plugin writes its functions (hooks/completion.ts).
import { join } from 'node:path';
import type { Interfaces } from '@oclif/core';
import { readTemplate, renderShellTemplate } from '../deploy/shell-template.js';
import { writeFileAtomic } from '../util/atomic.js';

/** What completion needs of a command (a part of oclif's Command.Loadable, as the manifest has it). */
export interface CompletionCommand {
  id: string;
  hidden?: boolean;
  aliases?: string[];
  flags: Record<
    string,
    { type: string; char?: string; hidden?: boolean; allowNo?: boolean; options?: readonly string[] }
  >;
  args: Record<string, { options?: readonly string[] }>;
}

/** The lines the bash function reads: see templates/completion/bash.tmpl for their format. */
export interface BashTables {
  commands: string[];
  takes: string[];
  values: string[];
  args: string[];
}

export function bashTables(commands: readonly CompletionCommand[]): BashTables {
  const tables: BashTables = { commands: [], takes: [], values: [], args: [] };
  const visible = commands.filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id));
  for (const command of visible) {
    const flags = ['--help'];
    const takes: string[] = [];
    const values: string[] = [];
    for (const [name, flag] of Object.entries(command.flags)) {
      if (flag.hidden) continue;
      flags.push(`--${name}`);
      if (flag.allowNo) flags.push(`--no-${name}`);
      if (flag.type !== 'option') continue;
      const spellings = [`--${name}`, ...(flag.char ? [`-${flag.char}`] : [])];
      takes.push(...spellings);
      if (flag.options?.length) values.push(...spellings.map((s) => `${s} ${flag.options!.join(' ')}`));
    }
    const args = Object.values(command.args).flatMap((arg, index) =>
      arg.options?.length ? [`${index} ${arg.options.join(' ')}`] : [],
    );
    for (const id of [command.id, ...(command.aliases ?? [])]) {
      tables.commands.push(`${id} ${flags.join(' ')}`);
      if (takes.length > 0) tables.takes.push(`${id} ${takes.join(' ')}`);
      tables.values.push(...values.map((v) => `${id} ${v}`));
      tables.args.push(...args.map((a) => `${id} ${a}`));
    }
  }
  return tables;
}

/** The bash completion function for these commands, registered for `bin`. */
export function bashCompletion(bin: string, commands: readonly CompletionCommand[]): string {
  const tables = bashTables(commands);
  return renderShellTemplate(readTemplate('completion/bash.tmpl'), {
    bin,
    commands: tables.commands.join('\n'),
    takes: tables.takes.join('\n'),
    values: tables.values.join('\n'),
    args: tables.args.join('\n'),
  });
}

/** Where plugin-autocomplete's bash setup script sources the function from: <cache>/autocomplete/functions/bash. */
export function bashCompletionPath(config: Pick<Interfaces.Config, 'cacheDir' | 'bin'>): string {
  return join(config.cacheDir, 'autocomplete', 'functions', 'bash', `${config.bin}.bash`);
}

/** Writes the bash function of this CLI's commands where the setup script sources it. */
export function writeBashCompletion(config: Interfaces.Config): void {
  writeFileAtomic(bashCompletionPath(config), bashCompletion(config.bin, config.commands));
}
