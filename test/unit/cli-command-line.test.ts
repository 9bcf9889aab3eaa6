// src/cli/command-line.ts answers, before oclif loads, what oclif's main.run would do with a command line: these
// tests hold it to oclif's own reading (normalizeArgv, the help flag, Config.userAgent) on the real package.
import { readFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { Config } from '@oclif/core';
import { normalizeArgv } from '@oclif/core/help';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandLine, userAgent, type ManifestCommand } from '../../src/cli/command-line.js';

const root = new URL('../..', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('oclif.manifest.json', root), 'utf8')) as {
  commands: Record<string, ManifestCommand>;
};

let config: Config;
beforeAll(async () => {
  config = await Config.load(new URL('bin/run.js', root).pathname);
});

const LINES = [
  ['export', 'examples/x', 'out'],
  ['export', 'examples/x', 'out', '--overwrite'],
  ['export', '--overwrite', 'examples/x', 'out'],
  ['compose', 'out', '-o', 'dc.yml'],
  ['compose', 'out', '--output=dc.yml'],
  ['run', 'examples/x', '--', '--help'],
  ['version'],
  ['version', '--json'],
  ['add', 'service', 'cleaner', '--lang', 'python'],
  ['add:service', 'cleaner'],
  ['add', 'service'],
  ['orchestrate', 'pkg', '--input', '{"a": 1}'],
  ['graph', 'service'],
];

describe('commandLine', () => {
  it.each(LINES)('reads %s as oclif does', (...argv: string[]) => {
    const [id, ...rest] = normalizeArgv(config, [...argv]);
    expect(commandLine(argv, manifest.commands)).toEqual({ id, argv: rest });
  });

  it.each([
    [[]], // oclif shows the root help
    [['export', '--help']],
    [['help', 'export']],
    [['add']], // a topic: oclif shows its help
    [['add', 'nothing']],
    [['exprt', 'x']], // unknown: oclif's command_not_found hook
    [['autocomplete', 'bash']], // a plugin's command
    [['version', 'extra']], // version takes no argument: oclif reads `version:extra`, not ours
    [['--json']],
  ])('leaves %j to oclif', (argv: string[]) => {
    expect(commandLine(argv, manifest.commands)).toBeUndefined();
  });

  it('still runs a command when --help comes after --', () => {
    expect(commandLine(['run', 'x', '--', '--help'], manifest.commands)).toEqual({
      id: 'run',
      argv: ['x', '--', '--help'],
    });
  });
});

describe('userAgent', () => {
  it("is oclif's Config.userAgent", () => {
    if (config.platform === 'wsl') return; // start.ts leaves --version to oclif there
    expect(userAgent(config.name, config.version, platform(), arch())).toBe(config.userAgent);
  });
});
