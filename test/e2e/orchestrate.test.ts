// `aieffect orchestrate` as users run it: the built CLI as a process against real grpc-js servers started here.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import getPort from 'get-port';
import { assertSchema } from '../../src/schema/validate.js';
import { listFiles, runCli, tempDir } from '../helpers/cli.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import { chainNodes, oneAddress, writePackage } from '../helpers/export-package.js';
import { gate, grpcError, protosDir, startServer, step, type Message, type TestServer } from '../helpers/grpc.js';
import { startCli } from '../helpers/local.js';

let server: TestServer;
let work: { dir: string; cleanup: () => void };

beforeAll(async () => {
  server = await startServer('echo.proto', {
    Echo: step('a'),
    Step: (req) => {
      if (req.data === 'fail>a') throw grpcError(grpc.status.INVALID_ARGUMENT, 'seq must be even');
      return step('b')(req);
    },
  });
});
afterAll(() => server.stop());

function chain(name = 'pkg'): string {
  const nodes = chainNodes('echo.proto', ['a:Echo', 'b:Step']);
  return writePackage(join(work.dir, name), { name: 'chain', nodes, addresses: oneAddress(nodes, server.address) });
}

describe('aieffect orchestrate', () => {
  beforeAll(() => {
    work = tempDir('aieffect-orch-e2e-');
  });
  afterAll(() => work.cleanup());

  it('runs a chain: results on stdout, progress lines on stderr, the run result in --output', async () => {
    chain();
    mkdirSync(join(work.dir, 'out'));
    const r = await runCli(
      ['orchestrate', 'pkg', '--input', '{"data": "x", "seq": 1}', '--output', 'out/result.json'],
      {
        cwd: work.dir,
      },
    );
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const expected = {
      'a:Echo': { data: 'x>a', seq: '2', trail: ['a'], blob: '' },
      'b:Step': { data: 'x>a>b', seq: '3', trail: ['a', 'b'], blob: '' },
    };
    expect(JSON.parse(r.stdout)).toEqual(expected);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('run: 2 nodes in 2 levels');
    expect(lines).toContain('start a:Echo');
    expect(lines.some((l) => /^done {2}b:Step \d+ ms$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^run succeeded in /);
    const doc = JSON.parse(readFileSync(join(work.dir, 'out/result.json'), 'utf8')) as {
      results: unknown;
      summary: { status: string; pipeline: string; nodes: Record<string, { status: string; attempts: number }> };
    };
    assertSchema('run-result', doc, 'result.json');
    expect(doc.results).toEqual(expected);
    expect(doc.summary).toMatchObject({
      pipeline: 'chain',
      status: 'succeeded',
      nodes: { 'a:Echo': { status: 'succeeded', attempts: 1 }, 'b:Step': { status: 'succeeded', attempts: 1 } },
    });
  });

  it('--json prints the run result document and no progress; --no-progress keeps stderr empty', async () => {
    chain();
    const json = await runCli(['orchestrate', 'pkg', '--json', '-i', 'a={"data":"j"}'], { cwd: work.dir });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const doc = expectJsonContract<{ results: Record<string, Message> }>('orchestrate', json.stdout);
    expect(doc.results['b:Step']!.data).toBe('j>a>b');
    const quiet = await runCli(['orchestrate', 'pkg', '--no-progress'], { cwd: work.dir });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    // No --input: the start node's request is all proto3 defaults.
    expect(JSON.parse(quiet.stdout)).toEqual({
      'a:Echo': { data: '>a', seq: '1', trail: ['a'], blob: '' },
      'b:Step': { data: '>a>b', seq: '2', trail: ['a', 'b'], blob: '' },
    });
  });

  it('reads --input from a file, per node', async () => {
    chain();
    writeFileSync(join(work.dir, 'in.json'), '{"data": "file", "seq": "41"}');
    const r = await runCli(['orchestrate', 'pkg', '--no-progress', '--input', 'a:Echo=@in.json'], { cwd: work.dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)['b:Step']).toMatchObject({ data: 'file>a>b', seq: '43' });
  });

  it('a node returning an error status: exit 1 naming node, status and details; partial results printed and written', async () => {
    chain();
    const r = await runCli(['orchestrate', 'pkg', '--no-progress', '-i', '{"data":"fail"}', '-o', 'failed.json'], {
      cwd: work.dir,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error node "b:Step" failed: INVALID_ARGUMENT: seq must be even\n' +
        "  hint: see the service's own logs for why it returned this status\n",
    );
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['a:Echo']);
    const doc = JSON.parse(readFileSync(join(work.dir, 'failed.json'), 'utf8')) as { summary: unknown };
    expect(doc.summary).toMatchObject({
      status: 'failed',
      error: { node: 'b:Step', code: 'INVALID_ARGUMENT', message: 'seq must be even', attempts: 1 },
    });
  });

  it('with --json a failure is {"error": ...} carrying the partial results', async () => {
    chain();
    const r = await runCli(['orchestrate', 'pkg', '--json', '-i', '{"data":"fail"}'], { cwd: work.dir });
    expect(r.code).toBe(1);
    const out = expectJsonContract<{ error: Record<string, unknown> }>('error', r.stdout);
    expect(out.error).toMatchObject({
      code: 'NODE_FAILED',
      message: 'node "b:Step" failed: INVALID_ARGUMENT: seq must be even',
      node: 'b:Step',
      status: 'INVALID_ARGUMENT',
      details: 'seq must be even',
      results: { 'a:Echo': { data: 'fail>a' } },
    });
  });
});

describe('aieffect orchestrate: input errors (exact message, exit code, nothing written but the --output document)', () => {
  let dir: string;
  let cleanup: () => void;
  afterEach(() => cleanup());

  async function fails(args: string[], code: number, message: string, prepare?: (pkgDir: string) => void) {
    ({ dir, cleanup } = tempDir('aieffect-orch-err-'));
    const nodes = chainNodes('echo.proto', ['a:Echo', 'b:Step']);
    const pkgDir = writePackage(join(dir, 'pkg'), { nodes, addresses: oneAddress(nodes, server.address) });
    prepare?.(pkgDir);
    const before = listFiles(dir);
    const r = await runCli(['orchestrate', 'pkg', '-o', 'result.json', ...args], { cwd: dir });
    expect(r.stderr.split('\n')[0]).toBe(`error ${message}`);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(server.calls.length).toBe(callsBefore);
    // A usage error (exit 2) ran nothing and writes nothing; anything else still gets its run result document.
    if (code === 2) return expect(listFiles(dir)).toEqual(before);
    expect(listFiles(dir)).toEqual([...before, 'result.json'].sort());
    const doc = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { summary: { error: unknown } };
    assertSchema('run-result', doc, 'result.json');
    expect(doc.summary).toMatchObject({ status: 'failed', error: { message } });
  }
  let callsBefore = 0;
  beforeAll(() => {
    callsBefore = server.calls.length;
  });

  it('no such folder', async () => {
    ({ dir, cleanup } = tempDir('aieffect-orch-err-'));
    const r = await runCli(['orchestrate', 'missing'], { cwd: dir });
    expect(r.stderr.split('\n')[0]).toBe('error missing: no such directory');
    expect(r.code).toBe(1);
  });

  it('--input that is not JSON', () =>
    fails(['--input', '{"data": }'], 2, '--input: invalid JSON at line 1, column 10: unexpected "}"'));

  it('--input naming a node that is not a start node', () =>
    fails(['--input', 'b:Step={}'], 2, '--input b:Step: "b:Step" is not a start node (start nodes: a:Echo)'));

  it('--input with a value of the wrong shape', () =>
    fails(
      ['--input', '{"trail": "x"}'],
      1,
      '--input for "a:Echo": field "trail" (repeated string): "x" is a string, not a list',
    ));

  it('--address naming no container', () =>
    fails(
      ['--address', 'zz=localhost:1'],
      2,
      '--address zz: "zz" is not a container of the blueprint (containers: a, b)',
    ));

  it('--address that is not host:port', () =>
    fails(['--address', 'a=localhost'], 2, '--address a: "localhost" is not host:port'));

  it('a proto with a syntax error', () =>
    fails([], 1, "pkg/microservice/b.proto: invalid proto at line 4: illegal token 'name', '=' expected", (p) =>
      copyFileSync(join(protosDir, 'broken.proto'), join(p, 'microservice/b.proto')),
    ));
});

describe('aieffect orchestrate: long calls', () => {
  it('plain progress says every interval which nodes are still running; --no-progress says nothing', async () => {
    let release = gate();
    const slow = await startServer('echo.proto', { Echo: async (req) => (await release.promise, step('a')(req)) });
    const { dir, cleanup } = tempDir('aieffect-orch-slow-');
    const untilCalled = async () => {
      while (slow.inFlight() === 0) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      writePackage(join(dir, 'pkg'), { nodes: chainNodes('echo.proto', ['a:Echo']), addresses: { a: slow.address } });
      const env = { AIEFFECT_STILL_RUNNING_MS: '100' };
      const cli = startCli(['orchestrate', 'pkg'], { cwd: dir, env });
      await cli.waitFor('stderr', /still running: a:Echo, \d+ ms\n(.*\n)*still running: a:Echo, /);
      release.open();
      const r = await cli.done;
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)['a:Echo']).toMatchObject({ data: '>a' });
      expect(r.stderr.slice(r.stderr.indexOf('done  a:Echo'))).not.toContain('still running');

      release = gate();
      const quiet = startCli(['orchestrate', 'pkg', '--no-progress'], { cwd: dir, env });
      await untilCalled();
      // Many intervals long: a still-running line would have shown by now.
      await new Promise((r) => setTimeout(r, 1000));
      release.open();
      const q = await quiet.done;
      expect(q.code).toBe(0);
      expect(q.stderr).toBe('');
    } finally {
      cleanup();
      await slow.stop();
    }
  });
});

describe('aieffect orchestrate: services', () => {
  it('a service that is not listening: the wait timeout names container and address', async () => {
    const { dir, cleanup } = tempDir('aieffect-orch-wait-');
    try {
      const port = await getPort({ host: '127.0.0.1' });
      writePackage(join(dir, 'pkg'), {
        nodes: [{ container: 'ghost', proto: 'echo.proto', operations: { Echo: [] } }],
        addresses: { ghost: `127.0.0.1:${port}` },
      });
      const r = await runCli(['orchestrate', 'pkg', '--wait-timeout', '500ms', '-o', 'r.json'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `error service not ready within 0.5 s: "ghost" at 127.0.0.1:${port} (no connection)\n`,
      );
      const doc = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { summary: unknown };
      assertSchema('run-result', doc, 'r.json');
      expect(doc).toMatchObject({
        results: {},
        summary: {
          pipeline: 'test-pipeline',
          status: 'failed',
          nodes: { 'ghost:Echo': { status: 'skipped', attempts: 0 } },
          error: {
            code: 'SERVICES_NOT_READY',
            message: `service not ready within 0.5 s: "ghost" at 127.0.0.1:${port} (no connection)`,
          },
        },
      });
    } finally {
      cleanup();
    }
  });
});
