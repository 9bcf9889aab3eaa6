// Corpus rows of `aieffect build` (the harness and what each row asserts: ./corpus.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  fullFileSystem,
  listed,
  mountFaultsUnavailable,
  permissionDenied,
  readOnlyFileSystem,
} from '../helpers/fs-faults.js';
import { corpus } from './corpus.js';
import { edit, entries, useCase, write } from './fixtures.js';

corpus('build', [
  { name: 'no such use case folder', args: ['build', 'nope'], exit: 1, message: 'nope: no such directory' },
  {
    name: 'a use case without a compose file',
    setup: (ctx) => mkdirSync(join(ctx.dir, 'uc')),
    args: ['build', 'uc'],
    exit: 1,
    message: 'uc: no compose file (compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml)',
  },
  {
    name: 'a compose file that is not YAML',
    setup: (ctx) => (
      useCase(ctx),
      edit(ctx, 'uc/docker-compose.yml', (t) => t.replace('services:', 'services: [oops'))
    ),
    args: ['build', 'uc'],
    exit: 1,
    message: 'uc/docker-compose.yml: invalid YAML at line 4, column 19: missed comma between flow collection entries',
  },
  {
    name: 'a service name that would become shell syntax',
    setup: (ctx) => (
      useCase(ctx),
      edit(ctx, 'uc/docker-compose.yml', (t) => t.replace('  data-generator:', '  "a;rm -rf ~":'))
    ),
    args: ['build', 'uc'],
    exit: 1,
    message:
      'uc/docker-compose.yml /services/a;rm -rf ~0: service name "a;rm -rf ~" is not a valid Docker Compose service name (allowed: letters, digits, ".", "_" and "-")',
  },
  {
    name: 'a service name that gives an image name Docker refuses',
    setup: (ctx) => (
      useCase(ctx),
      edit(ctx, 'uc/docker-compose.yml', (t) => t.replace('  data-generator:', '  DataGen:'))
    ),
    args: ['build', 'uc'],
    exit: 1,
    message:
      'uc/docker-compose.yml /services/DataGen: service name "DataGen" gives the image name "uc-DataGen:latest", which is not a valid Docker image name (image names must be lowercase)',
  },
  {
    name: 'no service with a build section',
    setup: (ctx) => write(ctx, 'uc/docker-compose.yml', 'services:\n  cache:\n    image: redis:7\n'),
    args: ['build', 'uc'],
    exit: 1,
    message: 'uc/docker-compose.yml: no service has a build section, so there is nothing to build',
  },
  {
    name: 'a folder where the script goes',
    setup: (ctx) => (useCase(ctx), mkdirSync(join(ctx.dir, 'uc', 'build_and_tag.sh'))),
    args: ['build', 'uc'],
    exit: 1,
    message: 'uc/build_and_tag.sh: cannot write (is a folder)',
  },
  {
    name: 'a use case folder it may not write to',
    setup: (ctx) => ({ wrap: permissionDenied(useCase(ctx), [ctx.dir]) }),
    args: ['build', 'uc'],
    exit: 1,
    message: 'uc/build_and_tag.sh: cannot write (permission denied)',
  },
  {
    name: 'a use case on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => ({ wrap: readOnlyFileSystem(useCase(ctx)) }),
    args: ['build', 'uc'],
    exit: 1,
    message: 'uc/build_and_tag.sh: cannot write (read-only file system)',
  },
  {
    name: 'a use case on a full file system (nothing left on it either)',
    skip: mountFaultsUnavailable,
    setup: (ctx) => {
      // The tmpfs hides what it is mounted over: a copy of the use case goes onto it, inside the namespace.
      mkdirSync(join(ctx.dir, 'full'));
      return { wrap: fullFileSystem(join(ctx.dir, 'full'), join(ctx.aside, 'listing'), useCase(ctx)) };
    },
    args: ['build', 'full'],
    exit: 1,
    message: 'full/build_and_tag.sh: cannot write (no space left on the device)',
    check: (ctx) => expect(listed(join(ctx.aside, 'listing'))).toEqual(entries(join(ctx.dir, 'uc'))),
  },
  {
    name: 'an unknown flag',
    setup: (ctx) => void useCase(ctx),
    args: ['build', 'uc', '--rn'],
    exit: 2,
    message: 'unknown flag: --rn',
  },
  { name: 'no use case given', args: ['build'], exit: 2, message: 'missing required argument: use_case_dir' },
]);
