// e2e: shell completion set up as the README says (`aieffect autocomplete bash|zsh`, then the printed line appended to
// the shell's rc file), then asked in the real shells: bash by calling the registered completion function with
// COMP_WORDS/COMP_CWORD as bash's programmable completion does, zsh by pressing TAB in an interactive zsh on a
// pseudo-terminal (test/helpers/zsh-complete.zsh).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot, runCli, tempDir } from '../helpers/cli.js';

let work: { dir: string; cleanup: () => void };
/** HOME of the shells and of aieffect (its cache folder is ~/.cache/aieffect). */
let home: string;
/** The folder the completions of file names are asked in. */
let cwd: string;
let env: Record<string, string | undefined>;

beforeAll(() => {
  work = tempDir('aieffect-completion-');
  home = join(work.dir, 'home');
  cwd = join(work.dir, 'project');
  const bin = join(work.dir, 'bin');
  for (const dir of [home, bin, join(cwd, 'energy'), join(cwd, 'energy-2'), join(cwd, 'out')]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(join(cwd, 'inputs.json'), '{}\n');
  writeFileSync(join(cwd, 'my input.json'), '{}\n');
  // `aieffect` on the PATH, as `npm install -g` puts it there.
  writeFileSync(join(bin, 'aieffect'), `#!/bin/sh\nexec '${process.execPath}' '${binPath}' "$@"\n`);
  chmodSync(join(bin, 'aieffect'), 0o755);
  env = {
    HOME: home,
    XDG_CACHE_HOME: undefined,
    AIEFFECT_CACHE_DIR: undefined,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    NO_COLOR: '1',
    NODE_ENV: undefined,
  };
});
afterAll(() => work.cleanup());

/** The first words of aieffect's commands (add service: add), with the plugins' help and autocomplete, sorted. */
function topLevel(): string[] {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, { hidden?: boolean }>;
  };
  const own = Object.entries(manifest.commands).flatMap(([id, c]) => (c.hidden ? [] : [id.split(':')[0]!]));
  const words = [...new Set([...own, 'help', 'autocomplete'])].sort();
  expect(words).toEqual(expect.arrayContaining(['add', 'export', 'run', 'version']));
  return words;
}

function shell(command: string, args: string[], input?: string): string {
  return execFileSync(command, args, {
    cwd,
    env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    encoding: 'utf8',
    input,
    timeout: 60_000,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

describe('bash', () => {
  let rc: string;
  beforeAll(async () => {
    const setup = await runCli(['autocomplete', 'bash'], { env, cwd });
    expect(setup.stderr).toContain('Building the autocomplete cache... done');
    expect(setup.stdout).toContain('printf "$(aieffect autocomplete script bash)" >> ~/.bashrc; source ~/.bashrc');
    // The README's line, run as written.
    shell('bash', ['--norc', '--noprofile', '-c', 'printf "$(aieffect autocomplete script bash)" >> ~/.bashrc']);
    rc = join(home, '.bashrc');
  }, 120_000);

  /** What bash completes for each line (the cursor at its end; '' as the last word: after a space). */
  function complete(...lines: string[][]): string[][] {
    const script = [
      'source ~/.bashrc',
      // As bash calls a `complete -F` function: the words of the line, the index of the word being completed.
      'ask() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=();',
      '  "$(complete -p aieffect | sed -E "s/.* -F ([^ ]+) .*/\\1/")" aieffect "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}";',
      '  printf "%s\\n" "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd "|"; }',
      ...lines.map((words) => `ask ${words.map((w) => `'${w}'`).join(' ')}`),
    ].join('\n');
    return shell('bash', ['--norc', '--noprofile', '-c', script])
      .split('\n')
      .slice(0, lines.length)
      .map((line) => (line === '' ? [] : line.split('|')));
  }

  it('the rc line sources the function aieffect wrote into its cache folder, which registers for aieffect', () => {
    expect(readFileSync(rc, 'utf8')).toContain(`${join(home, '.cache', 'aieffect', 'autocomplete', 'bash_setup')}`);
    const registered = shell('bash', ['--norc', '--noprofile', '-c', 'source ~/.bashrc; complete -p aieffect']);
    expect(registered.trim()).toBe('complete -F _aieffect_complete aieffect');
    // shellcheck reads the function as bash (SC2034: the tables are read inside the function, through a lookup).
    const fn = join(home, '.cache', 'aieffect', 'autocomplete', 'functions', 'bash', 'aieffect.bash');
    execFileSync('shellcheck', ['--shell=bash', fn], { encoding: 'utf8' });
  });

  it('commands, a topic’s commands, and commands after help', () => {
    expect(complete(['aieffect', ''], ['aieffect', 'r'], ['aieffect', 'add', ''], ['aieffect', 'help', 'a'])).toEqual([
      topLevel(),
      ['run'],
      ['service'],
      ['add', 'autocomplete'],
    ]);
    expect(complete(['aieffect', 'help', 'add', ''], ['aieffect', 'help', 'run', ''])).toEqual([['service'], []]);
  });

  it('file names for arguments, before and after flags', () => {
    expect(
      complete(
        ['aieffect', 'run', 'en'],
        ['aieffect', 'run', '--json', 'en'],
        ['aieffect', 'export', 'energy', 'o'],
        ['aieffect', 'add', 'service', 'x', '--use-case', 'energy-'],
        ['aieffect', 'run', 'energy', '--input', 'my'],
      ),
    ).toEqual([['energy', 'energy-2'], ['energy', 'energy-2'], ['out'], ['energy-2'], ['my input.json']]);
  });

  it('the flags of the command, wherever they are asked for', () => {
    expect(
      complete(
        ['aieffect', 'run', 'energy', '--in'],
        ['aieffect', 'run', 'energy', '--input', '{}', '--o'],
        ['aieffect', 'run', '--no-'],
        ['aieffect', 'add', 'service', 'x', '--'],
        ['aieffect', '-'],
        ['aieffect', 'help', '--'],
      ),
    ).toEqual([
      ['--input'],
      ['--output'],
      ['--no-build', '--no-progress'],
      ['--after', '--help', '--install', '--json', '--lang', '--no-install', '--use-case'],
      ['--help', '--version'],
      ['--help', '--nested-commands'],
    ]);
  });

  it('the values of flags and arguments with a fixed set, after a space or "="', () => {
    expect(
      complete(
        ['aieffect', 'graph', 'energy', '--format', ''],
        ['aieffect', 'graph', 'energy', '--format', '=', 's'],
        ['aieffect', 'graph', 'energy', '--format', '='],
        ['aieffect', 'init', 'x', '--lang', 'p'],
        ['aieffect', 'graph', 'energy', '--format', 'svg', ''],
        ['aieffect', 'graph', 'energy', '-o', 'ou'],
        ['aieffect', 'autocomplete', ''],
      ),
    ).toEqual([
      ['dot', 'mermaid', 'svg'],
      ['svg'],
      ['dot', 'mermaid', 'svg'],
      ['python'],
      ['energy', 'energy-2', 'inputs.json', 'my input.json', 'out'],
      ['out'],
      ['bash', 'powershell', 'zsh'],
    ]);
  });

  it('--refresh-cache writes the function again', async () => {
    const fn = join(home, '.cache', 'aieffect', 'autocomplete', 'functions', 'bash', 'aieffect.bash');
    writeFileSync(fn, '# stale\n');
    const refresh = await runCli(['autocomplete', '--refresh-cache'], { env, cwd });
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toBe('');
    expect(readFileSync(fn, 'utf8')).toContain('complete -F _aieffect_complete');
  });
});

describe('zsh', () => {
  beforeAll(async () => {
    const setup = await runCli(['autocomplete', 'zsh'], { env, cwd });
    expect(setup.stdout).toContain('printf "$(aieffect autocomplete script zsh)" >> ~/.zshrc; source ~/.zshrc');
    shell('bash', ['--norc', '--noprofile', '-c', 'printf "$(aieffect autocomplete script zsh)" >> ~/.zshrc']);
    expect(existsSync(join(home, '.cache', 'aieffect', 'autocomplete', 'functions', 'zsh', '_aieffect'))).toBe(true);
  }, 120_000);

  function complete(line: string): string[] {
    const helper = join(repoRoot, 'test', 'helpers', 'zsh-complete.zsh');
    return shell('zsh', ['-f', helper, join(home, '.zshrc'), line])
      .split('\n')
      .filter((l) => l !== '')
      .sort();
  }

  it('commands and a topic’s commands', () => {
    expect(complete('aieffect ')).toEqual(topLevel());
    expect(complete('aieffect add ')).toEqual(['service']);
  });

  it('file names for arguments, flags after an argument, values of a fixed set', () => {
    expect(complete('aieffect run en')).toEqual(['energy', 'energy-2']);
    expect(complete('aieffect run energy --inp')).toEqual(['--input']);
    expect(complete('aieffect graph energy --format ')).toEqual(['dot', 'mermaid', 'svg']);
  });
});
