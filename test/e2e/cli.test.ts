// The CLI as a whole: help, version, and how usage mistakes are reported (exit 2, one line with a did-you-mean where
// one fits, no stack), as text and as {"error": ...} with --json.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { expectJsonContract } from '../helpers/json-contract.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const COMMANDS =
  'commands: add service, autocomplete, build, compose, export, graph, help, init, kube, orchestrate, run, version (aieffect help)';

/** Runs the CLI, expects a usage error (exit 2, nothing on stdout) and returns its stderr lines. */
async function usageError(args: string[]): Promise<string[]> {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  return r.stderr.trimEnd().split('\n');
}

describe('aieffect', () => {
  it("--version prints name and version: the line of the version command (oclif's user agent)", async () => {
    const [flag, command] = await Promise.all([runCli(['--version']), runCli(['version'])]);
    expect(flag.code).toBe(0);
    expect(flag.stderr).toBe('');
    expect(flag.stdout).toMatch(new RegExp(`^aieffect/${pkg.version.replace(/\./g, '\\.')} `));
    expect(flag.stdout).toBe(command.stdout);
  });

  it("keeps each command's compiled code in the user's cache folder (Node 20), and runs the same with it", async () => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'aieffect-xdg-'));
    try {
      const env = { XDG_CACHE_HOME: cacheHome, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined };
      const first = await runCli(['version', '--json'], { env });
      const second = await runCli(['version', '--json'], { env });
      for (const r of [first, second]) expect([r.code, r.stderr]).toEqual([0, '']);
      expect(second.stdout).toBe(first.stdout);
      const folder = join(cacheHome, 'aieffect', 'code-cache');
      if ('enableCompileCache' in module) {
        // Node 22.1+ caches the code itself, in its own folder.
        expect(existsSync(folder)).toBe(false);
      } else {
        const sum = readFileSync(join(repoRoot, 'dist', 'run-command.cjs.sha1'), 'utf8');
        expect(readdirSync(folder)).toEqual([`${sum}-version.bin`]);
      }
      const off = { XDG_CACHE_HOME: join(cacheHome, 'off'), NODE_DISABLE_COMPILE_CACHE: '1' };
      expect((await runCli(['version', '--json'], { env: off })).stdout).toBe(first.stdout);
      expect(existsSync(join(cacheHome, 'off'))).toBe(false);
    } finally {
      rmSync(cacheHome, { recursive: true, force: true });
    }
  });

  it('version is a command too: the same line, and its parts with --json', async () => {
    const [line, json] = await Promise.all([runCli(['version']), runCli(['version', '--json'])]);
    expect(line.code).toBe(0);
    expect(line.stdout).toBe(`aieffect/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
    expect(expectJsonContract('version', json.stdout)).toEqual({
      name: 'aieffect',
      version: pkg.version,
      node_version: process.versions.node,
      platform: process.platform,
      arch: process.arch,
    });
  });

  it('--help and `help` list every command; `help <command>` is `<command> --help`', async () => {
    const [flag, command] = await Promise.all([runCli(['--help']), runCli(['help'])]);
    expect(flag.code).toBe(0);
    expect(command.stdout).toBe(flag.stdout);
    for (const cmd of ['autocomplete', 'build', 'compose', 'export', 'help', 'kube', 'orchestrate', 'run', 'version'])
      expect(flag.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    const [exportFlag, exportHelp] = await Promise.all([runCli(['export', '--help']), runCli(['help', 'export'])]);
    expect(exportFlag.code).toBe(0);
    expect(exportFlag.stdout).toContain('$ aieffect export USE_CASE_DIR OUTPUT_DIR');
    expect(exportHelp.stdout).toBe(exportFlag.stdout);
  });

  it('an unknown command: did you mean, with its arguments and flags kept, exit 2', async () => {
    expect(await usageError(['exprot'])).toEqual([
      'error unknown command "exprot"',
      `  hint: did you mean \`aieffect export\`? ${COMMANDS}`,
    ]);
    expect(await usageError(['rnu', 'examples/x', '--input', '{"seed": 7}'])).toEqual([
      'error unknown command "rnu"',
      `  hint: did you mean \`aieffect run examples/x --input '{"seed": 7}'\`? ${COMMANDS}`,
    ]);
    expect(await usageError(['help', 'orchstrate'])).toEqual([
      'error unknown command "orchstrate"',
      `  hint: did you mean \`aieffect help orchestrate\`? ${COMMANDS}`,
    ]);
    expect(await usageError(['deploy', 'x'])).toEqual(['error unknown command "deploy"', `  hint: ${COMMANDS}`]);
    const json = await runCli(['rnu', 'x', '--json']);
    expect(json.code).toBe(2);
    expect(expectJsonContract('error', json.stdout)).toEqual({
      error: {
        code: 'UNKNOWN_COMMAND',
        message: 'unknown command "rnu"',
        hint: `did you mean \`aieffect run x --json\`? ${COMMANDS}`,
      },
    });
  });

  it('a misspelled flag: did you mean the flag of that command', async () => {
    expect(await usageError(['run', 'examples/x', '--inptu', '{}'])).toEqual([
      'error unknown flag: --inptu',
      '  hint: did you mean --input? see `aieffect run --help` for usage',
    ]);
    expect(await usageError(['orchestrate', 'x', '--no-progres', '--wiat-timeout=3'])).toEqual([
      'error unknown flags: --no-progres, --wiat-timeout',
      '  hint: did you mean --no-progress for --no-progres, --wait-timeout for --wiat-timeout? see `aieffect orchestrate --help` for usage',
    ]);
  });

  it('an extra argument is "unexpected argument", naming what the command takes', async () => {
    expect(await usageError(['build', 'a', 'b'])).toEqual([
      'error unexpected argument: "b"',
      '  hint: `aieffect build` takes 1 argument (use_case_dir); quote a value that has spaces; see `aieffect build --help` for usage',
    ]);
    expect(await usageError(['export', 'uc', 'out', 'my', 'package'])).toEqual([
      'error unexpected arguments: "my", "package"',
      '  hint: `aieffect export` takes 2 arguments (use_case_dir, output_dir); quote a value that has spaces; see `aieffect export --help` for usage',
    ]);
    expect(await usageError(['version', 'extra'])).toEqual([
      'error unexpected argument: "extra"',
      '  hint: `aieffect version` takes no arguments; see `aieffect version --help` for usage',
    ]);
  });

  it('a missing argument is a usage error naming it, as JSON with --json', async () => {
    const human = await runCli(['build']);
    expect(human.code).toBe(2);
    expect(human.stderr).toBe(
      'error missing required argument: use_case_dir\n  hint: see `aieffect build --help` for usage\n',
    );
    const json = await runCli(['build', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'USAGE',
        message: 'missing required argument: use_case_dir',
        hint: 'see `aieffect build --help` for usage',
      },
    });
  });

  it('an unknown flag nothing resembles: no guess, no stack trace', async () => {
    expect(await usageError(['compose', '.', '--bogus'])).toEqual([
      'error unknown flag: --bogus',
      '  hint: see `aieffect compose --help` for usage',
    ]);
  });

  it('a flag value its parser rejects is a usage error naming the flag', async () => {
    const r = await runCli(['orchestrate', '.', '--wait-timeout', '2x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error --wait-timeout: "2x" is not a duration (e.g. 30, 30s, 500ms, 2m, 1h)\n  hint: see `aieffect orchestrate --help` for usage\n',
    );
    const int = await runCli(['compose', '.', '--base-port', 'abc']);
    expect(int.code).toBe(2);
    expect(int.stderr).toBe(
      'error --base-port: Expected an integer but received: abc\n  hint: see `aieffect compose --help` for usage\n',
    );
  });
});
