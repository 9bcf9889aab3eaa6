// e2e: a new pipeline from scratch, the way a new user makes one — with aieffect installed from the `npm pack`
// tarball into a temporary prefix, far from this repository, on a PATH without its node_modules: `aieffect init`,
// `aieffect add service` (TypeScript and Python), `aieffect run`, `aieffect export`; and the README's quick start,
// executed exactly as written. npm installs from its cache, which the repository's `npm ci` filled (no network).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddServiceJson } from '../../src/commands/add/service.js';
import type { ExportJson } from '../../src/commands/export.js';
import type { InitJson } from '../../src/commands/init.js';
import { listFiles, repoRoot, tempDir, type CliResult } from '../helpers/cli.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import { processesWithEnv, pythonWithGrpc } from '../helpers/local.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const tmp = tempDir('aieffect-scaffold-');
const prefix = join(tmp.dir, 'prefix');
let tarball: string;

// A user's environment: the installed aieffect first on PATH, none of the node_modules/.bin folders `npx vitest` put
// there, npm's cache shared with the repository's (preferred: no network), a global prefix of its own.
const PATH = [
  join(prefix, 'bin'),
  ...(process.env.PATH ?? '').split(':').filter((p) => p !== '' && !p.includes('node_modules')),
].join(':');
const cache = execFileSync(npm, ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH,
  npm_config_cache: cache,
  npm_config_prefix: prefix,
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  NO_COLOR: '1',
  FORCE_COLOR: undefined,
  DEBUG: undefined,
};

/** Runs a command line in bash, as a user types it, with the user's environment. */
function sh(script: string, cwd: string, timeoutMs = 240_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the installed `aieffect` with these arguments. */
function aieffect(args: string[], cwd: string): Promise<CliResult> {
  return sh(`aieffect ${args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}`, cwd);
}

function workDir(name: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

beforeAll(() => {
  // --ignore-scripts: `npm test` has just built dist/; rebuilding here would race the other test files.
  execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', tmp.dir], { cwd: repoRoot, stdio: 'ignore' });
  tarball = join(
    tmp.dir,
    readdirSync(tmp.dir).find((f) => f.endsWith('.tgz'))!,
  );
  execFileSync(npm, ['install', '-g', tarball], { cwd: tmp.dir, env, stdio: 'ignore' });
}, 300_000);
afterAll(() => tmp.cleanup());

/** The result of a template service: the message with every service it went through. */
const passed = (...trail: string[]) => ({ text: 'hello', trail });

describe('a new pipeline with the installed aieffect, outside the repository', () => {
  it('init, add service (TypeScript, Python), run, export, graph --format svg', async () => {
    expect(pythonWithGrpc(), 'no python3 with grpcio: install python3-grpcio and python3-protobuf').toBeDefined();
    const work = workDir('new-user');
    expect(execFileSync('bash', ['-c', 'command -v aieffect'], { env, encoding: 'utf8' }).trim()).toBe(
      join(prefix, 'bin', 'aieffect'),
    );

    const init = await aieffect(['init', 'demo', '--json'], work);
    expect(init.code, init.stderr).toBe(0);
    const made = expectJsonContract<InitJson>('init', init.stdout);
    expect(made).toMatchObject({
      output_dir: join(work, 'demo'),
      pipeline_name: 'demo',
      project: 'demo',
      lang: 'ts',
      services: [
        { service: 'source', container: 'source1', folder: 'source' },
        { service: 'sink', container: 'sink1', folder: 'sink' },
      ],
      installed: true,
      next: ['cd demo', 'aieffect run .', 'aieffect add service <name> --after sink'],
    });
    expect(listFiles(join(work, 'demo')).filter((f) => !f.startsWith('node_modules/'))).toEqual(made.files);
    expect(existsSync(join(work, 'demo', 'node_modules', '.bin', 'tsc'))).toBe(true);

    const ts = await aieffect(['add', 'service', 'cleaner', '--use-case', 'demo', '--after', 'sink', '--json'], work);
    expect(ts.code, ts.stderr).toBe(0);
    expect(expectJsonContract<AddServiceJson>('add_service', ts.stdout)).toMatchObject({
      output_dir: join(work, 'demo'),
      files: [
        'connections.json',
        'docker-compose.yml',
        'services/cleaner/Dockerfile',
        'services/cleaner/proto/cleaner.proto',
        'services/cleaner/server.ts',
      ],
      service: 'cleaner',
      container: 'cleaner1',
      lang: 'ts',
      connection: { from_service: 'sink', from_method: 'Process', to_service: 'cleaner', to_method: 'Process' },
      installed: false,
      notes: [],
    });

    const py = await aieffect(
      ['add', 'service', 'py-stats', '--lang', 'python', '--after', 'cleaner'],
      join(work, 'demo'),
    );
    expect(py.code, py.stderr).toBe(0);
    expect(py.stdout).toBe(
      'added Python service "py-stats" to . (services/py_stats, container py_stats1)\n' +
        '  connections.json\n  docker-compose.yml\n  services/py_stats/.dockerignore\n  services/py_stats/Dockerfile\n' +
        '  services/py_stats/health/grpc/health/v1/health.proto\n  services/py_stats/proto/py_stats.proto\n' +
        '  services/py_stats/server.py\nconnected cleaner.Process -> py-stats.Process\nnext:\n  aieffect run .\n',
    );

    // From another folder; the Python service is started by the first python3 on PATH, whichever that is, and finds
    // one with grpcio itself.
    const data = join(work, 'data');
    const run = await aieffect(['run', 'demo', '--data-dir', data, '--json'], work);
    expect(run.code, run.stderr).toBe(0);
    const document = expectJsonContract<{ results: unknown; services: { service: string }[] }>('run', run.stdout);
    expect(document.results).toEqual({
      'source1:Process': passed('source'),
      'sink1:Process': passed('source', 'sink'),
      'cleaner1:Process': passed('source', 'sink', 'cleaner'),
      'py_stats1:Process': passed('source', 'sink', 'cleaner', 'py-stats'),
    });
    expect(document.services.map((s) => s.service).sort()).toEqual(['cleaner', 'py-stats', 'sink', 'source']);
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
    // Built by the run, started as JavaScript: no TypeScript loader anywhere in the use case.
    expect(listFiles(join(work, 'demo', 'dist'))).toEqual([
      'services/cleaner/server.js',
      'services/sink/server.js',
      'services/source/server.js',
    ]);

    const exported = await aieffect(['export', 'demo', 'out', '--pipeline-id', 'demo-v1', '--json'], work);
    expect(exported.code, exported.stderr).toBe(0);
    const pkg = expectJsonContract<ExportJson>('export', exported.stdout);
    expect(pkg.nodes.map((n) => [n.container, n.service, n.image, n.operations])).toEqual([
      ['cleaner1', 'cleaner', 'demo-cleaner:latest', ['Process']],
      ['py_stats1', 'py-stats', 'demo-py-stats:latest', ['Process']],
      ['sink1', 'sink', 'demo-sink:latest', ['Process']],
      ['source1', 'source', 'demo-source:latest', ['Process']],
    ]);
    expect(pkg.connections).toBe(3);
    const blueprint = JSON.parse(readFileSync(join(work, 'out', 'blueprint.json'), 'utf8')) as {
      nodes: { container_name: string; operation_signature_list: { connected_to: { container_name: string }[] }[] }[];
    };
    const links = blueprint.nodes.flatMap((n) =>
      n.operation_signature_list.flatMap((o) =>
        o.connected_to.map((c) => `${n.container_name} -> ${c.container_name}`),
      ),
    );
    expect(links.sort()).toEqual(['cleaner1 -> py_stats1', 'sink1 -> cleaner1', 'source1 -> sink1']);

    // The picture of the pipeline made, drawn by the installed package (its Graphviz WebAssembly ships with it).
    const drawn = await aieffect(['graph', 'demo', '--format', 'svg', '-o', 'demo.svg'], work);
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(drawn.stdout).toBe('wrote demo.svg: svg of pipeline "demo": 4 operations in 4 containers, 3 links\n');
    const svg = readFileSync(join(work, 'demo.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml[^]*<svg /);
    for (const node of ['source1', 'sink1', 'cleaner1', 'py_stats1']) expect(svg).toContain(`>${node}</text>`);
  }, 600_000);
});

describe("the README's quick start", () => {
  /** The commands of the first bash block under "## Quick start", as written (comments and all). */
  function quickStart(): string[] {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Quick start\n'));
    const block = /```bash\n([\s\S]*?)```/.exec(section)![1]!;
    return block.split('\n').filter((line) => line.trim() !== '');
  }

  it('is five commands, the first of them the install, the last the picture', () => {
    const lines = quickStart();
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^npm install -g \S+/);
    expect(lines[4]).toMatch(/^aieffect graph . --format svg -o \S+\.svg/);
  });

  it('runs as written: from nothing to the results of a running two-service pipeline', async () => {
    const work = workDir('quick-start');
    // The one substitution: the registry does not have this checkout, so `npm install -g <package>` installs its
    // packed tarball. Every other line runs exactly as the README has it, in one shell session.
    const lines = quickStart().map((line) => line.replace(/^npm install -g \S+/, `npm install -g '${tarball}'`));
    const r = await sh(lines.join('\n'), work, 480_000);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    // stdout: what init wrote, the run's results (a JSON document of its own lines), what graph wrote.
    const results = /^\{\n[^]*?^\}$/m.exec(r.stdout)?.[0];
    expect(JSON.parse(results ?? 'null')).toEqual({
      'source1:Process': passed('source'),
      'sink1:Process': passed('source', 'sink'),
    });
    expect(r.stderr).toMatch(/^up {5}source health SERVING after /m);
    expect(r.stderr).toContain('run succeeded in ');
    expect(existsSync(join(work, 'my-pipeline', 'docker-compose.yml'))).toBe(true);
    // The picture: both services in it.
    const svg = readFileSync(join(work, 'my-pipeline', 'pipeline.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml[^]*<svg /);
    for (const node of ['source1', 'sink1']) expect(svg).toContain(node);
  }, 600_000);
});
