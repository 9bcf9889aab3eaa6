// Every command of aieffect by its oclif id, each imported only when it runs. oclif finds the same commands by their
// files (package.json "oclif.commands": ./dist/commands, listed in oclif.manifest.json) on its own paths (help, the
// plugins); ./run-command.ts takes them from here, so that its bundle (dist/run-command.cjs, scripts/bundle.mjs) holds
// every command. test/unit/cli-commands.test.ts checks this table against the manifest.
import type { Command } from '@oclif/core/command';

export const COMMANDS: Record<string, () => Promise<{ default: Command.Class }>> = {
  'add:service': () => import('../commands/add/service.js'),
  build: () => import('../commands/build.js'),
  compose: () => import('../commands/compose.js'),
  export: () => import('../commands/export.js'),
  graph: () => import('../commands/graph.js'),
  init: () => import('../commands/init.js'),
  kube: () => import('../commands/kube.js'),
  orchestrate: () => import('../commands/orchestrate.js'),
  run: () => import('../commands/run.js'),
  version: () => import('../commands/version.js'),
};
