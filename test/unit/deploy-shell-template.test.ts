// The shell templates: quoting is checked by bash itself (each quoted word must come back byte for byte), and the
// template filler refuses placeholders without values and values without placeholders.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderShellTemplate, shellQuote, shellWord } from '../../src/deploy/shell-template.js';

const hostile = [
  'a;rm -rf ~',
  '$(id)',
  '`id`',
  "it's",
  "''",
  'a b\tc',
  'line\nbreak',
  '"$HOME"',
  '\\',
  '!event',
  '*',
  '',
  'ünïcödé',
];

/** What bash makes of `words` (already shell syntax): each resulting word, NUL-terminated. */
function bashWords(words: string): string[] {
  const res = spawnSync('bash', ['-c', `printf '%s\\0' ${words}`], { encoding: 'utf8' });
  expect(res.status).toBe(0);
  return res.stdout.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('gives bash exactly the value back, however hostile', () => {
    expect(bashWords(hostile.map(shellQuote).join(' '))).toEqual(hostile);
  });

  it('single-quotes, writing each quote as the four characters quote-backslash-quote-quote', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('$(id)')).toBe(`'$(id)'`);
  });
});

describe('shellWord', () => {
  it('leaves plain words bare and quotes the rest', () => {
    expect(shellWord('examples/energy_pipeline')).toBe('examples/energy_pipeline');
    expect(shellWord('my folder')).toBe(`'my folder'`);
    expect(bashWords(hostile.map(shellWord).join(' '))).toEqual(hostile);
  });
});

describe('renderShellTemplate', () => {
  it('substitutes strings as one word and lists as several', () => {
    const out = renderShellTemplate('name={{name}}\nlist=({{list}})\n', { name: '$(id)', list: ['a b', "c'd"] });
    expect(out).toBe(`name='$(id)'\nlist=('a b' 'c'\\''d')\n`);
    const res = spawnSync('bash', ['-c', `${out}printf '%s|' "$name" "\${list[@]}"`], { encoding: 'utf8' });
    expect(res.stdout).toBe("$(id)|a b|c'd|");
  });

  it('an empty list gives an empty array', () => {
    expect(renderShellTemplate('x=({{list}})', { list: [] })).toBe('x=()');
  });

  it('refuses a placeholder without value and a value without placeholder (bugs, not user errors)', () => {
    expect(() => renderShellTemplate('{{missing}}', {})).toThrow('template placeholder {{missing}} has no value');
    expect(() => renderShellTemplate('plain', { extra: 'x' })).toThrow('template has no placeholder for extra');
  });
});
