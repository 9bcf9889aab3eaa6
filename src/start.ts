// What bin/run.js starts. A command line that runs one of our commands goes straight to oclif's Config and the
// command's own bundle; `--version` is answered from package.json; everything else (help, topics, the plugins'
// commands, unknown commands) goes to oclif's execute, loaded only then. oclif's index (every module of @oclif/core,
// and its Node version check) is loaded by none of the first two, which is most of what starting took
// (issue 10: `aieffect --version` took 140 ms more than `node -e 0`).
import { readFileSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLine, userAgent, type ManifestCommand } from './cli/command-line.js';

interface PackageJson {
  name: string;
  version: string;
  oclif: Record<string, unknown>;
}

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

/** Runs `id` as oclif's main.run would (init hook, the command with its prerun and postrun hooks, finally hook). */
async function runCommand(root: string, pjson: PackageJson, id: string, argv: string[]): Promise<void> {
  // CommonJS modules imported dynamically: their exports are the default export (in Node and in esbuild's bundle).
  const [configModule, handleModule, flushModule] = await Promise.all([
    import('@oclif/core/config'),
    import('@oclif/core/handle'),
    import('@oclif/core/flush'),
  ]);
  const { Config } = configModule.default;
  const { handle } = handleModule.default;
  const { flush } = flushModule.default;
  try {
    // Our commands need none of the plugins: they add commands (help, autocomplete) and hooks for plugin installs only.
    const own = { ...pjson, oclif: { ...pjson.oclif, plugins: [] } };
    const config = await Config.load({ root, pjson: own as never });
    await config.runHook('init', { argv, id });
    let error: Error | undefined;
    try {
      await config.runCommand(id, argv);
    } catch (err) {
      error = err as Error;
      throw err;
    } finally {
      await config.runHook('finally', { argv, id, error, Command: config.findCommand(id) as never });
    }
    await flush();
  } catch (err) {
    await handle(err as Error);
  }
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
  return runCommand(root, pjson, line.id, line.argv);
}
