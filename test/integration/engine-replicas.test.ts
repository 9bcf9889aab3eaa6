// The engine against a service with several replicas behind one name, as a Kubernetes headless Service presents them:
// three real grpc-js servers on one port of 127.0.0.1, 127.0.0.2 and 127.0.0.3, and a host name that resolves to all
// three. The name is served by replacing Node's dns.promises.lookup for that one name (what grpc-js's dns resolver
// asks, as it would ask the cluster's DNS); everything else is real: resolver, round_robin policy, servers, calls.
import dns from 'node:dns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { executeRun, prepareRun } from '../../src/engine/index.js';
import { tempDir } from '../helpers/cli.js';
import { chainNodes, oneAddress, writePackage } from '../helpers/export-package.js';
import { startServer, step, type TestServer } from '../helpers/grpc.js';

const NAME = 'worker.replicas.test';
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Three servers of echo.proto's Step on the same port, one per loopback address (retried if that port is taken). */
async function replicas(): Promise<TestServer[]> {
  for (let attempt = 0; ; attempt++) {
    const first = await startServer('echo.proto', { Step: step('r1') }, { host: HOSTS[0] });
    cleanups.push(() => first.stop());
    try {
      const rest = [];
      for (const [i, host] of HOSTS.slice(1).entries()) {
        const s = await startServer('echo.proto', { Step: step(`r${i + 2}`) }, { host, port: first.port });
        cleanups.push(() => s.stop());
        rest.push(s);
      }
      return [first, ...rest];
    } catch (err) {
      if (attempt >= 4) throw err;
    }
  }
}

/** NAME resolves to every host in `hosts`; other names as usual. Returns the names grpc-js looked up. */
function serveName(hosts: string[]): string[] {
  const asked: string[] = [];
  const original = dns.promises.lookup.bind(dns.promises);
  vi.spyOn(dns.promises, 'lookup').mockImplementation(((hostname: string, options: dns.LookupAllOptions) => {
    asked.push(hostname);
    if (hostname === NAME) return Promise.resolve(hosts.map((address) => ({ address, family: 4 })));
    return original(hostname, options);
  }) as typeof dns.promises.lookup);
  return asked;
}

/** A chain of `count` Step nodes, every container at NAME:port (one replicated service). */
function chainPackage(count: number, port: number): string {
  const { dir, cleanup } = tempDir('aieffect-replicas-');
  cleanups.push(cleanup);
  const nodes = chainNodes(
    'echo.proto',
    Array.from({ length: count }, (_, i) => `w${i + 1}:Step`),
  );
  return writePackage(dir, { nodes, addresses: oneAddress(nodes, `${NAME}:${port}`) });
}

describe('engine: a replicated service behind one name', () => {
  it('spreads the calls over every replica (round_robin), not only the first address', async () => {
    const servers = await replicas();
    const asked = serveName(HOSTS);
    const prepared = prepareRun(chainPackage(12, servers[0]!.port));
    const result = await executeRun(prepared, { waitTimeoutMs: 10_000, input: { all: { data: 'x' } } }, () => {});

    expect(result.summary.status).toBe('succeeded');
    expect(asked).toContain(NAME);
    const counts = servers.map((s) => s.calls.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    for (const [i, count] of counts.entries()) expect(count, `calls reaching ${HOSTS[i]}`).toBeGreaterThan(0);
    // Each reply names the replica that served it: the trail shows the calls alternating between them.
    const trail = (result.results['w12:Step'] as { trail: string[] }).trail;
    expect(trail).toHaveLength(12);
    expect(new Set(trail)).toEqual(new Set(['r1', 'r2', 'r3']));
  });

  it('leaves out a replica that is gone: the run succeeds on the others', async () => {
    const servers = await replicas();
    await servers[2]!.stop();
    serveName(HOSTS);
    const prepared = prepareRun(chainPackage(8, servers[0]!.port));
    const result = await executeRun(prepared, { waitTimeoutMs: 10_000, input: { all: { data: 'x' } } }, () => {});

    expect(result.summary.status).toBe('succeeded');
    expect(servers[2]!.calls).toEqual([]);
    expect(servers[0]!.calls.length + servers[1]!.calls.length).toBe(8);
    expect(servers[0]!.calls.length).toBeGreaterThan(0);
    expect(servers[1]!.calls.length).toBeGreaterThan(0);
  });
});
