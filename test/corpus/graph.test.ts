// Corpus rows of `aieffect graph` (the harness and what each row asserts: ./corpus.ts): it reads a use case or an
// export package and writes nothing but its --output picture, so every row checks that nothing at all was written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  fullFileSystem,
  listed,
  mountFaultsUnavailable,
  permissionDenied,
  readOnlyFileSystem,
} from '../helpers/fs-faults.js';
import { corpus, type CaseContext } from './corpus.js';
import { edit, useCase } from './fixtures.js';

/** The fixture use case as `uc` and an empty folder `name` for the picture. */
const withFolder = (name: string) => (ctx: CaseContext) => (useCase(ctx), mkdirSync(join(ctx.dir, name)));

corpus('graph', [
  { name: 'no such folder', args: ['graph', 'nope'], exit: 1, message: 'nope: no such directory' },
  {
    name: 'a folder that is neither a use case nor a package',
    setup: (ctx) => mkdirSync(join(ctx.dir, 'empty')),
    args: ['graph', 'empty'],
    exit: 1,
    message:
      'empty: neither an export package (no blueprint.json) nor a use case (no compose file or connections.json)',
  },
  {
    name: 'connections.json with a syntax error',
    setup: (ctx) => (useCase(ctx), edit(ctx, 'uc/connections.json', (t) => t.replace('"name"', '"name" "x",'))),
    args: ['graph', 'uc'],
    exit: 1,
    message: 'uc/connections.json: invalid JSON at line 3, column 12: unexpected "\\"", expected ":"',
  },
  {
    name: 'a --format it does not draw',
    setup: (ctx) => void useCase(ctx),
    args: ['graph', 'uc', '--format', 'png'],
    exit: 2,
    message: 'Expected --format=png to be one of: mermaid, dot, svg',
  },
  {
    name: '--output that is a folder',
    setup: withFolder('out'),
    args: ['graph', 'uc', '-o', 'out'],
    exit: 1,
    message: '--output out: cannot write (is a folder)',
  },
  {
    name: '--output below a file',
    setup: (ctx) => (useCase(ctx), writeFileSync(join(ctx.dir, 'plain'), 'a file')),
    args: ['graph', 'uc', '-o', 'plain/pipeline.svg'],
    exit: 1,
    message: '--output plain/pipeline.svg: cannot create (a part of the path is a file, not a folder)',
  },
  {
    name: '--output with a name too long',
    setup: (ctx) => void useCase(ctx),
    args: ['graph', 'uc', '-o', `${'g'.repeat(256)}.mmd`],
    exit: 1,
    message: `--output ${'g'.repeat(256)}.mmd: cannot write (name too long)`,
  },
  {
    name: '--output in a folder it may not write to',
    setup: (ctx) => (withFolder('locked')(ctx), { wrap: permissionDenied(join(ctx.dir, 'locked'), [ctx.dir]) }),
    args: ['graph', 'uc', '-o', 'locked/pipeline.mmd'],
    exit: 1,
    message: '--output locked/pipeline.mmd: cannot write (permission denied)',
  },
  {
    name: '--output on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => (withFolder('ro')(ctx), { wrap: readOnlyFileSystem(join(ctx.dir, 'ro')) }),
    args: ['graph', 'uc', '-o', 'ro/pipeline.dot'],
    exit: 1,
    message: '--output ro/pipeline.dot: cannot write (read-only file system)',
  },
  {
    name: '--output on a full file system (nothing left on it)',
    skip: mountFaultsUnavailable,
    setup: (ctx) => (
      withFolder('full')(ctx),
      { wrap: fullFileSystem(join(ctx.dir, 'full'), join(ctx.aside, 'listing')) }
    ),
    args: ['graph', 'uc', '-o', 'full/pipeline.svg'],
    exit: 1,
    message: '--output full/pipeline.svg: cannot write (no space left on the device)',
    check: (ctx) => expect(listed(join(ctx.aside, 'listing'))).toEqual([]),
  },
  {
    name: 'an unknown flag',
    setup: (ctx) => void useCase(ctx),
    args: ['graph', 'uc', '--outptu', 'x'],
    exit: 2,
    message: 'unknown flag: --outptu',
  },
  { name: 'no folder given', args: ['graph'], exit: 2, message: 'missing required argument: dir' },
]);
