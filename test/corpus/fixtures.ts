// What the corpus tables start from: a copy of the fixture use case (test/fixtures/usecases/energy_pipeline) as
// `uc`, a small export package of the echo proto as `pkg`, a local use case whose services start at once as `local`,
// and the edits that break exactly one thing in them.
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainNodes, oneAddress, writePackage, type PackageNode } from '../helpers/export-package.js';
import { writeLocalUseCase, type LocalUseCaseOptions } from '../helpers/local-usecase.js';
import { energyFixture } from '../helpers/usecase-fixture.js';
import type { CaseContext } from './corpus.js';

/** Copies the fixture use case to `<case>/uc`. */
export function useCase(ctx: CaseContext): string {
  const dir = join(ctx.dir, 'uc');
  cpSync(energyFixture, dir, { recursive: true });
  return dir;
}

/** Rewrites a file (relative to the case's folder) through `edit`. */
export function edit(ctx: CaseContext, rel: string, change: (text: string) => string): void {
  const path = join(ctx.dir, rel);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`edit: ${rel} unchanged`);
  writeFileSync(path, after);
}

/** Writes a file (relative to the case's folder), creating its folder. */
export function write(ctx: CaseContext, rel: string, text: string): void {
  mkdirSync(join(ctx.dir, rel, '..'), { recursive: true });
  writeFileSync(join(ctx.dir, rel), text);
}

/** The chain alpha1:Echo -> beta1:Step of the echo proto, every container at `address`. */
export function echoNodes(): PackageNode[] {
  return chainNodes('echo.proto', ['alpha1:Echo', 'beta1:Step']);
}

/** Writes an export package to `<case>/pkg` (default: the echo chain at `address`). */
export function exportPackage(ctx: CaseContext, address = '127.0.0.1:9', nodes = echoNodes()): string {
  return writePackage(join(ctx.dir, 'pkg'), { name: 'chain', nodes, addresses: oneAddress(nodes, address) });
}

/** Edits `<case>/pkg/<file>` as JSON. */
export function editJson(ctx: CaseContext, rel: string, change: (data: Record<string, unknown>) => void): void {
  const path = join(ctx.dir, rel);
  const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  change(data);
  writeFileSync(path, JSON.stringify(data, null, 2));
}

/** Writes the local use case (services that start at once) to `<case>/local`. */
export function localUseCase(ctx: CaseContext, options: LocalUseCaseOptions = {}): string {
  return writeLocalUseCase(join(ctx.dir, 'local'), options);
}

/** What fullFileSystem's listing says of a copy of `dir`: `./path` of every entry, sorted. */
export function entries(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((p) => `./${String(p)}`)
    .sort();
}
