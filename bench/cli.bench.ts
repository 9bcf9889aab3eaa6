// Cold start of the built CLI as fresh processes, each against `node -e 0` (Node's own start-up) measured interleaved
// in the same run, so the figure that matters is the difference: what aieffect adds to starting Node.
// - `aieffect --version` (what every command pays first) and `aieffect help`: cold_ms, and for --version the
//   overhead (cli.version.overhead_ms = its median minus node's).
// - `aieffect export` of the energy example and `aieffect compose` of that export (export.example.overhead_ms,
//   compose.example.overhead_ms): whole processes minus node's, as the issue measured them against the original.
// - Floors, not targets: `aieffect version` (cli.command.overhead_ms), a command that prints one line: what running
//   any of our commands costs before it does its own work (oclif's Config, the command class, its flags parsed); and
//   the smallest oclif CLI (bench/support/bare-oclif: one command printing a line, oclif's own entry and explicit
//   command strategy; cli.bare_oclif.overhead_ms): what oclif itself costs when started as its documentation shows.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, round, type BenchResult } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'run.js');
const example = join(root, 'examples', 'file_based_energy_pipeline');

function time(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

export async function run(): Promise<BenchResult[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'aieffect-bench-cli-'));
  try {
    const exported = join(tmp, 'export');
    time([bin, 'export', example, exported]);
    const cases = {
      version: [bin, '--version'],
      help: [bin, 'help'],
      command: [bin, 'version'],
      bare: [join(root, 'bench', 'support', 'bare-oclif', 'run.js'), 'hello'],
      export: [bin, 'export', example, join(tmp, 'again'), '--overwrite'],
      compose: [bin, 'compose', exported, '--output', join(tmp, 'docker-compose.yml')],
    };
    type Case = keyof typeof cases;
    const keys = Object.keys(cases) as Case[];
    const node: number[] = [];
    const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<Case, number[]>;
    for (let i = 0; i < 22; i++) {
      const n = time(['-e', '0']);
      const t = Object.fromEntries(keys.map((k) => [k, time(cases[k])])) as Record<Case, number>;
      if (i < 2) continue; // the first runs warm the OS file cache
      node.push(n);
      for (const k of keys) times[k].push(t[k]);
    }
    const baseline = round(median(node), 1);
    const cold = (k: Case): BenchResult => {
      const value = round(median(times[k]), 1);
      return { id: `cli.${k}.cold_ms`, value, unit: 'ms', baseline, ratio: round(value / baseline) };
    };
    const overhead = (id: string, k: Case, target: string): BenchResult => ({
      id,
      value: round(median(times[k]) - median(node), 1),
      unit: 'ms',
      baseline,
      ...(target ? { target } : {}),
    });
    return [
      cold('version'),
      cold('help'),
      overhead('cli.version.overhead_ms', 'version', '<= 30'),
      overhead('export.example.overhead_ms', 'export', '<= 60'),
      overhead('compose.example.overhead_ms', 'compose', '<= 60'),
      overhead('cli.command.overhead_ms', 'command', ''),
      overhead('cli.bare_oclif.overhead_ms', 'bare', ''),
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
