// Whole processes against the limit Node allows (issue 10), with services started once, outside the timing:
// - orchestrate.4node.whole_process.ratio: `aieffect orchestrate` of a 4-stage chain of echo services (1 KB request,
//   --json, no progress) as a fresh process, over a plain `node` script that loads grpc-js and the four protos and
//   makes the same four calls (bench/support/direct-chain.mjs); interleaved, medians.
// - readiness.4services.ms (with and without the health service): the built engine's readiness wait for four
//   services that are up, on fresh channels, in one process (bench/support/measure-readiness.mjs); the baseline is
//   fresh grpc-js clients waiting for their connections. readiness.4services.*.floor.ms (not a target): fresh clients
//   each awaited through one bare health round trip (bench/support/health-floor.mjs), the least such a check takes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chainNodes, writePackage } from '../test/helpers/export-package.js';
import { startServers, stopServers } from './support/servers.js';
import { median, round, type BenchResult } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'run.js');

function time(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ').slice(0, 200)} failed: ${r.stderr}`);
  return ms;
}

async function orchestrate4(): Promise<BenchResult> {
  const servers = await startServers([0, 0, 0, 0]);
  const addresses = servers.ports.map((p) => `127.0.0.1:${p}`);
  const names = addresses.map((_, i) => `stage${i}`);
  const dir = writePackage(mkdtempSync(join(tmpdir(), 'aieffect-bench-4node-')), {
    name: 'bench-4node',
    nodes: chainNodes(
      'echo.proto',
      names.map((c) => `${c}:Echo`),
    ),
    addresses: Object.fromEntries(names.map((c, i) => [c, addresses[i]!])),
  });
  const input = { data: 'x'.repeat(1024) };
  const direct = [
    join(root, 'bench/support/direct-chain.mjs'),
    JSON.stringify({ protos: names.map((c) => join(dir, 'microservice', `${c}.proto`)), addresses, input }),
  ];
  const cli = [bin, 'orchestrate', dir, '--json', '--no-progress', '--input', JSON.stringify(input)];
  const times = { cli: [] as number[], direct: [] as number[] };
  try {
    for (let i = 0; i < 16; i++) {
      const d = time(direct);
      const c = time(cli);
      if (i < 1) continue; // the first runs warm the OS file cache
      times.direct.push(d);
      times.cli.push(c);
    }
  } finally {
    await stopServers(servers);
    rmSync(dir, { recursive: true, force: true });
  }
  const value = median(times.cli);
  const baseline = median(times.direct);
  return {
    id: 'orchestrate.4node.whole_process.ratio',
    value: round(value, 1),
    unit: 'ms',
    baseline: round(baseline, 1),
    ratio: round(value / baseline),
    target: '<= 1.15',
  };
}

async function readiness(health: boolean): Promise<BenchResult[]> {
  const servers = await startServers([0, 0, 0, 0], health ? 'SERVING' : undefined);
  let m: { engine: number[]; direct: number[]; floor: number[] };
  try {
    const spec = { addresses: servers.ports.map((p) => `127.0.0.1:${p}`), runs: 30 };
    const r = spawnSync(process.execPath, [join(root, 'bench/support/measure-readiness.mjs'), JSON.stringify(spec)], {
      cwd: root,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`measure-readiness.mjs failed: ${r.error?.message ?? r.stderr}`);
    m = JSON.parse(r.stdout) as typeof m;
  } finally {
    await stopServers(servers);
  }
  const value = median(m.engine);
  const baseline = median(m.direct);
  const floor = median(m.floor);
  const id = `readiness.4services.${health ? 'health' : 'no_health'}`;
  return [
    {
      id: `${id}.ms`,
      value: round(value, 2),
      unit: 'ms',
      baseline: round(baseline, 2),
      ratio: round(value / baseline),
      target: '<= 5',
    },
    {
      id: `${id}.floor.ms`,
      value: round(floor, 2),
      unit: 'ms',
      baseline: round(baseline, 2),
      ratio: round(floor / baseline),
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  return [await orchestrate4(), ...(await readiness(false)), ...(await readiness(true))];
}
