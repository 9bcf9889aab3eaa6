// Corpus rows of `aieffect run` (the harness and what each row asserts: ./corpus.ts), on the local use case of
// test/helpers/local-usecase.ts: `first` (Echo) feeds `second` (Step), each a real grpc-js service process that
// starts in a moment and is told through its x-aieffect env to fail, crash, hang, never turn ready or start a daemon.
// Every row also checks that no process of the case is left: the services, their children and their daemons carry
// the case's marker in their environment.
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
import { LOCAL_SERVICE, type LocalUseCaseOptions } from '../helpers/local-usecase.js';
import { corpus, type CaseContext } from './corpus.js';
import { localUseCase } from './fixtures.js';

/** The command that starts each service, as messages quote it. */
const COMMAND = `node ${JSON.stringify(LOCAL_SERVICE)}`;
/** What the first node returns: stdout's partial results when the second one fails. */
const FIRST_RESULT = { 'first1:Echo': { trail: ['first'], data: '>first', seq: '1', blob: '' } };

/** The local use case, each service told what to do through its env. */
const local =
  (options: LocalUseCaseOptions = {}) =>
  (ctx: CaseContext) =>
    void localUseCase(ctx, options);
const first = (env: Record<string, string>) => local({ env: { first: env } });
const second = (env: Record<string, string>) => local({ env: { second: env } });
const run = (...args: string[]) => ['run', 'local', ...args];

/** The lines `first`'s output ends with before its error: the daemon it started is among them. */
const daemonStarted = (_ctx: CaseContext, r: { stderr: string }) =>
  expect(r.stderr).toMatch(/^ {2}\| first: daemon \d+$/m);

corpus('run', [
  // The use case and the flags: refused before anything starts.
  { name: 'no such use case folder', args: ['run', 'nope'], exit: 1, message: 'nope: no such directory' },
  {
    name: 'a -f compose file that does not exist',
    setup: local(),
    args: run('-f', 'other.yaml'),
    exit: 1,
    message: '--file other.yaml: file not found',
  },
  {
    name: 'a service without x-aieffect',
    setup: local({ withoutLocal: ['second'] }),
    args: run(),
    exit: 1,
    message:
      'local/docker-compose.yml /services/second: no x-aieffect extension, so `aieffect run` cannot start service second',
  },
  {
    name: 'an x-aieffect.cwd that is no folder',
    setup: local({ cwd: { first: 'nowhere' } }),
    args: run(),
    exit: 1,
    message: 'local/docker-compose.yml /services/first/x-aieffect/cwd: "nowhere" is not a folder (local/nowhere)',
  },
  {
    name: '--address naming no container',
    setup: local(),
    args: run('--address', 'gamma1=localhost:1'),
    exit: 2,
    message: '--address gamma1: "gamma1" is not a container of the blueprint (containers: first1, second1)',
  },
  {
    name: '--wait-timeout that is no duration',
    setup: local(),
    args: run('--wait-timeout', 'long'),
    exit: 2,
    message: '--wait-timeout: "long" is not a duration (e.g. 30, 30s, 500ms, 2m, 1h)',
  },
  {
    name: '--input naming a node that is not a start node',
    setup: local(),
    args: run('--input', 'second1:Step={}', '-o', 'result.json'),
    exit: 2,
    message: '--input second1:Step: "second1:Step" is not a start node (start nodes: first1:Echo)',
  },
  {
    name: '--input with letters for an int64: no service started, the --output document written',
    setup: local(),
    args: run('--input', '{"seq": "abc"}', '-o', 'result.json'),
    exit: 1,
    message: '--input for "first1:Echo": field "seq" (int64): "abc" is not an integer',
    writes: ['result.json'],
    document: { status: 'failed', code: 'INVALID_INPUT' },
  },
  {
    name: '--input with a fraction for an int64',
    setup: local(),
    args: run('--input', '{"seq": 2.5}'),
    exit: 1,
    message: '--input for "first1:Echo": field "seq" (int64): 2.5 is not a whole number',
  },
  {
    name: '--input with a list for a string',
    setup: local(),
    args: run('--input', '{"data": ["a"]}'),
    exit: 1,
    message: '--input for "first1:Echo": field "data" (string): ["a"] is a list, not a string',
  },
  {
    name: '--input with an int64 out of range',
    setup: local(),
    args: run('--input', '{"seq": "99999999999999999999"}'),
    exit: 1,
    message:
      '--input for "first1:Echo": field "seq" (int64): "99999999999999999999" is out of range (-9223372036854775808 to 9223372036854775807)',
  },
  // --output and --report: checked before anything starts (exit 2).
  {
    name: '--output that is a folder',
    setup: local(),
    args: run('-o', 'local'),
    exit: 2,
    message: '--output local: is a folder, not a file',
  },
  {
    name: '--output in a folder that does not exist',
    setup: local(),
    args: run('-o', 'runs/result.json'),
    exit: 2,
    message: '--output runs/result.json: folder runs does not exist',
  },
  {
    name: '--output in a folder it may not write to',
    setup: (ctx) => {
      localUseCase(ctx);
      mkdirSync(join(ctx.dir, 'locked'));
      return { wrap: permissionDenied(join(ctx.dir, 'locked'), [ctx.dir]) };
    },
    args: run('-o', 'locked/result.json'),
    exit: 2,
    message: '--output locked/result.json: cannot write (permission denied)',
  },
  {
    name: '--output on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => {
      localUseCase(ctx);
      mkdirSync(join(ctx.dir, 'ro'));
      return { wrap: readOnlyFileSystem(join(ctx.dir, 'ro')) };
    },
    args: run('-o', 'ro/result.json'),
    exit: 2,
    message: '--output ro/result.json: cannot write (read-only file system)',
  },
  {
    name: '--output on a full file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => {
      localUseCase(ctx);
      mkdirSync(join(ctx.dir, 'full'));
      return { wrap: fullFileSystem(join(ctx.dir, 'full'), join(ctx.aside, 'listing')) };
    },
    args: run('-o', 'full/result.json'),
    exit: 2,
    message: '--output full/result.json: cannot write (no space left on the device)',
    check: (ctx) => expect(listed(join(ctx.aside, 'listing'))).toEqual([]),
  },
  {
    name: '--report in a folder that does not exist',
    setup: local(),
    args: run('--report', 'runs/report.html'),
    exit: 2,
    message: '--report runs/report.html: folder runs does not exist',
  },

  // The services' data folder.
  {
    name: '--data-dir that is a file',
    setup: (ctx) => (localUseCase(ctx), writeFileSync(join(ctx.dir, 'data'), 'a file')),
    args: run('--data-dir', 'data'),
    exit: 1,
    message: '--data-dir data: cannot create (it is a file, not a folder)',
  },
  {
    name: '--data-dir below a file',
    setup: (ctx) => (localUseCase(ctx), writeFileSync(join(ctx.dir, 'plain'), 'a file')),
    args: run('--data-dir', 'plain/data'),
    exit: 1,
    message: '--data-dir plain/data: cannot create (a part of the path is a file, not a folder)',
  },
  {
    name: '--data-dir in a folder it may not write to',
    setup: (ctx) => {
      localUseCase(ctx);
      mkdirSync(join(ctx.dir, 'locked'));
      return { wrap: permissionDenied(join(ctx.dir, 'locked'), [ctx.dir]) };
    },
    args: run('--data-dir', 'locked/data'),
    exit: 1,
    message: '--data-dir locked/data: cannot create (permission denied)',
  },
  {
    name: '--data-dir on a read-only file system',
    skip: mountFaultsUnavailable,
    setup: (ctx) => {
      localUseCase(ctx);
      mkdirSync(join(ctx.dir, 'ro'));
      return { wrap: readOnlyFileSystem(join(ctx.dir, 'ro')) };
    },
    args: run('--data-dir', 'ro/data'),
    exit: 1,
    message: '--data-dir ro/data: cannot create (read-only file system)',
  },

  // Services that fail: the run stops, --output (and --report) are written, the data folder made for the run goes.
  {
    name: 'a service that exits at start-up: the --output document written',
    setup: second({ EXIT_AT_START: '3' }),
    args: run('-o', 'result.json'),
    exit: 1,
    message: `service "second" exited with code 3 before it was ready (command: ${COMMAND})`,
    writes: ['result.json'],
    document: { status: 'failed', code: 'SERVICE_EXITED' },
    check: (_ctx, r) => expect(r.stderr).toContain('  | second: cannot start: told to fail\n'),
  },
  {
    name: 'a service that never turns ready: --output and --report written',
    setup: second({ HEALTH: 'NOT_SERVING' }),
    args: run('--wait-timeout', '15s', '-o', 'result.json', '--report', 'report.html'),
    exit: 1,
    message: 'service "second" was not ready within 15 s: its health status is NOT_SERVING',
    writes: ['result.json', 'report.html'],
    document: { status: 'failed', code: 'SERVICE_NOT_READY' },
  },
  {
    name: 'a service that dies mid-run: partial results printed, the --output document written',
    setup: second({ ON_CALL: 'crash' }),
    args: run('-o', 'result.json'),
    exit: 1,
    message: `service "second" exited with code 4 after it was ready (command: ${COMMAND})`,
    writes: ['result.json'],
    document: { status: 'failed', code: 'SERVICE_EXITED' },
    stdout: `${JSON.stringify(FIRST_RESULT, null, 2)}\n`,
  },
  {
    name: 'a node that fails: the --output document written',
    setup: first({ ON_CALL: 'fail' }),
    args: run('-o', 'result.json'),
    exit: 1,
    message: 'node "first1:Echo" failed: INVALID_ARGUMENT: told to fail',
    writes: ['result.json'],
    document: { status: 'failed', code: 'INVALID_ARGUMENT' },
    stdout: '{}\n',
  },
  {
    name: 'a call past --timeout, with still-running lines while it hangs',
    setup: first({ ON_CALL: 'hang' }),
    args: run('--timeout', '3s', '-o', 'result.json'),
    env: { AIEFFECT_STILL_RUNNING_MS: '500' },
    exit: 1,
    // grpc-js writes the timings and the peer into the details (not when the deadline passed before the call went out).
    message:
      /^node "first1:Echo" failed: DEADLINE_EXCEEDED: Deadline exceeded( after \d+(\.\d+)?s,.*remote_addr=127\.0\.0\.1:\d+)?$/,
    writes: ['result.json'],
    document: { status: 'failed', code: 'DEADLINE_EXCEEDED' },
    stdout: '{}\n',
    check: (_ctx, r) => expect(r.stderr).toMatch(/^still running: first1:Echo, \d+(\.\d+)? s$/m),
  },

  // Processes that left the service's process group are stopped too.
  {
    name: 'a service that started a setsid daemon: the daemon stopped too',
    setup: first({ SETSID_CHILD: '1', ON_CALL: 'fail' }),
    args: run(),
    exit: 1,
    message: 'node "first1:Echo" failed: INVALID_ARGUMENT: told to fail',
    stdout: '{}\n',
    check: daemonStarted,
  },
  {
    name: 'a setsid daemon that ignores SIGTERM: killed',
    setup: first({ SETSID_CHILD: 'stubborn', ON_CALL: 'fail' }),
    args: run(),
    exit: 1,
    message: 'node "first1:Echo" failed: INVALID_ARGUMENT: told to fail',
    stdout: '{}\n',
    check: daemonStarted,
  },
  {
    name: 'a service that dies mid-run leaving a setsid daemon',
    setup: local({ env: { first: { SETSID_CHILD: '1' }, second: { ON_CALL: 'crash' } } }),
    args: run(),
    exit: 1,
    message: `service "second" exited with code 4 after it was ready (command: ${COMMAND})`,
    stdout: `${JSON.stringify(FIRST_RESULT, null, 2)}\n`,
  },

  // Signals.
  {
    name: 'SIGINT during a call: cancelled, the --output document written',
    setup: first({ ON_CALL: 'hang' }),
    args: run('-o', 'result.json'),
    signal: { after: /^start first1:Echo$/m, send: 'SIGINT' },
    exit: 130,
    message: 'cancelled by SIGINT: 0 node(s) finished',
    writes: ['result.json'],
    document: { status: 'cancelled' },
    stdout: '{}\n',
  },
  {
    name: 'SIGTERM while the services start: cancelled, the --output document written',
    setup: second({ HEALTH: 'NOT_SERVING' }),
    args: run('-o', 'result.json'),
    signal: { after: /^launch second /m, send: 'SIGTERM' },
    exit: 143,
    message: 'cancelled by SIGTERM',
    writes: ['result.json'],
    document: { status: 'cancelled' },
  },

  // The command line.
  {
    name: 'an unknown flag',
    setup: local(),
    args: run('--keep-runing'),
    exit: 2,
    message: 'unknown flag: --keep-runing',
  },
  { name: 'no use case given', args: ['run'], exit: 2, message: 'missing required argument: use_case_dir' },
]);
