// The streaming engine measured side by side (issue 9's targets). Method:
// - Services: a grpc-js server in a child process (bench/support/flow-servers.ts) with three stages: a server stream
//   producing 1 KB messages (flow.Flow/Split), a bidirectional echo (Relay) and a client stream that counts (Collect).
// - stream.3stage.1kb.msgs_per_s: the engine runs src:Split -> mid:Relay -> sink:Collect (every message through
//   all three calls) in a plain `node` process (bench/support/measure-stream.mjs); the baseline drives the same three
//   calls directly with grpc-js in that process (each message read from one call written into the next, with
//   backpressure), interleaved after a warm-up. The ratio is baseline time / engine time (>= 0.8: the engine keeps
//   at least 80 % of the direct throughput). Median of several runs of 20,000 messages.
// - stream.100k.peak_rss_mb: one engine run of 100,000 messages in a fresh process; its peak resident memory (and,
//   as the baseline, the process's memory before the run).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePackage, type PackageNode } from '../test/helpers/export-package.js';
import { median, round, type BenchResult } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));

async function startServer(): Promise<{ address: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/support/flow-servers.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [port] = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
    });
    child.on('exit', (code) => reject(new Error(`flow server exited with ${code}`)));
  });
  return { address: `127.0.0.1:${port}`, child };
}

function measure<T>(spec: Record<string, unknown>): T {
  const r = spawnSync(process.execPath, [join(root, 'bench/support/measure-stream.mjs'), JSON.stringify(spec)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`measure-stream.mjs failed: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export async function run(): Promise<BenchResult[]> {
  const server = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'aieffect-bench-stream-'));
  const nodes: PackageNode[] = [
    { container: 'src', proto: 'flow.proto', operations: { Split: ['mid:Relay'] } },
    { container: 'mid', proto: 'flow.proto', operations: { Relay: ['sink:Collect'] } },
    { container: 'sink', proto: 'flow.proto', operations: { Collect: [] } },
  ];
  writePackage(dir, {
    name: 'bench-stream',
    nodes,
    addresses: { src: server.address, mid: server.address, sink: server.address },
  });
  try {
    const count = 20_000;
    const times = measure<{ engine: number[]; direct: number[] }>({
      dir,
      address: server.address,
      count,
      size: 1024,
      runs: 5,
    });
    const engine = count / (median(times.engine) / 1000);
    const direct = count / (median(times.direct) / 1000);
    const memory = measure<{ rss_mb: number; base_mb: number }>({ memory: true, dir, count: 100_000, size: 1024 });
    return [
      {
        id: 'stream.3stage.1kb.msgs_per_s',
        value: Math.round(engine),
        unit: 'msg/s',
        baseline: Math.round(direct),
        ratio: round(engine / direct),
        target: '>= 0.8',
      },
      {
        id: 'stream.100k.peak_rss_mb',
        value: round(memory.rss_mb, 1),
        unit: 'MB',
        baseline: round(memory.base_mb, 1),
        ratio: round(memory.rss_mb / memory.base_mb),
      },
    ];
  } finally {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
