// The CLI as a whole: help, version, and how usage mistakes are reported (exit 2, one line, no stack).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

describe('aieffect', () => {
  it('--version prints name and version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^aieffect/${pkg.version.replace(/\./g, '\\.')} `));
  });

  it('--help lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['build', 'compose', 'export', 'orchestrate', 'run'])
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
  });

  it('<command> --help shows the usage of that command', async () => {
    const r = await runCli(['export', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('$ aieffect export USE_CASE_DIR OUTPUT_DIR');
  });

  it('an unknown command is a usage error with a suggestion', async () => {
    const r = await runCli(['exprot']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error unknown command "exprot"\n  hint: did you mean "export"? commands: build, compose, export, orchestrate, run, version (aieffect --help)\n',
    );
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

  it('an unknown flag is a usage error without a stack trace', async () => {
    const r = await runCli(['compose', '.', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error Nonexistent flag: --bogus\n  hint: see `aieffect compose --help` for usage\n');
  });

  it('a flag value its parser rejects is a usage error naming the flag', async () => {
    const r = await runCli(['orchestrate', '.', '--wait-timeout', '2x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error --wait-timeout: "2x" is not a duration (e.g. 30, 30s, 500ms, 2m)\n  hint: see `aieffect orchestrate --help` for usage\n',
    );
    const int = await runCli(['compose', '.', '--base-port', 'abc']);
    expect(int.code).toBe(2);
    expect(int.stderr).toBe(
      'error --base-port: Expected an integer but received: abc\n  hint: see `aieffect compose --help` for usage\n',
    );
  });
});
