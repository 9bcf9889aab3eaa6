// How the examples' services start for `aieffect run`: compiled JavaScript (x-aieffect.build, then `node dist/...`)
// against the baseline of running the TypeScript sources through tsx (`node --import tsx ...`, how they started
// before). Measured in the same run: one service until it logs "listening", the whole `aieffect run` of the energy
// example (four services) as a process, and the one-time cost of the build (`npm run build`, one tsc for all four).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import yaml from 'js-yaml';
import { median, round, type BenchResult } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'run.js');
const example = join(root, 'examples', 'file_based_energy_pipeline');
const RUNS = 5;

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Milliseconds from spawn until the service logs that it listens. */
async function startTime(args: string[], cwd: string): Promise<number> {
  const port = await getPort();
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, GRPC_PORT: String(port), GRPC_HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let out = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('listening on')) {
        resolve(ms(t0));
        child.kill('SIGKILL');
      }
    });
    child.on('exit', () => reject(new Error(`${args.join(' ')} exited before listening:\n${out}`)));
  });
}

async function sample(measure: () => Promise<number> | number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const t = await measure();
    if (i > 0) times.push(t); // the first run warms the OS file cache
  }
  return median(times);
}

function runProcess(dir: string, data: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, 'run', dir, '--no-progress', '--data-dir', data], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`aieffect run ${dir} failed:\n${r.stderr}`);
  return ms(t0);
}

export async function run(): Promise<BenchResult[]> {
  // The baseline: a copy inside the repository (so that tsx resolves from its node_modules) whose services start
  // their TypeScript sources through tsx, with no build.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const tmp = mkdtempSync(join(root, '.tmp', 'bench-local-'));
  try {
    const tsxCopy = join(tmp, 'energy_tsx');
    cpSync(example, tsxCopy, { recursive: true, filter: (src) => !/[/\\](data|dist|node_modules)$/.test(src) });
    const file = join(tsxCopy, 'docker-compose.yml');
    const compose = yaml.load(readFileSync(file, 'utf8')) as {
      services: Record<string, { 'x-aieffect': { run: string; build?: unknown } }>;
    };
    for (const service of Object.values(compose.services)) {
      const local = service['x-aieffect'];
      delete local.build;
      local.run = local.run.replace(/^node dist\/(.*)\.js$/, 'node --import tsx $1.ts');
    }
    writeFileSync(file, yaml.dump(compose));

    const build = await sample(() => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync('npm', ['run', 'build'], { cwd: example, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
      return ms(t0);
    });
    const server = ['services', 'data_generator', 'server'];
    const compiled = await sample(() => startTime([join('dist', ...server) + '.js'], example));
    const tsx = await sample(() => startTime(['--import', 'tsx', join(...server) + '.ts'], example));
    const data = join(tmp, 'data');
    const runCompiled = await sample(() => runProcess(example, data));
    const runTsx = await sample(() => runProcess(tsxCopy, data));
    return [
      {
        id: 'local.service_start.compiled_ms',
        value: round(compiled, 1),
        unit: 'ms',
        baseline: round(tsx, 1),
        ratio: round(compiled / tsx),
      },
      {
        id: 'run.energy.whole_ms',
        value: round(runCompiled, 1),
        unit: 'ms',
        baseline: round(runTsx, 1),
        ratio: round(runCompiled / runTsx),
        target: '<= 1500',
      },
      { id: 'local.build_energy.npm_run_build_ms', value: round(build, 1), unit: 'ms' },
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
