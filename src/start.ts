// What bin/run.js starts. A command line that runs one of our commands goes straight to oclif's Config and the
// command's class (./cli/run-command.ts); `--version` is answered from package.json; everything else (help, topics,
// the plugins' commands, unknown commands) goes to oclif's execute, loaded only then. oclif's index (every module of
// @oclif/core, and its Node version check) is loaded by none of the first two, which is most of what starting took
// (issue 10: `aieffect --version` took 140 ms more than `node -e 0`).
import { readFileSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLine, userAgent, type ManifestCommand } from './cli/command-line.js';
import type { PackageJson } from './cli/run-command.js';

type RunCommandModule = typeof import('./cli/run-command.js');

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** oclif names Windows' Linux subsystem `wsl` in its user agent (wsl-utils); oclif answers there. */
function maybeWsl(): boolean {
  if (process.platform !== 'linux') return false;
  if (/microsoft/i.test(release())) return true;
  try {
    return /microsoft/i.test(readFileSync('/proc/version', 'utf8'));
  } catch {
    return false;
  }
}

async function oclif(binUrl: string, argv: string[]): Promise<void> {
  const { execute } = (await import('@oclif/core/execute')).default;
  await execute({ args: argv, dir: binUrl });
}

/**
 * The module that runs our commands (./cli/run-command.ts), bundled with every command into one CommonJS file whose
 * compiled code is cached between runs: by Node 22.1+ itself (bin/run.js turns its cache on), on Node 20 by
 * ./cli/code-cache.ts, one cache per command.
 */
async function runCommandModule(root: string, id: string): Promise<RunCommandModule> {
  const file = join(root, 'dist', 'run-command.cjs');
  if ((module as { enableCompileCache?: unknown }).enableCompileCache)
    return createRequire(file)(file) as RunCommandModule;
  const { requireWithCodeCache } = await import('./cli/code-cache.js');
  return requireWithCodeCache(file, id.replaceAll(':', '-')) as RunCommandModule;
}

export async function start(binUrl: string): Promise<void> {
  const argv = process.argv.slice(2);
  const root = fileURLToPath(new URL('..', binUrl));
  const pjson = readJson<PackageJson>(join(root, 'package.json'));
  const manifest = readJson<{ commands: Record<string, ManifestCommand> }>(join(root, 'oclif.manifest.json'));
  if (!pjson || !manifest) return oclif(binUrl, argv);
  if (argv[0] === '--version' && !maybeWsl()) {
    process.stdout.write(`${userAgent(pjson.name, pjson.version, platform(), arch())}\n`);
    return;
  }
  const line = commandLine(argv, manifest.commands);
  if (!line) return oclif(binUrl, argv);
  const { runCommand } = await runCommandModule(root, line.id);
  return runCommand(root, pjson, line.id, line.argv);
}
