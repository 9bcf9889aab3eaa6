// Cold start of the built CLI: `aieffect --version` (what every command pays first) and `aieffect help` as fresh
// processes, each against `node -e 0` (Node's own start-up) measured interleaved in the same run, so the figure that
// matters is the difference: what aieffect adds to starting Node.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, round, type BenchResult } from './types.js';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));

function time(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

export async function run(): Promise<BenchResult[]> {
  const cases = { version: [bin, '--version'], help: [bin, 'help'] };
  const node: number[] = [];
  const times: Record<keyof typeof cases, number[]> = { version: [], help: [] };
  for (let i = 0; i < 22; i++) {
    const n = time(['-e', '0']);
    const t = Object.fromEntries(Object.entries(cases).map(([k, args]) => [k, time(args)]));
    if (i < 2) continue; // the first runs warm the OS file cache
    node.push(n);
    for (const k of Object.keys(cases) as (keyof typeof cases)[]) times[k].push(t[k]!);
  }
  const baseline = round(median(node), 1);
  return (Object.keys(cases) as (keyof typeof cases)[]).map((k) => {
    const value = round(median(times[k]), 1);
    return {
      id: `cli.${k}.cold_ms`,
      value,
      unit: 'ms',
      baseline,
      ratio: round(value / baseline),
      target: k === 'version' ? 'baseline + 30' : undefined,
    };
  });
}
