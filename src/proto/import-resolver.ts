// Where `export` finds what a proto imports, and where the file goes in the package. A use case is exported as its
// authors wrote it: the original system keeps protos shared by several services in e.g. shared/proto/ and lets each
// Dockerfile copy them beside the service's own proto before compiling, so an import is looked up, in order:
//   1. in the importing file's folder, then in the service's proto folder (protoc's -I of the Dockerfiles);
//   2. in each --proto-path folder (repeatable, like protoc's -I);
//   3. in the use case itself: when exactly one file under it has the imported path, that one (said in a note);
//      when several do, an error listing them.
// Nothing outside the use case (and the --proto-path folders) is ever read into a package: a file reached through a
// symlink leading out is an error. In the package every import sits at the path the runtime loader resolves it to.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath, isInside } from '../util/paths.js';

/** Where imports may come from beyond the proto's own folder. */
export interface ImportSearch {
  /** The use case folder: the last place an import is looked for, and the bound of every file read. */
  useCaseDir?: string;
  /** --proto-path folders, in order. */
  protoPaths?: readonly string[];
}

export interface ResolvedImport {
  /** Absolute path of the imported file. */
  file: string;
  /** Where it sits in the package, relative to the service proto's folder, `/`-separated. */
  packagePath: string;
  /** Set when the file was found by searching the use case: one line saying which. */
  note?: string;
}

/** The .proto files of each searched use case, relative and `/`-separated, listed once per ImportSearch. */
const listings = new WeakMap<ImportSearch, string[]>();

const SKIPPED_DIRS = new Set(['node_modules']);

function listProtos(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      // Symlinked folders are not followed: the search stays inside the use case.
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.proto')) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

export class ImportResolver {
  private readonly bounds: string[];

  /** `rootDir`: the service proto's folder. Without a use case, files may come from that folder only. */
  constructor(
    private readonly rootDir: string,
    private readonly search: ImportSearch = {},
  ) {
    const dirs = search.useCaseDir !== undefined ? [search.useCaseDir, ...(search.protoPaths ?? [])] : [rootDir];
    this.bounds = dirs.map(real);
  }

  /**
   * Checks that `file` (after symlinks) lies in the use case or a --proto-path folder. Thrown: UserError
   * PROTO_IMPORT_OUTSIDE, `place` naming what led there.
   */
  checkInside(file: string, place: string, what: string): void {
    const target = real(file);
    if (this.bounds.some((b) => isInside(b, target))) return;
    const bound = this.search.useCaseDir !== undefined ? 'the use case' : displayPath(this.rootDir);
    throw new UserError('PROTO_IMPORT_OUTSIDE', `${place}: ${what} leads to ${displayPath(target)}, outside ${bound}`, {
      file: place.replace(/:\d+:\d+$/, ''),
      hint: 'a package holds only files of the use case (and of --proto-path folders): copy the file in, or give its folder with --proto-path',
    });
  }

  /**
   * Resolves `importPath` of the file `from` (itself at `fromPackagePath` in the package). `place` is how the import
   * statement is named in messages (`file:line:col`). Thrown: UserError PROTO_IMPORT_NOT_FOUND, PROTO_IMPORT_AMBIGUOUS,
   * PROTO_IMPORT_OUTSIDE.
   */
  resolve(from: string, fromPackagePath: string, importPath: string, place: string): ResolvedImport {
    const what = `import "${importPath}"`;
    const found = (file: string, packagePath: string, note?: string): ResolvedImport => {
      this.checkInside(file, place, what);
      return { file, packagePath: posix.normalize(packagePath), ...(note ? { note } : {}) };
    };
    const beside = resolve(dirname(from), importPath);
    const inRoot = resolve(this.rootDir, importPath);
    if (existsSync(beside)) {
      // protoc (-I of the service's proto folder) and the runtime loader take the one in the proto folder: two
      // different files would make the package describe another message than the one the service was built with.
      if (beside !== inRoot && existsSync(inRoot) && real(beside) !== real(inRoot)) {
        throw new UserError(
          'PROTO_IMPORT_AMBIGUOUS',
          `${place}: ${what} names two files: ${displayPath(beside)} (beside the importing file) and ${displayPath(inRoot)} (in the service's proto folder)`,
          {
            file: displayPath(from),
            hint: 'protoc would take the one in the proto folder: remove or rename the other, or import it by its path from the proto folder',
          },
        );
      }
      return found(beside, posix.join(posix.dirname(fromPackagePath), importPath));
    }
    if (existsSync(inRoot)) return found(inRoot, importPath);
    for (const dir of this.search.protoPaths ?? []) {
      const candidate = resolve(dir, importPath);
      if (existsSync(candidate)) return found(candidate, importPath);
    }
    const useCase = this.search.useCaseDir;
    const looked = [dirname(from), this.rootDir, ...(this.search.protoPaths ?? [])]
      .filter((d, i, all) => all.indexOf(d) === i)
      .map((d) => displayPath(d));
    if (useCase !== undefined) {
      let files = listings.get(this.search);
      if (!files) listings.set(this.search, (files = listProtos(useCase)));
      const matches = files.filter((f) => f === importPath || f.endsWith(`/${importPath}`));
      if (matches.length === 1) {
        const file = join(useCase, ...matches[0]!.split('/'));
        return found(
          file,
          importPath,
          `${place}: ${what} taken from ${displayPath(file)}, the only file of that path in the use case (shipped in the package)`,
        );
      }
      if (matches.length > 1) {
        throw new UserError(
          'PROTO_IMPORT_AMBIGUOUS',
          `${place}: ${what} is not in ${looked.join(', ')}, and ${matches.length} files of the use case have that path: ${matches.join(', ')}`,
          {
            file: displayPath(from),
            hint: `give the folder of the one to use with --proto-path, e.g. --proto-path ${displayPath(join(useCase, dirname(matches[0]!.split('/').join(sep))))}`,
          },
        );
      }
      looked.push('the use case');
    }
    throw new UserError('PROTO_IMPORT_NOT_FOUND', `${place}: ${what} not found (looked in ${looked.join(', ')})`, {
      file: displayPath(from),
      hint: 'put the file beside the proto, or give its folder with --proto-path (like protoc -I)',
    });
  }
}
