// Golden files for the generators (compose files, build scripts): the expected output is committed beside this
// module and compared byte for byte. `UPDATE_GOLDEN=1 npx vitest run test/e2e/compose.test.ts` rewrites them instead;
// review the diff before committing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const goldenDir = fileURLToPath(new URL('.', import.meta.url));

/** Asserts that `actual` equals test/golden/<name>, or (with UPDATE_GOLDEN=1) writes it there. */
export function expectGolden(name: string, actual: string): void {
  const path = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${name} is missing: run the test with UPDATE_GOLDEN=1`);
  expect(actual, `differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, 'utf8'));
}
