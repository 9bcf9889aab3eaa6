// How src/start.ts runs our commands (src/cli/run-command.ts): each command's class from the table in
// src/cli/commands.ts rather than by its file, and without oclif's plugins and our hooks. The table must list exactly
// the commands oclif lists (oclif.manifest.json, from dist/commands), and our hooks must have nothing to do for them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import completion from '../../src/cli/hooks/completion.js';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('oclif.manifest.json', root), 'utf8')) as {
  commands: Record<string, { id: string; summary?: string }>;
};
const pjson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { oclif: { hooks: unknown } };

describe('the command table', () => {
  it('lists every command of the manifest and no other', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(Object.keys(manifest.commands).sort());
  });

  it("gives each id its command's class", async () => {
    for (const [id, load] of Object.entries(COMMANDS)) {
      const Command = (await load()).default;
      expect(typeof Command.run, id).toBe('function');
      expect(Command.summary, id).toBe(manifest.commands[id]!.summary);
    }
  });
});

describe('our hooks, which run-command.ts leaves out', () => {
  it('are command_not_found and the postrun of plugin-autocomplete only', () => {
    expect(pjson.oclif.hooks).toEqual({
      command_not_found: './dist/cli/hooks/command-not-found',
      postrun: './dist/cli/hooks/completion',
    });
  });

  it('the postrun hook does nothing after our commands', async () => {
    for (const id of Object.keys(COMMANDS)) {
      // No config: the hook would fail at once if it did anything.
      const opts = { Command: { id }, config: undefined, argv: [], result: undefined, context: undefined };
      await expect(completion.call({} as never, opts as never), id).resolves.toBeUndefined();
    }
  });
});
