// Resource lists (--requests, --limits) and per-container flag values, checked as the API server would check them.
import { describe, expect, it } from 'vitest';
import { parseTargeted, resolveTargeted } from '../../src/deploy/kube/per-container.js';
import { checkResources, parseResourceList, quantityValue } from '../../src/deploy/kube/resources.js';
import { userError } from '../helpers/user-error.js';

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['1e3', 1000],
    ['.5', 0.5],
  ])('%s is %d', (q, value) => {
    expect(quantityValue(q)).toBe(value);
  });

  it('anything else is not a number', () => {
    expect(quantityValue('1 Gi')).toBeNaN();
    expect(quantityValue('-1')).toBeNaN();
    expect(quantityValue('1gb')).toBeNaN();
  });
});

describe('parseResourceList', () => {
  it('reads name=quantity lists with standard, huge-page and vendor resources', () => {
    expect(parseResourceList('cpu=250m, memory=512Mi,nvidia.com/gpu=1,hugepages-2Mi=64Mi', '--limits x')).toEqual({
      cpu: '250m',
      memory: '512Mi',
      'nvidia.com/gpu': '1',
      'hugepages-2Mi': '64Mi',
    });
  });

  it.each([
    ['cpu', '--requests cpu: "cpu" is not name=quantity'],
    ['cpus=1', '--requests cpus=1: "cpus" is not a resource Kubernetes knows'],
    ['gpu=1', '--requests gpu=1: "gpu" is not a resource Kubernetes knows'],
    ['memory=1gb', '--requests memory=1gb: memory=1gb: "1gb" is not a Kubernetes quantity'],
    ['cpu=-1', '--requests cpu=-1: cpu=-1: "-1" is not a Kubernetes quantity'],
    [
      'nvidia.com/gpu=0.5',
      '--requests nvidia.com/gpu=0.5: nvidia.com/gpu=0.5: nvidia.com/gpu is counted in whole units',
    ],
    ['cpu=1,cpu=2', '--requests cpu=1,cpu=2: cpu is given twice'],
  ])('refuses %s', (text, message) => {
    const err = userError(() => parseResourceList(text, `--requests ${text}`));
    expect(err.message).toBe(message);
    expect(err.exit).toBe(2);
  });
});

describe('checkResources', () => {
  it('accepts requests within limits, and vendor resources as limits', () => {
    expect(() =>
      checkResources({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1024Mi' } }, 'm1'),
    ).not.toThrow();
    expect(() => checkResources({ limits: { 'nvidia.com/gpu': '1' } }, 'm1')).not.toThrow();
    expect(() =>
      checkResources({ requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } }, 'm1'),
    ).not.toThrow();
  });

  it('refuses a request above its limit, naming the container', () => {
    expect(
      userError(() => checkResources({ requests: { memory: '2Gi' }, limits: { memory: '1Gi' } }, 'model1')).message,
    ).toBe('--requests model1: memory=2Gi is more than its limit memory=1Gi');
  });

  it('refuses a GPU requested without a limit, or with a different one', () => {
    expect(userError(() => checkResources({ requests: { 'nvidia.com/gpu': '1' } }, 'm1')).message).toBe(
      '--requests m1: nvidia.com/gpu=1 without a limit; Kubernetes cannot overcommit nvidia.com/gpu',
    );
    expect(
      userError(() => checkResources({ requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '2' } }, 'm1'))
        .message,
    ).toBe('--requests m1: nvidia.com/gpu=1 differs from its limit 2; Kubernetes cannot overcommit nvidia.com/gpu');
  });
});

describe('per-container values', () => {
  const n = (v: string) => Number(v);

  it('splits [container=]value; with "=" in values, a container only when the first part has two', () => {
    expect(parseTargeted('3', n)).toEqual({ value: 3, text: '3' });
    expect(parseTargeted('m1=3', n)).toEqual({ container: 'm1', value: 3, text: 'm1=3' });
    expect(parseTargeted('cpu=1,memory=2Gi', (v) => v, true)).toEqual({
      value: 'cpu=1,memory=2Gi',
      text: 'cpu=1,memory=2Gi',
    });
    expect(parseTargeted('m1=cpu=1,memory=2Gi', (v) => v, true)).toEqual({
      container: 'm1',
      value: 'cpu=1,memory=2Gi',
      text: 'm1=cpu=1,memory=2Gi',
    });
  });

  it('gives each container its own value over the one for all (merged, for lists), and none to the rest', () => {
    const lists = [
      parseTargeted('cpu=1,memory=1Gi', (v) => parseResourceList(v, 'x'), true),
      parseTargeted('m2=memory=4Gi', (v) => parseResourceList(v, 'x'), true),
    ];
    const merged = resolveTargeted('--requests', lists, ['m1', 'm2'], (all, own) => ({ ...all, ...own }));
    expect(Object.fromEntries(merged)).toEqual({ m1: { cpu: '1', memory: '1Gi' }, m2: { cpu: '1', memory: '4Gi' } });
    const replicas = resolveTargeted('--replicas', [parseTargeted('m2=3', n)], ['m1', 'm2']);
    expect(Object.fromEntries(replicas)).toEqual({ m2: 3 });
  });

  it('refuses a container not in the blueprint, and a target given twice', () => {
    const unknown = userError(() => resolveTargeted('--replicas', [parseTargeted('m3=2', n)], ['m2', 'm1']));
    expect(unknown.message).toBe('--replicas m3=2: no container "m3" in the blueprint (containers: m1, m2)');
    expect(unknown.exit).toBe(2);
    const twice = userError(() =>
      resolveTargeted('--replicas', [parseTargeted('m1=2', n), parseTargeted('m1=3', n)], ['m1']),
    );
    expect(twice.message).toBe('--replicas m1=3: container "m1" is given twice');
    const allTwice = userError(() =>
      resolveTargeted('--probe', [parseTargeted('2', n), parseTargeted('3', n)], ['m1']),
    );
    expect(allTwice.message).toBe('--probe 3: a value for every container is given twice');
  });
});
