// SIGINT / SIGTERM in the middle of a run, through the built CLI: the call in flight is cancelled, the results of the
// nodes that finished are printed and written to --output, and the exit code is 130 / 143.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertSchema } from '../../src/schema/validate.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { chainNodes, oneAddress, writePackage } from '../helpers/export-package.js';
import { gate, startServer, type TestServer } from '../helpers/grpc.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function interrupted(signal: 'SIGINT' | 'SIGTERM') {
  let pid = 0;
  const never = gate();
  const server: TestServer = await startServer('echo.proto', {
    Echo: (req) => ({ ...req, data: `${String(req.data)}>a` }),
    // The second node's call is the moment to interrupt: the CLI is then mid-run with a call in flight.
    Step: async (req) => {
      process.kill(pid, signal);
      await never.promise;
      return req;
    },
  });
  cleanups.push(
    () => server.stop(),
    () => never.open(),
  );
  const { dir, cleanup } = tempDir('aieffect-signal-');
  cleanups.push(cleanup);
  const nodes = chainNodes('echo.proto', ['a:Echo', 'b:Step', 'c:Echo']);
  writePackage(join(dir, 'pkg'), { nodes, addresses: oneAddress(nodes, server.address) });
  const r = await runCli(['orchestrate', 'pkg', '-i', '{"data":"go"}', '-o', 'partial.json'], {
    cwd: dir,
    onSpawn: (p) => (pid = p),
  });
  const doc = JSON.parse(readFileSync(join(dir, 'partial.json'), 'utf8')) as {
    results: Record<string, unknown>;
    summary: { status: string; nodes: Record<string, unknown> };
  };
  return { r, doc, server };
}

describe('orchestrate: signals', () => {
  it('SIGINT mid-run: in-flight call cancelled, partial results written, exit 130', async () => {
    const { r, doc, server } = await interrupted('SIGINT');
    expect(r.code).toBe(130);
    assertSchema('run-result', doc, 'partial.json');
    expect(doc.results).toEqual({ 'a:Echo': { data: 'go>a', seq: '0', trail: [], blob: '' } });
    expect(doc.summary.status).toBe('cancelled');
    expect(doc.summary.nodes['b:Step']).toMatchObject({
      status: 'cancelled',
      attempts: 1,
      error: { code: 'CANCELLED' },
    });
    expect(doc.summary.nodes['c:Echo']).toEqual({
      status: 'skipped',
      attempts: 0,
      calls: 0,
      messages_in: 0,
      messages_out: 0,
    });
    expect(JSON.parse(r.stdout)).toEqual(doc.results);
    expect(r.stderr).toContain('SIGINT: cancelling the calls in flight (again to quit at once)\n');
    expect(r.stderr).toContain('cancelled by SIGINT: 1 node(s) finished\n');
    expect(server.calls.map((c) => c.rpc)).toEqual(['Echo', 'Step']);
  });

  it('SIGTERM mid-run: the same, exit 143', async () => {
    const { r, doc } = await interrupted('SIGTERM');
    expect(r.code).toBe(143);
    expect(doc.summary.status).toBe('cancelled');
    expect(Object.keys(doc.results)).toEqual(['a:Echo']);
  });
});
