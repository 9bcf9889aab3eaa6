// Corpus rows of `aieffect compose` (the harness and what each row asserts: ./corpus.ts).
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
import { corpus } from './corpus.js';
import { editJson, exportPackage, write } from './fixtures.js';

type Nodes = { nodes: Record<string, unknown>[] };

corpus('compose', [
  { name: 'no such export folder', args: ['compose', 'nope'], exit: 1, message: 'nope: no such directory' },
  {
    name: 'a folder without blueprint.json',
    setup: (ctx) => mkdirSync(join(ctx.dir, 'pkg')),
    args: ['compose', 'pkg'],
    exit: 1,
    message: 'pkg/blueprint.json: file not found',
  },
  {
    name: 'blueprint.json that is not JSON',
    setup: (ctx) => (exportPackage(ctx), write(ctx, 'pkg/blueprint.json', '{"nodes": [')),
    args: ['compose', 'pkg'],
    exit: 1,
    message: 'pkg/blueprint.json: invalid JSON at line 1, column 12: unexpected end of input',
  },
  {
    name: 'a node without container_name',
    setup: (ctx) => (
      exportPackage(ctx),
      editJson(ctx, 'pkg/blueprint.json', (b) => delete (b as Nodes).nodes[0]!.container_name)
    ),
    args: ['compose', 'pkg'],
    exit: 1,
    message: 'pkg/blueprint.json /nodes/0: missing required property "container_name"',
  },
  {
    name: 'a node without image',
    setup: (ctx) => (
      exportPackage(ctx),
      editJson(ctx, 'pkg/blueprint.json', (b) => delete (b as Nodes).nodes[1]!.image)
    ),
    args: ['compose', 'pkg'],
    exit: 1,
    message: 'pkg/blueprint.json /nodes/1: node "beta1" has no image',
  },
  {
    name: 'an image name Docker refuses',
    setup: (ctx) => (
      exportPackage(ctx),
      editJson(ctx, 'pkg/blueprint.json', (b) => ((b as Nodes).nodes[0]!.image = '$(id)'))
    ),
    args: ['compose', 'pkg'],
    exit: 1,
    message:
      'pkg/blueprint.json /nodes/0/image: "$(id)" is not a valid Docker image name (allowed: lowercase letters, digits and the separators ".", "_", "-" between them, "/" between path parts, then an optional ":tag")',
  },
  {
    name: 'a node missing from dockerinfo.json',
    setup: (ctx) => (
      exportPackage(ctx),
      editJson(ctx, 'pkg/dockerinfo.json', (d) => (d.docker_info_list as unknown[]).splice(1, 1))
    ),
    args: ['compose', 'pkg'],
    exit: 1,
    message: 'pkg/dockerinfo.json /docker_info_list: no entry for container "beta1" (pkg/blueprint.json /nodes/1)',
  },
  {
    name: 'published ports past 65535',
    setup: (ctx) => void exportPackage(ctx),
    args: ['compose', 'pkg', '--base-port', '65535'],
    exit: 2,
    message: '--base-port 65535: 2 services need published ports 65535-65536, past 65535',
  },
  {
    name: 'a --base-port that is no port',
    setup: (ctx) => void exportPackage(ctx),
    args: ['compose', 'pkg', '--base-port', '70000'],
    exit: 2,
    message: '--base-port: Expected an integer less than or equal to 65535 but received: 70000',
  },
  {
    name: '--orchestrator-path without Dockerfile.orchestrator',
    setup: (ctx) => (exportPackage(ctx), mkdirSync(join(ctx.dir, 'orch'))),
    args: ['compose', 'pkg', '--orchestrator-path', 'orch'],
    exit: 1,
    message: '--orchestrator-path orch: no Dockerfile.orchestrator there',
  },
  {
    name: '--orchestrator-path and --orchestrator-image together',
    setup: (ctx) => void exportPackage(ctx),
    args: ['compose', 'pkg', '--orchestrator-path', '.', '--orchestrator-image', 'o:1'],
    exit: 2,
    message: '--orchestrator-image=o:1 cannot also be provided when using --orchestrator-path',
  },
  {
    name: 'an --output that is a folder',
    setup: (ctx) => (exportPackage(ctx), mkdirSync(join(ctx.dir, 'deploy'))),
    args: ['compose', 'pkg', '-o', 'deploy'],
    exit: 2,
    message: '--output deploy: is a folder, not a file',
  },
  {
    name: 'an --output below a file',
    setup: (ctx) => (exportPackage(ctx), writeFileSync(join(ctx.dir, 'plain'), 'x')),
    args: ['compose', 'pkg', '-o', 'plain/compose.yaml'],
    exit: 1,
    message: 'plain/data: cannot create (a part of the path is a file, not a folder)',
  },
  {
    name: 'an --output name too long',
    setup: (ctx) => void exportPackage(ctx),
    args: ['compose', 'pkg', '-o', `${'c'.repeat(256)}.yaml`],
    exit: 1,
    message: `${'c'.repeat(256)}.yaml: cannot write (name too long)`,
  },
  {
    name: 'an export folder it may not write to',
    setup: (ctx) => ({ wrap: permissionDenied(exportPackage(ctx), [ctx.dir]) }),
    args: ['compose', 'pkg'],
    exit: 1,
    message: 'pkg/data: cannot create (permission denied)',
  },
  {
    name: 'an export folder on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => ({ wrap: readOnlyFileSystem(exportPackage(ctx)) }),
    args: ['compose', 'pkg'],
    exit: 1,
    message: 'pkg/data: cannot create (read-only file system)',
  },
  {
    name: 'an --output on a full file system (nothing left on it, not even the data folder)',
    skip: mountFaultsUnavailable,
    setup: (ctx) => {
      exportPackage(ctx);
      mkdirSync(join(ctx.dir, 'full'));
      return { wrap: fullFileSystem(join(ctx.dir, 'full'), join(ctx.aside, 'listing')) };
    },
    args: ['compose', 'pkg', '-o', 'full/compose.yaml'],
    exit: 1,
    message: 'full/.env: cannot write (no space left on the device)',
    check: (ctx) => expect(listed(join(ctx.aside, 'listing'))).toEqual([]),
  },
]);
