// Corpus rows of `aieffect init` and `aieffect add service` (the harness and what each row asserts: ./corpus.ts): a
// refused name or a file system that refuses a write leaves the folder as it was (init's new folder gone again, every
// file add service wrote or changed undone). --no-install throughout: npm is not what these rows are about.
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
import { entries, useCase } from './fixtures.js';

/** An empty folder `name` in the case's folder. */
const folder = (name: string) => (ctx: CaseContext) => mkdirSync(join(ctx.dir, name));
const init = (...args: string[]) => ['init', ...args, '--no-install'];
const add = (name: string, ...args: string[]) => ['add', 'service', name, '--use-case', 'uc', ...args, '--no-install'];

corpus('init', [
  {
    name: 'a folder that is not empty',
    setup: (ctx) => void useCase(ctx),
    args: init('uc'),
    exit: 1,
    message: 'uc: exists and is not empty (connections.json, docker-compose.yml, services)',
  },
  {
    name: 'a path that is a file',
    setup: (ctx) => writeFileSync(join(ctx.dir, 'plain'), 'a file'),
    args: init('plain'),
    exit: 1,
    message: 'plain: exists and is not a folder',
  },
  {
    name: 'a path below a file',
    setup: (ctx) => writeFileSync(join(ctx.dir, 'plain'), 'a file'),
    args: init('plain/new'),
    exit: 1,
    message: 'plain/new: cannot create (a part of the path is a file, not a folder)',
  },
  {
    name: 'a folder name Docker Compose cannot take as a project name',
    args: init('__x'),
    exit: 2,
    message:
      'use case folder "__x": its name gives the Docker Compose project name "__x", which is invalid: it must start with a lowercase letter or digit',
  },
  {
    name: 'a --name that is no pipeline name',
    args: init('new', '--name', 'my pipeline'),
    exit: 2,
    message: 'pipeline name "my pipeline": is not a valid pipeline name',
  },
  {
    name: 'a --lang it has no template for',
    args: init('new', '--lang', 'cobol'),
    exit: 2,
    message: 'Expected --lang=cobol to be one of: ts, python',
  },
  {
    name: 'a folder it may not write to',
    setup: (ctx) => (folder('locked')(ctx), { wrap: permissionDenied(join(ctx.dir, 'locked'), [ctx.dir]) }),
    args: init('locked/new'),
    exit: 1,
    message: 'locked/new: cannot create (permission denied)',
  },
  {
    name: 'a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => (folder('ro')(ctx), { wrap: readOnlyFileSystem(join(ctx.dir, 'ro')) }),
    args: init('ro/new'),
    exit: 1,
    message: 'ro/new: cannot create (read-only file system)',
  },
  {
    name: 'a full file system: the new folder gone again',
    skip: mountFaultsUnavailable,
    setup: (ctx) => (folder('full')(ctx), { wrap: fullFileSystem(join(ctx.dir, 'full'), join(ctx.aside, 'listing')) }),
    args: init('full/new'),
    exit: 1,
    message: 'full/new/README.md: cannot write (no space left on the device)',
    check: (ctx) => expect(listed(join(ctx.aside, 'listing'))).toEqual([]),
  },
  { name: 'no folder given', args: ['init'], exit: 2, message: 'missing required argument: dir' },
]);

corpus('add service', [
  {
    name: 'a --use-case folder that does not exist',
    args: ['add', 'service', 'cleaner', '--use-case', 'nowhere', '--no-install'],
    exit: 1,
    message: 'nowhere: no such directory',
  },
  {
    name: 'a name Docker image names cannot have',
    setup: (ctx) => void useCase(ctx),
    args: add('Cleaner'),
    exit: 2,
    message: 'service name "Cleaner": has uppercase letters, which Docker image names cannot have',
  },
  {
    name: 'a name the use case has already',
    setup: (ctx) => void useCase(ctx),
    args: add('data-generator'),
    exit: 2,
    message: 'service "data-generator": uc/docker-compose.yml has a service "data-generator"',
  },
  {
    name: '--after a service the pipeline does not have',
    setup: (ctx) => void useCase(ctx),
    args: add('cleaner', '--after', 'nope'),
    exit: 2,
    message: '--after nope: no service "nope" in the pipeline',
  },
  {
    name: 'a use case it may not write to',
    setup: (ctx) => ({ wrap: permissionDenied(useCase(ctx), [ctx.dir]) }),
    args: add('cleaner'),
    exit: 1,
    message: 'uc/services/cleaner/proto/cleaner.proto: cannot create (permission denied)',
  },
  {
    name: 'a use case on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => ({ wrap: readOnlyFileSystem(useCase(ctx)) }),
    args: add('cleaner'),
    exit: 1,
    message: 'uc/services/cleaner/proto/cleaner.proto: cannot create (read-only file system)',
  },
  {
    name: 'a use case on a full file system: every file it wrote undone',
    skip: mountFaultsUnavailable,
    setup: (ctx) => {
      // The tmpfs hides what it is mounted over: a copy of the use case goes onto it, inside the namespace.
      mkdirSync(join(ctx.dir, 'full'));
      return { wrap: fullFileSystem(join(ctx.dir, 'full'), join(ctx.aside, 'listing'), useCase(ctx)) };
    },
    args: ['add', 'service', 'cleaner', '--use-case', 'full', '--no-install'],
    exit: 1,
    message: 'full/services/cleaner/proto/cleaner.proto: cannot write (no space left on the device)',
    check: (ctx) => expect(listed(join(ctx.aside, 'listing'))).toEqual(entries(join(ctx.dir, 'uc'))),
  },
  { name: 'no name given', args: ['add', 'service'], exit: 2, message: 'missing required argument: name' },
]);
