// Copies of the energy_pipeline fixture use case for tests that need a broken variant: each test copies the good
// fixture into a temporary folder and breaks exactly one thing, so every bad input differs from a known-good one.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { UserError } from '../../src/errors.js';
import { repoRoot, tempDir } from './cli.js';

export const energyFixture = join(repoRoot, 'test', 'fixtures', 'usecases', 'energy_pipeline');

/** The files of the fixture's export package, in the order the export lists them. */
export const ENERGY_EXPORT_FILES = [
  'blueprint.json',
  'dockerinfo.json',
  'generation_metadata.json',
  'microservice/common/types.proto',
  'microservice/data_analyzer1.proto',
  'microservice/data_generator1.proto',
  'microservice/report_generator1.proto',
];

export interface UseCaseCopy {
  /** The temporary folder holding the copy (and room for an output folder beside it). */
  root: string;
  /** The copy: <root>/energy_pipeline, so image names stay energy_pipeline-<service>:latest. */
  dir: string;
  cleanup: () => void;
}

export function copyUseCase(): UseCaseCopy {
  const { dir: root, cleanup } = tempDir('aieffect-usecase-');
  const dir = join(root, 'energy_pipeline');
  cpSync(energyFixture, dir, { recursive: true });
  return { root, dir, cleanup };
}

/** A copier for one test file: each copy is removed after the test that made it. */
export function useCaseCopies(): () => UseCaseCopy {
  const made: UseCaseCopy[] = [];
  afterEach(() => made.splice(0).forEach((c) => c.cleanup()));
  return () => {
    const c = copyUseCase();
    made.push(c);
    return c;
  };
}

/** The UserError `promise` rejects with (userError in ./user-error.ts is the synchronous one). */
export async function userRejection(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

/** Rewrites a file of the copy through `edit` (given and returning its text). */
export function editFile(dir: string, relPath: string, edit: (text: string) => string): void {
  const path = join(dir, relPath);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`editFile: ${relPath} unchanged`);
  writeFileSync(path, after);
}

export interface Connection {
  from_service: string;
  from_method: string;
  to_service: string;
  to_method: string;
}

/** Replaces the connections of the copy's connections.json. */
export function setConnections(dir: string, connections: Connection[]): void {
  const path = join(dir, 'connections.json');
  const data = JSON.parse(readFileSync(path, 'utf8')) as { pipeline: { connections: Connection[] } };
  data.pipeline.connections = connections;
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

export const GENERATE = {
  from_service: 'data-generator',
  from_method: 'GenerateData',
  to_service: 'data-analyzer',
  to_method: 'AnalyzeData',
};
export const ANALYZE = {
  from_service: 'data-analyzer',
  from_method: 'AnalyzeData',
  to_service: 'report-generator',
  to_method: 'GenerateReport',
};
