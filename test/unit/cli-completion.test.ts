// The tables the bash completion function reads (src/cli/completion.ts): what each command contributes.
import { describe, expect, it } from 'vitest';
import { bashTables, type CompletionCommand } from '../../src/cli/completion.js';

const commands: CompletionCommand[] = [
  {
    id: 'graph',
    aliases: ['draw'],
    flags: {
      json: { type: 'boolean' },
      format: { type: 'option', options: ['mermaid', 'dot'] },
      output: { type: 'option', char: 'o' },
      secret: { type: 'option', hidden: true },
      progress: { type: 'boolean', allowNo: true },
    },
    args: { dir: {} },
  },
  { id: 'autocomplete', flags: {}, args: { shell: { options: ['bash', 'zsh'] } } },
  { id: 'autocomplete:create', hidden: true, flags: {}, args: {} },
];

describe('bashTables', () => {
  it('lists visible commands (and aliases) with their visible flags, value-taking flags, fixed values and arguments', () => {
    expect(bashTables(commands)).toEqual({
      commands: [
        'autocomplete --help',
        'graph --help --json --format --output --progress --no-progress',
        'draw --help --json --format --output --progress --no-progress',
      ],
      takes: ['graph --format --output -o', 'draw --format --output -o'],
      values: ['graph --format mermaid dot', 'draw --format mermaid dot'],
      args: ['autocomplete 0 bash zsh'],
    });
  });
});
