// Running one of aieffect's commands as oclif's main.run would, without oclif's index, plugins or its loading of the
// command's file by path: the class comes from ./commands.ts. Bundled with every command into dist/run-command.cjs
// (scripts/bundle.mjs), which src/start.ts loads with its compiled code cached between runs.
import { Config } from '@oclif/core/config';
import { flush } from '@oclif/core/flush';
import { handle } from '@oclif/core/handle';
import { COMMANDS } from './commands.js';

export interface PackageJson {
  name: string;
  version: string;
  oclif: Record<string, unknown>;
}

/**
 * Runs `id` as oclif's main.run would, with neither plugins nor hooks: our commands need none of the plugins (they add
 * commands, help and autocomplete, and hooks for plugin installs), and our own hooks act only off this path:
 * command_not_found (the command is found) and postrun, which replaces plugin-autocomplete's bash completion after its
 * commands (test/unit/cli-commands.test.ts holds the list). So no hook is run.
 */
export async function runCommand(root: string, pjson: PackageJson, id: string, argv: string[]): Promise<void> {
  try {
    const own = { ...pjson, oclif: { ...pjson.oclif, plugins: [], hooks: {} } };
    const config = await Config.load({ root, pjson: own as never });
    // The command's class from our own table (./commands.ts), where oclif's plugin would import its file by path;
    // marked as that plugin marks it (plugin.findCommand).
    const found = config.findCommand(id);
    const load = COMMANDS[id];
    const command = found &&
      load && {
        ...found,
        load: async () => {
          const { default: Command } = await load();
          const plugin = config.plugins.get(found.pluginName ?? pjson.name);
          return Object.assign(Command, { id, plugin, isESM: found.isESM, relativePath: found.relativePath });
        },
      };
    await config.runCommand(id, argv, command || null);
    await flush();
  } catch (err) {
    await handle(err as Error);
  }
}
