import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPOSE_FILES, findComposeFile, ignoredComposeNote } from '../../src/usecase/compose.js';
import { tempDir } from '../helpers/cli.js';
import { userError } from '../helpers/user-error.js';

let tmp: { dir: string; cleanup: () => void };
afterEach(() => tmp.cleanup());

function folderWith(names: string[]): string {
  tmp = tempDir();
  const dir = join(tmp.dir, 'uc');
  mkdirSync(dir);
  for (const name of names) writeFileSync(join(dir, name), 'services: {}\n');
  return dir;
}

describe('findComposeFile', () => {
  it("follows Docker Compose's order: compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml", () => {
    expect(COMPOSE_FILES).toEqual(['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml']);
    for (let i = 0; i < COMPOSE_FILES.length; i++) {
      const present = COMPOSE_FILES.slice(i);
      const dir = folderWith([...present].reverse());
      const choice = findComposeFile(dir);
      expect(choice.path).toBe(join(dir, COMPOSE_FILES[i]!));
      expect(choice.ignored).toEqual(present.slice(1).map((n) => join(dir, n)));
      expect(ignoredComposeNote(choice) === undefined).toBe(present.length === 1);
      tmp.cleanup();
    }
    tmp = tempDir();
  });

  it('takes a given file as it is, whatever its name; refuses a folder or a missing file', () => {
    const dir = folderWith(['compose.yaml', 'other.yml']);
    expect(findComposeFile(dir, join(dir, 'other.yml'))).toEqual({ path: join(dir, 'other.yml'), ignored: [] });
    expect(userError(() => findComposeFile(dir, dir)).code).toBe('FILE_NOT_FOUND');
    expect(userError(() => findComposeFile(dir, join(dir, 'nope.yml'))).code).toBe('FILE_NOT_FOUND');
  });

  it('a folder without any of the names', () => {
    const err = userError(() => findComposeFile(folderWith(['compose.json'])));
    expect(err.message).toMatch(
      /: no compose file \(compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml\)$/,
    );
  });
});
