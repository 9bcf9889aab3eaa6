// Cold start of the built CLI: `aieffect --version` as a fresh process (what every command pays first).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, round, type BenchResult } from './types.js';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));

export async function run(): Promise<BenchResult[]> {
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`aieffect --version failed: ${r.stderr}`);
    if (i >= 2) times.push(ms); // the first runs warm the OS file cache
  }
  return [{ id: 'cli.version.cold_ms', value: round(median(times), 1), unit: 'ms', target: '< 300' }];
}
