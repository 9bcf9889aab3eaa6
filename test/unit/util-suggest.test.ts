import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/util/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and a swap of neighbours as one edit each', () => {
    expect(editDistance('run', 'run')).toBe(0);
    expect(editDistance('rnu', 'run')).toBe(1);
    expect(editDistance('buld', 'build')).toBe(1);
    expect(editDistance('exprot', 'export')).toBe(1);
    expect(editDistance('bogus', 'logs')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closest', () => {
  const commands = ['build', 'compose', 'export', 'help', 'orchestrate', 'run', 'version'];
  it('finds a typo of a command, not a word that is merely short', () => {
    expect(closest('rnu', commands)).toBe('run');
    expect(closest('orchstrat', commands)).toBe('orchestrate');
    expect(closest('deploy', commands)).toBeUndefined();
    expect(closest('x', commands)).toBeUndefined();
  });
  it('ignores the dashes of flags', () => {
    const flags = ['--input', '--logs', '--no-progress', '--output'];
    expect(closest('--inptu', flags)).toBe('--input');
    expect(closest('--no-progres', flags)).toBe('--no-progress');
    expect(closest('--bogus', flags)).toBeUndefined();
  });
});
