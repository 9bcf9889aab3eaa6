// Writes oclif.manifest.json at build time, so that start-up reads one file instead of importing every command
// (the same thing `oclif manifest` does, without that package's large dependency tree).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
const commands = Object.keys(plugin.manifest.commands);
if (commands.length === 0) throw new Error('manifest: no commands found under dist/commands');
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), JSON.stringify(plugin.manifest, null, 2) + '\n');
process.stderr.write(`oclif.manifest.json: ${commands.length} commands (${commands.sort().join(', ')})\n`);
