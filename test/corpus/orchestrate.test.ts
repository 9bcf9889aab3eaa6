// Corpus rows of `aieffect orchestrate` (the harness and what each row asserts: ./corpus.ts), against a real grpc-js
// server started here: alpha1:Echo answers, fails (data "fail") or never answers (data "hang"); beta1:Step answers.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import getPort from 'get-port';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  fullFileSystem,
  listed,
  mountFaultsUnavailable,
  permissionDenied,
  readOnlyFileSystem,
} from '../helpers/fs-faults.js';
import { grpcError, protosDir, startServer, step, type TestServer } from '../helpers/grpc.js';
import { corpus, type CaseContext } from './corpus.js';
import { editJson, exportPackage, write } from './fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer('echo.proto', {
    Echo: (req) => {
      if (req.data === 'fail') throw grpcError(grpc.status.INVALID_ARGUMENT, 'data "fail" is not accepted');
      if (req.data === 'hang') return new Promise(() => {});
      return step('a')(req);
    },
    Step: step('b'),
  });
});
afterAll(() => server.stop());

type Nodes = { nodes: { container_name: string; operation_signature_list: Record<string, unknown>[] }[] };

/** The echo chain at the live server. */
const live = (ctx: CaseContext) => void exportPackage(ctx, server.address);
/** A package of one node whose request has every kind of field (typed.proto). */
const typed = (ctx: CaseContext) =>
  void exportPackage(ctx, server.address, [{ container: 'typed1', proto: 'typed.proto', operations: { Take: [] } }]);
/** Renames the operation of the package's node `index` to Jump, which echo.proto does not have. */
function renameOperation(ctx: CaseContext, index: number): void {
  editJson(ctx, 'pkg/blueprint.json', (b) => {
    const signature = (b as Nodes).nodes[index]!.operation_signature_list[0]!.operation_signature;
    (signature as Record<string, string>).operation_name = 'Jump';
  });
}
const run = (...args: string[]) => ['orchestrate', 'pkg', '--no-progress', ...args];

corpus('orchestrate', [
  { name: 'no such export folder', args: ['orchestrate', 'nope'], exit: 1, message: 'nope: no such directory' },
  {
    name: 'a folder without blueprint.json',
    setup: (ctx) => mkdirSync(join(ctx.dir, 'pkg')),
    args: run(),
    exit: 1,
    message: 'pkg/blueprint.json: file not found',
  },
  {
    name: 'blueprint.json that is not JSON',
    setup: (ctx) => (live(ctx), write(ctx, 'pkg/blueprint.json', '{"nodes": ]')),
    args: run(),
    exit: 1,
    message: 'pkg/blueprint.json: invalid JSON at line 1, column 11: unexpected "]"',
  },
  {
    name: 'a node without container_name',
    setup: (ctx) => (
      live(ctx),
      editJson(
        ctx,
        'pkg/blueprint.json',
        (b) => delete (b as { nodes: Record<string, unknown>[] }).nodes[0]!.container_name,
      )
    ),
    args: run(),
    exit: 1,
    message: 'pkg/blueprint.json /nodes/0: missing required property "container_name"',
  },
  {
    name: 'a container missing from dockerinfo.json',
    setup: (ctx) => (
      live(ctx),
      editJson(ctx, 'pkg/dockerinfo.json', (d) => (d.docker_info_list as unknown[]).splice(0, 1))
    ),
    args: run(),
    exit: 1,
    message: 'pkg/dockerinfo.json: no entry for container "alpha1"',
  },
  {
    name: 'a proto with a syntax error',
    setup: (ctx) => (
      live(ctx),
      copyFileSync(join(protosDir, 'broken.proto'), join(ctx.dir, 'pkg/microservice/beta1.proto'))
    ),
    args: run(),
    exit: 1,
    message: "pkg/microservice/beta1.proto: invalid proto at line 4: illegal token 'name', '=' expected",
  },
  {
    name: 'a link to an operation its container does not have',
    setup: (ctx) => (live(ctx), renameOperation(ctx, 1)),
    args: run(),
    exit: 1,
    message:
      'pkg/blueprint.json /nodes/0/operation_signature_list/0/connected_to/0: operation "Step" is not an operation of container "beta1" (it has: Jump)',
  },
  {
    name: 'an operation the proto does not have',
    setup: (ctx) => (live(ctx), renameOperation(ctx, 0)),
    args: run(),
    exit: 1,
    message:
      'node "alpha1:Jump": operation "Jump" is not an rpc of pkg/microservice/alpha1.proto, which offers echo.Echo(Echo, Step)',
  },
  {
    name: 'links that form a cycle',
    setup: (ctx) => (
      live(ctx),
      editJson(ctx, 'pkg/blueprint.json', (b) => {
        (b as Nodes).nodes[1]!.operation_signature_list[0]!.connected_to = [
          { container_name: 'alpha1', operation_signature: { operation_name: 'Echo' } },
        ];
      })
    ),
    args: run(),
    exit: 1,
    message:
      'pkg/blueprint.json: the pipeline has a cycle without a streaming link: alpha1:Echo -> beta1:Step -> alpha1:Echo',
  },
  {
    name: 'a link to a node the blueprint does not have',
    setup: (ctx) => (
      live(ctx),
      editJson(ctx, 'pkg/blueprint.json', (b) => {
        (b as Nodes).nodes[1]!.operation_signature_list[0]!.connected_to = [
          { container_name: 'gamma1', operation_signature: { operation_name: 'Echo' } },
        ];
      })
    ),
    args: run(),
    exit: 1,
    message:
      'pkg/blueprint.json /nodes/1/operation_signature_list/0/connected_to/0: container "gamma1" is not a node of the blueprint (nodes: alpha1, beta1)',
  },
  {
    name: '--input that is not JSON',
    setup: live,
    args: run('--input', '{"data": }'),
    exit: 2,
    message: '--input: invalid JSON at line 1, column 10: unexpected "}"',
  },
  {
    name: '--input that is a list',
    setup: live,
    args: run('--input', '[1, 2]'),
    exit: 2,
    message: "--input: expected a JSON object (the request's fields by name)",
  },
  {
    name: '--input @file that does not exist',
    setup: live,
    args: run('--input', '@in.json'),
    exit: 1,
    message: 'in.json: file not found',
  },
  {
    name: '--input naming a node that is not a start node',
    setup: live,
    args: run('--input', 'beta1:Step={}'),
    exit: 2,
    message: '--input beta1:Step: "beta1:Step" is not a start node (start nodes: alpha1:Echo)',
  },
  {
    name: '--input with letters for an int64',
    setup: live,
    args: run('--input', '{"seq": "abc"}'),
    exit: 1,
    message: '--input for "alpha1:Echo": field "seq" (int64): "abc" is not an integer',
  },
  {
    name: '--input with a fraction for an int64',
    setup: live,
    args: run('--input', '{"seq": 1.5}'),
    exit: 1,
    message: '--input for "alpha1:Echo": field "seq" (int64): 1.5 is not a whole number',
  },
  {
    name: '--input with an object for a string',
    setup: live,
    args: run('--input', '{"data": {"x": 1}}'),
    exit: 1,
    message: '--input for "alpha1:Echo": field "data" (string): {"x":1} is an object, not a string',
  },
  {
    name: '--input with a string for a list',
    setup: live,
    args: run('--input', '{"trail": "x"}'),
    exit: 1,
    message: '--input for "alpha1:Echo": field "trail" (repeated string): "x" is a string, not a list',
  },
  {
    name: '--input with bytes that are not base64',
    setup: live,
    args: run('--input', '{"blob": "not base64!"}'),
    exit: 1,
    message: '--input for "alpha1:Echo": field "blob" (bytes): "not base64!" is not base64 text',
  },
  {
    name: '--input with an int32 out of range',
    setup: typed,
    args: run('--input', '{"n": 3000000000}'),
    exit: 1,
    message: '--input for "typed1:Take": field "n" (int32): 3000000000 is out of range (-2147483648 to 2147483647)',
  },
  {
    name: '--input with an unknown enum value',
    setup: typed,
    args: run('--input', '{"color": "BLUE"}'),
    exit: 1,
    message:
      '--input for "typed1:Take": field "color" (typed.Color): "BLUE" is not a value of the enum (COLOR_UNSPECIFIED=0, RED=1, GREEN=2)',
  },
  {
    name: '--input with two fields of one oneof',
    setup: typed,
    args: run('--input', '{"text": "a", "number": 1}'),
    exit: 1,
    message:
      '--input for "typed1:Take": field "number" (int32): 1 is given together with "text", but both belong to oneof "choice": give one',
  },
  {
    name: '--input of the wrong type still writes the --output document',
    setup: typed,
    args: run('--input', '{"limits": {"max": -1}}', '-o', 'result.json'),
    exit: 1,
    message: '--input for "typed1:Take": field "limits.max" (uint32): -1 is out of range (0 to 4294967295)',
    writes: ['result.json'],
    document: { status: 'failed', code: 'INVALID_INPUT' },
  },
  {
    name: '--address naming no container',
    setup: live,
    args: run('--address', 'gamma1=localhost:1'),
    exit: 2,
    message: '--address gamma1: "gamma1" is not a container of the blueprint (containers: alpha1, beta1)',
  },
  {
    name: '--address that is not host:port',
    setup: live,
    args: run('--address', 'alpha1=localhost'),
    exit: 2,
    message: '--address alpha1: "localhost" is not host:port',
  },
  {
    name: '--timeout that is no duration',
    setup: live,
    args: run('--timeout', 'soon'),
    exit: 2,
    message: '--timeout: "soon" is not a duration (e.g. 30, 30s, 500ms, 2m, 1h)',
  },
  {
    name: '--retries below zero',
    setup: live,
    args: run('--retries', '-1'),
    exit: 2,
    message: '--retries: Expected an integer greater than or equal to 0 but received: -1',
  },
  {
    name: '--concurrency of zero',
    setup: live,
    args: run('--concurrency', '0'),
    exit: 2,
    message: '--concurrency: Expected an integer greater than or equal to 1 but received: 0',
  },
  {
    name: '--output that is a folder (checked before anything runs)',
    setup: (ctx) => (live(ctx), mkdirSync(join(ctx.dir, 'runs'))),
    args: run('-o', 'runs'),
    exit: 2,
    message: '--output runs: is a folder, not a file',
  },
  {
    name: '--output in a folder that does not exist',
    setup: live,
    args: run('-o', 'runs/r.json'),
    exit: 2,
    message: '--output runs/r.json: folder runs does not exist',
  },
  {
    name: '--output with a name too long',
    setup: live,
    args: run('-o', `${'r'.repeat(256)}.json`),
    exit: 2,
    message: `--output ${'r'.repeat(256)}.json: cannot write (name too long)`,
  },
  {
    name: '--output in a folder it may not write to',
    setup: (ctx) => (
      live(ctx),
      mkdirSync(join(ctx.dir, 'locked')),
      { wrap: permissionDenied(join(ctx.dir, 'locked'), [ctx.dir]) }
    ),
    args: run('-o', 'locked/r.json'),
    exit: 2,
    message: '--output locked/r.json: cannot write (permission denied)',
  },
  {
    name: '--output on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => (live(ctx), mkdirSync(join(ctx.dir, 'ro')), { wrap: readOnlyFileSystem(join(ctx.dir, 'ro')) }),
    args: run('-o', 'ro/r.json'),
    exit: 2,
    message: '--output ro/r.json: cannot write (read-only file system)',
  },
  {
    name: '--output on a full file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => (
      live(ctx),
      mkdirSync(join(ctx.dir, 'full')),
      { wrap: fullFileSystem(join(ctx.dir, 'full'), join(ctx.aside, 'listing')) }
    ),
    args: run('-o', 'full/r.json'),
    exit: 2,
    message: '--output full/r.json: cannot write (no space left on the device)',
    check: (ctx) => expect(listed(join(ctx.aside, 'listing'))).toEqual([]),
  },
  {
    name: '--report that is a folder (checked before anything runs)',
    setup: (ctx) => (live(ctx), mkdirSync(join(ctx.dir, 'runs'))),
    args: run('--report', 'runs'),
    exit: 2,
    message: '--report runs: is a folder, not a file',
  },
  {
    name: '--report in a folder it may not write to',
    setup: (ctx) => (
      live(ctx),
      mkdirSync(join(ctx.dir, 'locked')),
      { wrap: permissionDenied(join(ctx.dir, 'locked'), [ctx.dir]) }
    ),
    args: run('--report', 'locked/report.html'),
    exit: 2,
    message: '--report locked/report.html: cannot write (permission denied)',
  },
  {
    name: '--report on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => (live(ctx), mkdirSync(join(ctx.dir, 'ro')), { wrap: readOnlyFileSystem(join(ctx.dir, 'ro')) }),
    args: run('--report', 'ro/report.html'),
    exit: 2,
    message: '--report ro/report.html: cannot write (read-only file system)',
  },
  {
    name: 'services that never answer: the --output document is still written',
    setup: async (ctx) => {
      ctx.values.port = String(await getPort({ host: '127.0.0.1' }));
      exportPackage(ctx, `127.0.0.1:${ctx.values.port}`);
    },
    args: run('--wait-timeout', '500ms', '-o', 'result.json'),
    exit: 1,
    message:
      'services not ready within 0.5 s: "alpha1" at 127.0.0.1:{port} (no connection), "beta1" at 127.0.0.1:{port} (no connection)',
    writes: ['result.json'],
    document: { status: 'failed', code: 'SERVICES_NOT_READY' },
  },
  {
    name: 'a node that fails: partial results printed and written',
    setup: live,
    args: run('--input', '{"data": "fail"}', '-o', 'result.json'),
    exit: 1,
    message: 'node "alpha1:Echo" failed: INVALID_ARGUMENT: data "fail" is not accepted',
    writes: ['result.json'],
    document: { status: 'failed', code: 'INVALID_ARGUMENT' },
    stdout: '{}\n',
  },
  {
    name: 'a call past --timeout',
    setup: live,
    args: run('--input', '{"data": "hang"}', '--timeout', '300ms', '-o', 'result.json'),
    exit: 1,
    // grpc-js writes the timings and the peer into the details (not when the deadline passed before the call went out).
    message:
      /^node "alpha1:Echo" failed: DEADLINE_EXCEEDED: Deadline exceeded( after \d+(\.\d+)?s,.*remote_addr=127\.0\.0\.1:\d+)?$/,
    writes: ['result.json'],
    document: { status: 'failed', code: 'DEADLINE_EXCEEDED' },
    stdout: '{}\n',
  },
  {
    name: 'SIGINT during a call: cancelled, the --output document written',
    setup: live,
    args: ['orchestrate', 'pkg', '--input', '{"data": "hang"}', '-o', 'result.json'],
    signal: { after: /^start alpha1:Echo$/m, send: 'SIGINT' },
    exit: 130,
    message: 'cancelled by SIGINT: 0 node(s) finished',
    writes: ['result.json'],
    document: { status: 'cancelled' },
    stdout: '{}\n',
  },
  {
    name: 'SIGTERM during a call: the same, exit 143',
    setup: live,
    args: ['orchestrate', 'pkg', '--input', '{"data": "hang"}', '-o', 'result.json'],
    signal: { after: /^start alpha1:Echo$/m, send: 'SIGTERM' },
    exit: 143,
    message: 'cancelled by SIGTERM: 0 node(s) finished',
    writes: ['result.json'],
    document: { status: 'cancelled' },
    stdout: '{}\n',
  },
  { name: 'an unknown flag', setup: live, args: run('--inptu', '{}'), exit: 2, message: 'unknown flag: --inptu' },
  { name: 'no export folder given', args: ['orchestrate'], exit: 2, message: 'missing required argument: export_dir' },
]);
