// The examples' own package-lock.json files: each declares what a copy of the example installs with `npm ci`. Every
// package they pin is one this repository's lock pins too (name and version, hence the same tarball), so the
// repository's `npm ci` leaves all of them in npm's cache: a copy installs offline (the e2e tests do, CI has no other
// network than npm's registry) and runs with the versions the tests ran.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

interface Lock {
  packages: Record<string, { version?: string; integrity?: string }>;
}

/** name@version -> integrity of every installed package of a lock (the root project itself left out). */
function pinned(file: string): Map<string, string | undefined> {
  const lock = JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as Lock;
  return new Map(
    Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .map(([path, p]) => [
        `${path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${p.version}`,
        p.integrity,
      ]),
  );
}

const EXAMPLE_LOCKS = [
  'examples/file_based_energy_pipeline/package-lock.json',
  'examples/polyglot_pipeline/services/sensor_source/package-lock.json',
];

describe("the examples' locks", () => {
  const root = pinned('package-lock.json');
  it.each(EXAMPLE_LOCKS)('%s pins only packages the repository pins, with the same integrity', (file) => {
    const own = pinned(file);
    expect(own.size).toBeGreaterThan(10);
    const foreign = [...own].filter(([id, integrity]) => root.get(id) !== integrity).map(([id]) => id);
    expect(
      foreign,
      'align these with the root package-lock.json (npm install --package-lock-only in the example)',
    ).toEqual([]);
  });
});
