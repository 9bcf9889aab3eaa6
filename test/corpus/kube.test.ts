// Corpus rows of `aieffect kube` (the harness and what each row asserts: ./corpus.ts).
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

const IMAGE_HINT =
  'allowed: lowercase letters, digits and the separators ".", "_", "-" between them, "/" between path parts, then an optional ":tag"';

corpus('kube', [
  { name: 'no such export folder', args: ['kube', 'nope'], exit: 1, message: 'nope: no such directory' },
  {
    name: 'blueprint.json that is not JSON',
    setup: (ctx) => (exportPackage(ctx), write(ctx, 'pkg/blueprint.json', '{"nodes": [')),
    args: ['kube', 'pkg'],
    exit: 1,
    message: 'pkg/blueprint.json: invalid JSON at line 1, column 12: unexpected end of input',
  },
  {
    name: 'a node without image',
    setup: (ctx) => (
      exportPackage(ctx),
      editJson(ctx, 'pkg/blueprint.json', (b) => delete (b as Nodes).nodes[1]!.image)
    ),
    args: ['kube', 'pkg'],
    exit: 1,
    message: 'pkg/blueprint.json /nodes/1: node "beta1" has no image',
  },
  {
    name: 'an image name Docker refuses',
    setup: (ctx) => (
      exportPackage(ctx),
      editJson(ctx, 'pkg/blueprint.json', (b) => ((b as Nodes).nodes[0]!.image = '$(id)'))
    ),
    args: ['kube', 'pkg'],
    exit: 1,
    message: `pkg/blueprint.json /nodes/0/image: "$(id)" is not a valid Docker image name (${IMAGE_HINT})`,
  },
  {
    name: 'a node missing from dockerinfo.json',
    setup: (ctx) => (
      exportPackage(ctx),
      editJson(ctx, 'pkg/dockerinfo.json', (d) => (d.docker_info_list as unknown[]).splice(1, 1))
    ),
    args: ['kube', 'pkg'],
    exit: 1,
    message: 'pkg/dockerinfo.json /docker_info_list: no entry for container "beta1" (pkg/blueprint.json /nodes/1)',
  },
  {
    name: '--replicas naming no container',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '--replicas', 'gamma1=2'],
    exit: 2,
    message: '--replicas gamma1=2: no container "gamma1" in the blueprint (containers: alpha1, beta1)',
  },
  {
    name: 'zero replicas',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '--replicas', '0'],
    exit: 2,
    message: '--replicas 0: expected [container=]N, N a whole number from 1',
  },
  {
    name: 'a namespace Kubernetes refuses',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '--namespace', 'Bad_NS'],
    exit: 2,
    message:
      '--namespace "Bad_NS": not a valid Kubernetes name (allowed: lowercase letters, digits and "-", starting and ending with a letter or digit)',
  },
  {
    name: 'a pull secret Kubernetes refuses',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '--image-pull-secret', 'a b'],
    exit: 2,
    message:
      '--image-pull-secret "a b": not a valid Kubernetes name (allowed: lowercase letters, digits, "-" and ".", each "."-separated part starting and ending with a letter or digit)',
  },
  {
    name: 'an orchestrator image Docker refuses',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '--orchestrator-image', '$(id)'],
    exit: 2,
    message: `--orchestrator-image "$(id)": not a valid image name (${IMAGE_HINT})`,
  },
  {
    name: 'a storage size of 0',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '--storage-size', '0'],
    exit: 2,
    message: '--storage-size "0": not a Kubernetes quantity above 0',
  },
  {
    name: 'a limit that is no quantity',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '--limits', 'cpu=lots'],
    exit: 2,
    message: '--limits cpu=lots: cpu=lots: "lots" is not a Kubernetes quantity',
  },
  {
    name: 'a request above its limit',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '--requests', 'memory=2Gi', '--limits', 'memory=1Gi'],
    exit: 2,
    message: '--requests alpha1: memory=2Gi is more than its limit memory=1Gi',
  },
  {
    name: 'a probe kind that does not exist',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '--probe', 'http'],
    exit: 2,
    message: '--probe http: expected [container=]tcp|grpc|none',
  },
  {
    name: 'an --output that is a file',
    setup: (ctx) => (exportPackage(ctx), writeFileSync(join(ctx.dir, 'plain'), 'x')),
    args: ['kube', 'pkg', '-o', 'plain'],
    exit: 2,
    message: '--output plain: is a file; kube writes a folder',
  },
  {
    name: 'an --output folder kube did not write',
    setup: (ctx) => (exportPackage(ctx), write(ctx, 'mine/notes.txt', 'mine\n')),
    args: ['kube', 'pkg', '-o', 'mine'],
    exit: 1,
    message: 'mine: exists and was not written by `aieffect kube`; it is replaced as a whole, so it is left alone',
  },
  {
    name: 'an --output below a file',
    setup: (ctx) => (exportPackage(ctx), writeFileSync(join(ctx.dir, 'plain'), 'x')),
    args: ['kube', 'pkg', '-o', 'plain/k8s'],
    exit: 1,
    message: 'plain/k8s: cannot create (a part of the path is a file, not a folder)',
  },
  {
    name: 'an --output name too long',
    setup: (ctx) => void exportPackage(ctx),
    args: ['kube', 'pkg', '-o', 'k'.repeat(256)],
    exit: 1,
    message: `${'k'.repeat(256)}: cannot write (name too long)`,
  },
  {
    name: 'an export folder it may not write to',
    setup: (ctx) => ({ wrap: permissionDenied(exportPackage(ctx), [ctx.dir]) }),
    args: ['kube', 'pkg'],
    exit: 1,
    message: 'pkg/kubernetes: cannot write (permission denied)',
  },
  {
    name: 'an export folder on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => ({ wrap: readOnlyFileSystem(exportPackage(ctx)) }),
    args: ['kube', 'pkg'],
    exit: 1,
    message: 'pkg/kubernetes: cannot write (read-only file system)',
  },
  {
    name: 'an --output on a full file system (nothing left on it)',
    skip: mountFaultsUnavailable,
    setup: (ctx) => {
      exportPackage(ctx);
      mkdirSync(join(ctx.dir, 'full'));
      return { wrap: fullFileSystem(join(ctx.dir, 'full'), join(ctx.aside, 'listing')) };
    },
    args: ['kube', 'pkg', '-o', 'full/k8s'],
    exit: 1,
    message: 'full/k8s: cannot write (no space left on the device)',
    check: (ctx) => expect(listed(join(ctx.aside, 'listing'))).toEqual([]),
  },
]);
