// `npm run bench`: runs every bench/*.bench.ts (or those named on the command line), prints a table and writes
// bench/results.json (an array of {id, value, unit[, baseline, ratio]}). Figures, not assertions: the machines are noisy.
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { BenchModule, BenchResult } from './types.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const results: BenchResult[] = [];
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
  results.push(...(await mod.run()));
}

const rows = results.map((r) => [
  r.id,
  String(r.value),
  r.unit,
  r.baseline === undefined ? '' : String(r.baseline),
  r.ratio === undefined ? '' : String(r.ratio),
  r.target ?? '',
]);
const header = ['id', 'value', 'unit', 'baseline', 'ratio', 'target'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i]!))
    .join('  ')
    .trimEnd();
process.stdout.write([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n');
writeFileSync(
  join(dir, 'results.json'),
  JSON.stringify(
    results.map(({ target: _t, ...r }) => r),
    null,
    2,
  ) + '\n',
);
process.stderr.write(`bench: wrote bench/results.json (${results.length} figures)\n`);
