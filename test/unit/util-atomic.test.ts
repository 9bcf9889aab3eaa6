// Atomic writes and their failures: one error naming the target as given and the reason in words, nothing left
// behind (no temporary sibling, no folder created for the target). The faults that need permissions or mounts are
// exercised through the CLI in test/e2e/fs-errors.test.ts; here the ones any machine can produce.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { makeDirs, writeDirAtomic, writeFileAtomic } from '../../src/util/atomic.js';
import { fileSystemError, fileSystemReason } from '../../src/util/fs-errors.js';
import { listFiles, tempDir } from '../helpers/cli.js';
import { userRejection } from '../helpers/usecase-fixture.js';
import { userError } from '../helpers/user-error.js';

const long = 'g'.repeat(300);
let work: ReturnType<typeof tempDir>;
afterEach(() => work.cleanup());
const fresh = () => (work = tempDir('aieffect-atomic-')).dir;

/** Every entry (files and folders) below `dir`. */
function entries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('writeFileAtomic', () => {
  it('writes the file, with its mode, and leaves no temporary sibling', () => {
    const dir = fresh();
    writeFileAtomic(join(dir, 'a', 'run.sh'), 'echo hi\n', { mode: 0o755 });
    expect(readFileSync(join(dir, 'a', 'run.sh'), 'utf8')).toBe('echo hi\n');
    expect(listFiles(dir)).toEqual(['a/run.sh']);
  });

  it('takes a name near the 255-byte limit (its temporary name is kept short)', () => {
    const dir = fresh();
    const name = `${'n'.repeat(250)}.json`;
    writeFileAtomic(join(dir, name), '{}');
    expect(listFiles(dir)).toEqual([name]);
  });

  it('a name too long: one error naming the label and the reason, nothing left, not even the folder it made', () => {
    const dir = fresh();
    const e = userError(() => writeFileAtomic(join(dir, 'new', 'deeper', long), 'x', { label: '--output x.json' }));
    expect(e.message).toBe('--output x.json: cannot write (name too long)');
    expect(e.exit).toBe(1);
    expect(e.code).toBe('FILE_SYSTEM_ERROR');
    expect(e.hint).toBe('use shorter names: most file systems allow 255 bytes per file or folder name');
    expect(e.details).toEqual({ path: '--output x.json', errno: 'ENAMETOOLONG', syscall: 'rename' });
    expect(entries(dir)).toEqual([]);
  });

  it('a file where a folder should be: the path named, nothing written', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'plain'), 'x');
    const e = userError(() => writeFileAtomic(join(dir, 'plain', 'out.json'), '{}', { label: 'plain/out.json' }));
    expect(e.message).toBe('plain/out.json: cannot create (a part of the path is a file, not a folder)');
    expect(listFiles(dir)).toEqual(['plain']);
  });
});

describe('writeDirAtomic', () => {
  it('a file of the package that cannot be written: the target and that file named, nothing left', async () => {
    const dir = fresh();
    const e = await userRejection(
      writeDirAtomic(join(dir, 'out', 'pkg'), false, (tmp) => {
        mkdirSync(join(tmp, 'microservice'));
        writeFileSync(join(tmp, 'blueprint.json'), '{}');
        writeFileSync(join(tmp, 'microservice', `${long}.proto`), 'syntax = "proto3";');
      }),
    );
    expect(e.message).toBe(
      `${join(dir, 'out', 'pkg')}: cannot write microservice/${'g'.repeat(40)}...${'g'.repeat(6)}.proto (name too long)`,
    );
    expect(entries(dir)).toEqual([]);
  });

  it('any other failure of fill passes through unchanged, and nothing is left either', async () => {
    const dir = fresh();
    const boom = new UserError('BOOM', 'no');
    await expect(
      writeDirAtomic(join(dir, 'pkg'), false, (tmp) => {
        writeFileSync(join(tmp, 'half'), 'x');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(entries(dir)).toEqual([]);
  });

  it('replaces an existing folder only once the new one is complete', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'pkg'));
    writeFileSync(join(dir, 'pkg', 'old'), 'x');
    await expect(
      writeDirAtomic(join(dir, 'pkg'), true, (tmp) => writeFileSync(join(tmp, long), 'x'), 'pkg'),
    ).rejects.toThrow(`pkg: cannot write ${'g'.repeat(40)}...${'g'.repeat(12)} (name too long)`);
    expect(listFiles(dir)).toEqual(['pkg/old']);
    await writeDirAtomic(join(dir, 'pkg'), true, (tmp) => writeFileSync(join(tmp, 'new'), 'y'));
    expect(listFiles(dir)).toEqual(['pkg/new']);
  });
});

describe('makeDirs', () => {
  it('returns the topmost folder it created, or undefined when it existed', () => {
    const dir = fresh();
    expect(makeDirs(join(dir, 'a', 'b'))).toBe(join(dir, 'a'));
    expect(makeDirs(join(dir, 'a', 'b'))).toBeUndefined();
  });
});

describe('fileSystemError', () => {
  it('leaves anything but a file-system error unchanged', () => {
    const err = new Error('not fs');
    expect(fileSystemError(err, 'x')).toBe(err);
  });

  it("names a rare errno in the system's words, never with the paths of its message", () => {
    const err = Object.assign(new Error("EXDEV: cross-device link not permitted, rename '/tmp/.x' -> '/mnt/x'"), {
      code: 'EXDEV',
      errno: -18,
      syscall: 'rename',
    });
    expect((fileSystemError(err, 'out') as UserError).message).toBe(
      'out: cannot write (cross-device link not permitted (EXDEV))',
    );
  });

  it('says the common reasons in words', () => {
    expect(['EACCES', 'ENOSPC', 'EROFS', 'ENAMETOOLONG', 'EDQUOT'].map(fileSystemReason)).toEqual([
      'permission denied',
      'no space left on the device',
      'read-only file system',
      'name too long',
      'disk quota exceeded',
    ]);
  });
});
