// writeDirAtomic's folder gets the mode a plain mkdir gives, not mkdtemp's private 0700: an export package is mounted
// into the orchestrator container, whose unprivileged user must be able to read it.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDirAtomic } from '../../src/util/atomic.js';
import { tempDir } from '../helpers/cli.js';

const tmp = tempDir('aieffect-atomic-');
afterAll(() => tmp.cleanup());

describe('writeDirAtomic', () => {
  it('leaves the folder with the mode mkdir gives it (0777 less the umask)', async () => {
    const plain = join(tmp.dir, 'plain');
    mkdirSync(plain);
    const target = join(tmp.dir, 'package');
    await writeDirAtomic(target, false, (dir) => writeFileSync(join(dir, 'blueprint.json'), '{}'));
    expect((statSync(target).mode & 0o777).toString(8)).toBe((statSync(plain).mode & 0o777).toString(8));
  });
});
