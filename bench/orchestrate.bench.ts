// The engine measured side by side (issue 3's targets). Method:
// - Services: grpc-js echo servers in a child process (bench/support/echo-servers.ts), each answering after a fixed
//   delay, so they never share the measuring event loop.
// - Ratios are engine-level and in-process: bench/support/measure.mjs, a plain `node` process, loads the built engine
//   (dist/) and times `executeRun` of a prepared package (channels, readiness wait, scheduling, calls; preparing is
//   not timed) against a baseline in the same process, interleaved after a warm-up.
//   chain10.*: the baseline makes the same 10 calls directly with grpc-js (one client per stage, waitForReady, each
//   output passed as the next request). chain10.*.floor (not a target): that baseline with one bare health round trip
//   to each stage in place of waitForReady (bench/support/health-floor.mjs), against the same baseline: the least a
//   readiness check that asks every service's health before the first call adds to the chain. fanout64: baseline = 200 ms, the time of one node (and, as an extra figure,
//   the same 64 calls sent at once directly with grpc-js). uneven: baseline = the DAG's critical path (the sum of
//   delays along its longest chain).
// - plan.10000_nodes, plan.100000_nodes: a fresh `node` process loads the built engine and times prepareRun + planOf
//   on a generated package of 10,000 (100,000) operations (2,000 (20,000) containers x 5 rpcs, protos shared through
//   proto_uri); rss after.
// Each figure is the median of several runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chainNodes, writePackage, type PackageNode } from '../test/helpers/export-package.js';
import { startServers, stopServers } from './support/servers.js';
import { median, round, type BenchResult } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function tempPackage(nodes: PackageNode[], addresses: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aieffect-bench-'));
  return writePackage(dir, { name: 'bench', nodes, addresses });
}

interface Measured {
  engine: number[];
  direct: number[];
  floor: number[];
}

/** Runs bench/support/measure.mjs on a package (see the method above). */
function measure(
  spec: { mode: 'chain' | 'fanout' | 'run'; dir: string; runs: number } & Record<string, unknown>,
): Measured {
  const r = spawnSync(process.execPath, [join(root, 'bench/support/measure.mjs'), JSON.stringify(spec)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`measure.mjs failed: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as Measured;
}

async function chain10(size: number, id: string, runs: number): Promise<BenchResult[]> {
  const servers = await startServers(Array.from({ length: 10 }, () => 0));
  const addresses = servers.ports.map((p) => `127.0.0.1:${p}`);
  const names = addresses.map((_, i) => `stage${i}`);
  const nodes = chainNodes(
    'echo.proto',
    names.map((c) => `${c}:Echo`),
  );
  const dir = tempPackage(nodes, Object.fromEntries(names.map((c, i) => [c, addresses[i]!])));
  let m: Measured;
  try {
    m = measure({ mode: 'chain', dir, runs, addresses, size });
  } finally {
    await stopServers(servers);
    rmSync(dir, { recursive: true, force: true });
  }
  const value = median(m.engine);
  const baseline = median(m.direct);
  const floor = median(m.floor);
  return [
    {
      id,
      value: round(value, 1),
      unit: 'ms',
      baseline: round(baseline, 1),
      ratio: round(value / baseline),
      target: '<= 1.1',
    },
    {
      id: id.replace(/\.ratio$/, '.floor.ratio'),
      value: round(floor, 1),
      unit: 'ms',
      baseline: round(baseline, 1),
      ratio: round(floor / baseline),
    },
  ];
}

async function fanout64(): Promise<BenchResult[]> {
  const servers = await startServers([200]);
  const address = `127.0.0.1:${servers.ports[0]}`;
  const nodes = Array.from({ length: 64 }, (_, i) => ({
    container: `n${i}`,
    proto: 'echo.proto',
    operations: { Echo: [] },
  }));
  const dir = tempPackage(nodes, Object.fromEntries(nodes.map((n) => [n.container, address])));
  let m: Measured;
  try {
    m = measure({ mode: 'fanout', dir, runs: 7, addresses: [address], count: 64 });
  } finally {
    await stopServers(servers);
    rmSync(dir, { recursive: true, force: true });
  }
  const value = median(m.engine);
  const baseline = median(m.direct);
  return [
    {
      id: 'orchestrate.fanout64.ratio',
      value: round(value, 1),
      unit: 'ms',
      baseline: 200,
      ratio: round(value / 200),
      target: '<= 1.3',
    },
    // Not a target: the same 64 calls made directly with grpc-js, to tell the engine's share from the machine's.
    {
      id: 'orchestrate.fanout64.vs_direct.ratio',
      value: round(value, 1),
      unit: 'ms',
      baseline: round(baseline, 1),
      ratio: round(value / baseline),
    },
  ];
}

async function uneven(): Promise<BenchResult> {
  // Four chains of four nodes; levels alternate 50 and 500 ms between chains, so every level holds a 500 ms node:
  // a level barrier would take 4 x 500 = 2000 ms, the critical path is 500 + 50 + 500 + 50 = 1100 ms.
  const servers = await startServers([50, 500]);
  const fast = `127.0.0.1:${servers.ports[0]}`;
  const slow = `127.0.0.1:${servers.ports[1]}`;
  const nodes: PackageNode[] = [];
  const addresses: Record<string, string> = {};
  for (let c = 0; c < 4; c++) {
    for (let l = 0; l < 4; l++) {
      const name = `c${c}l${l}`;
      nodes.push({ container: name, proto: 'echo.proto', operations: { Echo: l < 3 ? [`c${c}l${l + 1}:Echo`] : [] } });
      addresses[name] = (c + l) % 2 === 0 ? slow : fast;
    }
  }
  const critical = 1100;
  const dir = tempPackage(nodes, addresses);
  let m: Measured;
  try {
    m = measure({ mode: 'run', dir, runs: 5 });
  } finally {
    await stopServers(servers);
    rmSync(dir, { recursive: true, force: true });
  }
  const value = median(m.engine);
  return {
    id: 'orchestrate.uneven.ratio',
    value: round(value, 1),
    unit: 'ms',
    baseline: critical,
    ratio: round(value / critical),
    target: '<= 1.1',
  };
}

/** A package of `containers` x 5 operations, chained in layers of 20 containers; 10 distinct proto files. */
function planPackage(dir: string, containers: number): void {
  mkdirSync(join(dir, 'microservice'), { recursive: true });
  const ops = ['Op0', 'Op1', 'Op2', 'Op3', 'Op4'];
  for (let p = 0; p < 10; p++) {
    const rpcs = ops.map((o) => `  rpc ${o}(Msg${p}) returns (Msg${p});`).join('\n');
    writeFileSync(
      join(dir, 'microservice', `shared${p}.proto`),
      `syntax = "proto3";\npackage bench${p};\nmessage Msg${p} {\n  string data = 1;\n  int64 n = 2;\n}\nservice S${p} {\n${rpcs}\n}\n`,
    );
  }
  const nodes = Array.from({ length: containers }, (_, c) => ({
    container_name: `svc${c}`,
    image: `svc${c}:latest`,
    proto_uri: `microservice/shared${c % 10}.proto`,
    operation_signature_list: ops.map((op, o) => ({
      operation_signature: { operation_name: op },
      // Each rpc feeds the same rpc of the next two containers: layers of 20 containers.
      connected_to:
        c + 20 < containers
          ? [c + 20, c + 20 - (c % 20) + ((c + 1) % 20)].map((t) => ({
              container_name: `svc${t}`,
              operation_signature: { operation_name: ops[(o + 1) % 5]! },
            }))
          : [],
    })),
  }));
  writeFileSync(join(dir, 'blueprint.json'), JSON.stringify({ name: 'plan-bench', version: '2.0', nodes }));
  writeFileSync(
    join(dir, 'dockerinfo.json'),
    JSON.stringify({
      docker_info_list: nodes.map((n) => ({
        container_name: n.container_name,
        ip_address: n.container_name,
        port: '50051',
      })),
    }),
  );
}

function plan(nodes: number, targets: { ms: string; rss: string }): BenchResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'aieffect-bench-plan-'));
  planPackage(dir, nodes / 5);
  const script = `
    const { prepareRun, planOf } = await import(${JSON.stringify(join(root, 'dist/engine/index.js'))});
    const t0 = performance.now();
    const plan = planOf(prepareRun(${JSON.stringify(dir)}));
    const ms = performance.now() - t0;
    if (plan.levels.flat().length !== ${nodes}) throw new Error('expected ${nodes} nodes');
    process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss / 2 ** 20 }));`;
  const times: number[] = [];
  const rss: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`plan bench failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout) as { ms: number; rss: number };
      times.push(m.ms);
      rss.push(m.rss);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    { id: `plan.${nodes}_nodes.ms`, value: round(median(times), 1), unit: 'ms', target: targets.ms },
    { id: `plan.${nodes}_nodes.rss_mb`, value: round(median(rss), 1), unit: 'MB', target: targets.rss },
  ];
}

export async function run(): Promise<BenchResult[]> {
  return [
    ...(await chain10(1024, 'orchestrate.chain10.1kb.ratio', 20)),
    ...(await chain10(1024 * 1024, 'orchestrate.chain10.1mb.ratio', 7)),
    ...(await fanout64()),
    await uneven(),
    ...plan(10_000, { ms: '< 1000', rss: '< 300' }),
    ...plan(100_000, { ms: '< 3000', rss: '< 1024' }),
  ];
}
