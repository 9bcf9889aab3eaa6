// Kubernetes' naming rules and the mapping of blueprint names onto them: kept when they fit, mapped deterministically
// otherwise, distinct even when two names map alike, never longer than a DNS label.
import { describe, expect, it } from 'vitest';
import {
  dns1035LabelProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  mapLabels,
} from '../../src/deploy/kube/names.js';

const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

describe('name rules', () => {
  it.each(['a', 'data-generator1', 'x'.repeat(63)])('%s is a Service name', (name) => {
    expect(dns1035LabelProblem(name)).toBeUndefined();
  });

  it.each([
    ['data_generator1', 'allowed'],
    ['Data', 'allowed'],
    ['1st', 'allowed'],
    ['-a', 'allowed'],
    ['a-', 'allowed'],
    ['', 'allowed'],
    ['x'.repeat(64), 'longer than 63 characters'],
  ])('%s is not a Service name (%s)', (name, problem) => {
    expect(dns1035LabelProblem(name)).toContain(problem);
  });

  it('namespaces may start with a digit; subdomains may have dots', () => {
    expect(dns1123LabelProblem('1team')).toBeUndefined();
    expect(dns1123LabelProblem('team.a')).toContain('allowed');
    expect(dns1123SubdomainProblem('registry.credentials')).toBeUndefined();
    expect(dns1123SubdomainProblem('Registry')).toContain('allowed');
    expect(dns1123SubdomainProblem('a..b')).toContain('allowed');
    expect(dns1123SubdomainProblem('a'.repeat(254))).toBe('longer than 253 characters');
  });
});

describe('mapLabels', () => {
  it('keeps names that fit and maps the others: lowercase, other characters as "-", a leading digit prefixed', () => {
    const mapped = mapLabels(['sudoku-gui-stream1', 'data_generator1', 'Report Generator', '1st-stage', '$(id)']);
    expect(Object.fromEntries([...mapped].map(([k, v]) => [k, v.name]))).toEqual({
      'sudoku-gui-stream1': 'sudoku-gui-stream1',
      data_generator1: 'data-generator1',
      'Report Generator': 'report-generator',
      '1st-stage': 'n-1st-stage',
      '$(id)': 'id',
    });
    expect(mapped.get('sudoku-gui-stream1')!.reason).toBeUndefined();
    expect(mapped.get('data_generator1')!.reason).toContain('allowed: lowercase letters, digits and "-"');
  });

  it('gives two names that map alike distinct names, the same whatever their order', () => {
    const a = mapLabels(['data_gen', 'data-gen', 'Data.Gen']);
    const b = mapLabels(['Data.Gen', 'data-gen', 'data_gen']);
    expect([...a.values()].map((m) => m.name).sort()).toEqual([...b.values()].map((m) => m.name).sort());
    // The name that fits keeps itself; the mapped ones get a hash of their original.
    expect(a.get('data-gen')!.name).toBe('data-gen');
    expect(a.get('data_gen')!.name).toMatch(/^data-gen-[0-9a-f]{6}$/);
    expect(a.get('Data.Gen')!.name).toMatch(/^data-gen-[0-9a-f]{6}$/);
    expect(a.get('Data.Gen')!.name).not.toBe(a.get('data_gen')!.name);
    expect(a.get('data_gen')!.reason).toContain('"data-gen" is taken');
    expect(a.get('Data.Gen')!.name).toBe(b.get('Data.Gen')!.name);
  });

  it('cuts long names to 63 characters with a hash, keeping distinct names distinct', () => {
    const long1 = `${'model-'.repeat(12)}one`;
    const long2 = `${'model-'.repeat(12)}two`;
    const mapped = mapLabels([long1, long2]);
    const n1 = mapped.get(long1)!.name;
    const n2 = mapped.get(long2)!.name;
    for (const n of [n1, n2]) {
      expect(n.length).toBeLessThanOrEqual(63);
      expect(n).toMatch(RFC1035);
    }
    expect(n1).not.toBe(n2);
    expect(mapped.get(long1)!.reason).toBe('longer than 63 characters');
  });

  it('maps names with nothing usable to node-<hash>, and respects a smaller limit', () => {
    const mapped = mapLabels(['!!!', '???']);
    expect(mapped.get('!!!')!.name).toMatch(/^node-[0-9a-f]{6}$/);
    expect(mapped.get('!!!')!.name).not.toBe(mapped.get('???')!.name);
    const short = mapLabels(['energy-pipeline-for-the-whole-neighbourhood'], 20).get(
      'energy-pipeline-for-the-whole-neighbourhood',
    )!;
    expect(short.name).toMatch(/^energy-pipeli-[0-9a-f]{6}$/);
    expect(short.name.length).toBeLessThanOrEqual(20);
    expect(short.reason).toBe('longer than 20 characters');
  });
});
