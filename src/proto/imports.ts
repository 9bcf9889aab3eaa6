// What a .proto file imports, read from its text without a full parse, and where an import lands inside an export
// package. `orchestrate` checks every import of a node's proto with this before the loader reads anything, so that a
// package never makes it read a file outside itself, and a missing or circular import is one line naming it.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath, isInside } from '../util/paths.js';

/** The source without // and /* *\/ comments (string contents aside, which a package or import line never has). */
export function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

/** The import paths of a proto's source, in order (plain, weak and public imports alike). */
export function importPaths(source: string): string[] {
  const out: string[] = [];
  for (const m of stripComments(source).matchAll(/\bimport\s+(?:weak\s+|public\s+)?(["'])([^"'\n]*)\1\s*;/g)) {
    out.push(m[2]!);
  }
  return out;
}

/** google/protobuf/*.proto: bundled with the loader, never read from the package. */
export function isWellKnownImport(importPath: string): boolean {
  return importPath.startsWith('google/protobuf/');
}

/**
 * Checks `file` and every import reachable from it against the package folder `root`, resolving as the runtime loader
 * does (the top proto's folder first, then the importing file's folder). Thrown (UserError, exit 1):
 * PROTO_IMPORT_OUTSIDE (the node's proto a link leading out, an import that leads out of the package, also through a
 * symlink), PROTO_IMPORT_MISSING (a file the package does not contain), PROTO_IMPORT_CYCLE (naming the cycle).
 * Returns every file reached: `file` and what it imports, directly or not (absolute paths, well-known imports aside).
 */
export function checkPackageImports(file: string, root: string): string[] {
  const includeDir = dirname(file);
  const realRoot = realpathSync(root);
  if (existsSync(file) && !isInside(realRoot, realpathSync(file))) {
    throw new UserError('PROTO_IMPORT_OUTSIDE', `${displayPath(file)}: is a link leading outside the package`, {
      file: displayPath(file),
      hint: 'a package is self-contained: replace the link by the file itself',
    });
  }
  const done = new Set<string>();
  const visit = (current: string, chain: string[]): void => {
    if (done.has(current)) return;
    let source: string;
    try {
      source = readFileSync(current, 'utf8');
    } catch {
      return; // the loader reports an unreadable file itself
    }
    for (const importPath of importPaths(source)) {
      if (isWellKnownImport(importPath)) continue;
      const shown = `${displayPath(current)} imports "${importPath}"`;
      const candidates = [resolve(includeDir, importPath), resolve(dirname(current), importPath)];
      const outside = candidates.find((c) => !isInside(root, c));
      const target = candidates.find((c) => isInside(root, c) && existsSync(c));
      if (target === undefined && outside !== undefined) {
        throw new UserError('PROTO_IMPORT_OUTSIDE', `${shown}, which leads outside the package`, {
          file: displayPath(current),
          hint: 'a package is self-contained: ship the imported file in microservice/ and import it by a path inside',
        });
      }
      if (target === undefined) {
        throw new UserError('PROTO_IMPORT_MISSING', `${shown}, which the package does not contain`, {
          file: displayPath(current),
          hint: `add ${importPath} to ${displayPath(includeDir)}/ (aieffect export ships every import), or ask the package's author for it`,
        });
      }
      if (!isInside(realRoot, realpathSync(target))) {
        throw new UserError('PROTO_IMPORT_OUTSIDE', `${shown}, which is a link leading outside the package`, {
          file: displayPath(current),
          hint: 'a package is self-contained: replace the link by the file itself',
        });
      }
      const stack = [...chain, current];
      const at = stack.indexOf(target);
      if (at >= 0) {
        const cycle = [...stack.slice(at), target].map((f) => displayPath(f));
        throw new UserError(
          'PROTO_IMPORT_CYCLE',
          `${displayPath(target)}: imports itself through ${cycle.join(' -> ')}`,
          {
            file: displayPath(target),
            hint: 'protoc refuses circular imports too: move what both need into a third file',
          },
        );
      }
      visit(target, stack);
    }
    done.add(current);
  };
  visit(file, []);
  return [...done];
}
