// Docker's naming rules as the generators apply them: image references, service/container/project names, and which
// dockerinfo addresses can be network aliases.
import { describe, expect, it } from 'vitest';
import {
  addressKind,
  containerNameProblem,
  imageReferenceProblem,
  projectNameProblem,
  serviceNameProblem,
} from '../../src/deploy/docker-names.js';

describe('imageReferenceProblem', () => {
  it.each([
    'redis',
    'redis:7-alpine',
    'energy_pipeline-data-generator:latest',
    'cicd.ai4eu-dev.eu:7444/tutorials/sudoku:gui-1.5',
    'cicd.ai4eu-dev.eu:7444/tutorials/sudoku/ai4eu-sudoku:evaluator-1.5',
    'localhost:5000/team/app',
    'Registry.Example.com/app:V1.0',
    'a__b/c---d',
    `app@sha256:${'a'.repeat(64)}`,
    `app:1.0@sha256:${'0'.repeat(64)}`,
    '[::1]:5000/app',
  ])('accepts %s', (ref) => {
    expect(imageReferenceProblem(ref)).toBeUndefined();
  });

  it.each([
    ['', 'it is empty'],
    ['Foo', 'image names must be lowercase'],
    ['proj-DataGen:latest', 'image names must be lowercase'],
    ['a;rm -rf ~', 'allowed'],
    ['$(id)', 'allowed'],
    ['-app', 'allowed'],
    ['app-', 'allowed'],
    ['app:', 'allowed'],
    ['app:-tag', 'allowed'],
    ['a..b', 'allowed'],
    ['app:tag with space', 'allowed'],
    [`app:${'t'.repeat(129)}`, 'allowed'],
  ])('rejects %j', (ref, reason) => {
    expect(imageReferenceProblem(ref)).toContain(reason);
  });

  it('rejects a name longer than 255 characters', () => {
    expect(imageReferenceProblem(`${'a'.repeat(200)}/${'b'.repeat(60)}`)).toBe(
      'the name is longer than 255 characters',
    );
  });
});

describe('service, container and project names', () => {
  it('service names: letters, digits, . _ -', () => {
    for (const ok of ['data-generator', 'Data_Gen.1', '1', '_x']) expect(serviceNameProblem(ok)).toBeUndefined();
    for (const bad of ['a;rm -rf ~', '$(id)', 'a b', 'a/b', ''])
      expect(serviceNameProblem(bad)).toBe('allowed: letters, digits, ".", "_" and "-"');
  });

  it('container names: start with a letter or digit, at least two characters', () => {
    expect(containerNameProblem('sudoku-gui-stream1')).toBeUndefined();
    expect(containerNameProblem('data_generator1')).toBeUndefined();
    expect(containerNameProblem('a')).toBe('container names have at least 2 characters');
    expect(containerNameProblem('-ab')).toBe(
      'allowed: letters, digits, ".", "_" and "-", starting with a letter or digit',
    );
    expect(containerNameProblem('a;rm -rf ~')).toBe(
      'allowed: letters, digits, ".", "_" and "-", starting with a letter or digit',
    );
  });

  it('project names: lowercase, starting with a letter or digit', () => {
    expect(projectNameProblem('energy_pipeline')).toBeUndefined();
    expect(projectNameProblem('1-case')).toBeUndefined();
    expect(projectNameProblem('_case')).toBe('it must start with a lowercase letter or digit');
    expect(projectNameProblem('')).toBe('it is empty once characters other than a-z, 0-9, "_" and "-" are dropped');
  });
});

describe('addressKind', () => {
  it.each([
    ['data-generator', 'hostname'],
    ['svc_1.internal', 'hostname'],
    ['localhost', 'loopback'],
    ['LOCALHOST', 'loopback'],
    ['app.localhost', 'loopback'],
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.5', 'ip'],
    ['fe80::1', 'ip'],
    ['no such host', 'invalid'],
    ['-bad', 'invalid'],
    ['$(id)', 'invalid'],
    [`${'a'.repeat(64)}`, 'invalid'],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });
});
