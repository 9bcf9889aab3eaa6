// e2e: `aieffect init` and `aieffect add service` refusing what Docker, Compose or the export would refuse, each with
// its exact message and exit code, and writing nothing (or undoing what they wrote) when they do; what they make in
// odd places (an empty folder, a use case with comments in its docker-compose.yml, one with only Python services).
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AddServiceJson } from '../../src/commands/add/service.js';
import type { InitJson } from '../../src/commands/init.js';
import { listFiles, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import { pythonWithGrpc } from '../helpers/local.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function work(): string {
  const tmp = tempDir('aieffect-scaffold-errors-');
  cleanups.push(tmp.cleanup);
  return tmp.dir;
}

/** Every file below `dir` with its content: "nothing written" means this is the same before and after. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** A copy of the energy example's own files (no data/, dist/ or node_modules/) at `dir`. */
function copyEnergy(dir: string): void {
  cpSync(join(repoRoot, 'examples', 'file_based_energy_pipeline'), dir, {
    recursive: true,
    filter: (src) => !/[/\\](data|dist|node_modules)$/.test(src),
  });
}

/** A use case made by `init --no-install` in a fresh folder. */
async function useCase(): Promise<{ root: string; dir: string }> {
  const root = work();
  const r = await runCli(['init', 'demo', '--no-install'], { cwd: root });
  expect(r.code, r.stderr).toBe(0);
  return { root, dir: join(root, 'demo') };
}

describe('aieffect init', () => {
  it('--no-install: the use case and the steps left, npm install among them; --json follows the contract', async () => {
    const root = work();
    const r = await runCli(['init', 'demo', '--no-install'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const files = [
      '.dockerignore',
      '.gitignore',
      'README.md',
      'connections.json',
      'docker-compose.yml',
      'package-lock.json',
      'package.json',
      'services/sink/Dockerfile',
      'services/sink/proto/sink.proto',
      'services/sink/server.ts',
      'services/source/Dockerfile',
      'services/source/proto/source.proto',
      'services/source/server.ts',
      'tsconfig.json',
    ];
    expect(r.stdout).toBe(
      'created demo: pipeline "demo", 2 TypeScript services (source -> sink)\n' +
        files.map((f) => `  ${f}\n`).join('') +
        'next:\n  cd demo\n  npm install\n  aieffect run .\n  aieffect add service <name> --after sink\n',
    );
    expect(listFiles(join(root, 'demo'))).toEqual(files);
    const pkg = JSON.parse(readFileSync(join(root, 'demo', 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('demo');

    const json = await runCli(['init', 'other', '--no-install', '--name', 'energy.v2', '--json'], { cwd: root });
    const made = expectJsonContract<InitJson>('init', json.stdout);
    expect(made).toMatchObject({ output_dir: join(root, 'other'), pipeline_name: 'energy.v2', installed: false });
    const connections = JSON.parse(readFileSync(join(root, 'other', 'connections.json'), 'utf8')) as {
      pipeline: { name: string };
    };
    expect(connections.pipeline.name).toBe('energy.v2');
  });

  it('an empty folder, the current one: filled in place, no "cd" among the next steps', async () => {
    const dir = join(work(), 'empty');
    mkdirSync(dir);
    const r = await runCli(['init', '.', '--no-install', '--json'], { cwd: dir });
    const made = expectJsonContract<InitJson>('init', r.stdout);
    expect(made.output_dir).toBe(dir);
    expect(made.next).toEqual(['npm install', 'aieffect run .', 'aieffect add service <name> --after sink']);
    expect(listFiles(dir)).toEqual(made.files);
  });

  it('a folder that is not empty: refused, nothing written', async () => {
    const root = work();
    mkdirSync(join(root, 'existing'));
    writeFileSync(join(root, 'existing', 'notes.txt'), 'mine\n');
    const r = await runCli(['init', 'existing'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error existing: exists and is not empty (notes.txt)\n' +
        '  hint: give a new folder (init creates it) or an empty one; `aieffect add service` adds a service to a use case\n',
    );
    expect(listFiles(root)).toEqual(['existing/notes.txt']);
  });

  it.each([
    [
      ['init', 'new/__x'],
      'error use case folder "__x": its name gives the Docker Compose project name "__x", which is invalid: it must start with a lowercase letter or digit\n' +
        '  hint: name the folder with lowercase letters, digits, "-" and "_", starting with a letter or digit (e.g. my-pipeline)\n',
    ],
    [
      ['init', 'new/demo', '--name', 'my pipeline'],
      'error pipeline name "my pipeline": is not a valid pipeline name\n' +
        '  hint: use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters\n',
    ],
  ])('%j: a usage error, no folder made', async (args, stderr) => {
    const root = work();
    const r = await runCli(args, { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(stderr);
    expect(readdirSync(root)).toEqual([]);
  });

  it('--lang python: two Python services, no npm project; the pipeline runs', async () => {
    expect(pythonWithGrpc(), 'no python3 with grpcio: install python3-grpcio and python3-protobuf').toBeDefined();
    const root = work();
    const r = await runCli(['init', 'py', '--lang', 'python'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('created py: pipeline "py", 2 Python services (source -> sink)\n');
    expect(r.stdout).toContain('next:\n  cd py\n  aieffect run .\n');
    expect(listFiles(join(root, 'py')).filter((f) => f.startsWith('services/source/'))).toEqual([
      'services/source/.dockerignore',
      'services/source/Dockerfile',
      'services/source/health/grpc/health/v1/health.proto',
      'services/source/proto/source.proto',
      'services/source/server.py',
    ]);
    expect(listFiles(join(root, 'py')).filter((f) => f.startsWith('package') || f === 'tsconfig.json')).toEqual([]);
    const run = await runCli(['run', 'py', '--input', '{"text": "hi"}'], { cwd: root });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      'source1:Process': { text: 'hi', trail: ['source'] },
      'sink1:Process': { text: 'hi', trail: ['source', 'sink'] },
    });
  });
});

describe('aieffect add service', () => {
  it.each([
    [
      'DataCleaner',
      [],
      2,
      'error service name "DataCleaner": has uppercase letters, which Docker image names cannot have\n' +
        '  hint: use lowercase letters and digits, starting with a letter, words joined by "-" or "_" (e.g. data-cleaner)\n',
    ],
    [
      'orchestrator',
      [],
      2,
      'error service name "orchestrator": is the service `aieffect compose` adds to run the pipeline\n' +
        '  hint: use lowercase letters and digits, starting with a letter, words joined by "-" or "_" (e.g. data-cleaner)\n',
    ],
    [
      'sink',
      [],
      2,
      'error service "sink": docker-compose.yml has a service "sink"\n' +
        '  hint: choose another name (a service is its folder, its docker-compose.yml entry and its container)\n',
    ],
    [
      'cleaner',
      ['--after', 'nope'],
      2,
      'error --after nope: no service "nope" in the pipeline\n' +
        "  hint: the pipeline's services: sink, source; give --after <service> or --after <service>.<Rpc>\n",
    ],
    [
      'cleaner',
      ['--after', 'sink.Clean'],
      2,
      'error --after sink.Clean: service "sink" has no rpc Clean\n  hint: its rpcs: Process\n',
    ],
    [
      'cleaner',
      ['--lang', 'cobol'],
      2,
      'error Expected --lang=cobol to be one of: ts, python\n' +
        '  hint: see `aieffect add service --help` for usage\n',
    ],
  ])('%j %j: refused with exit %i, nothing written', async (name, flags, exit, stderr) => {
    const { dir } = await useCase();
    const before = snapshot(dir);
    const r = await runCli(['add', 'service', name, ...flags], { cwd: dir });
    expect(r.stderr).toBe(stderr);
    expect(r.code).toBe(exit);
    expect(r.stdout).toBe('');
    expect(snapshot(dir)).toEqual(before);
  });

  it("a folder that is no use case: the export's own error, nothing written", async () => {
    const root = work();
    const r = await runCli(['add', 'service', 'cleaner', '--use-case', 'nowhere'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error nowhere: no such directory\n' +
        '  hint: give the use case folder (the one holding docker-compose.yml, services/ and connections.json)\n',
    );
    expect(readdirSync(root)).toEqual([]);
  });

  it("--after a service whose output cannot be carried into Message: the export's error, every change undone", async () => {
    const { dir } = await useCase();
    // sink answers with a Result whose "text" is a number: source -> sink still fits, sink -> a new service cannot.
    const proto = join(dir, 'services', 'sink', 'proto', 'sink.proto');
    writeFileSync(
      proto,
      readFileSync(proto, 'utf8')
        .replace('rpc Process(Message) returns (Message);', 'rpc Process(Message) returns (Result);')
        .concat('\nmessage Result {\n  int32 text = 1;\n}\n'),
    );
    const before = snapshot(dir);
    const r = await runCli(['add', 'service', 'cleaner', '--after', 'sink', '--no-install'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error connections\.json \/pipeline\/connections\/1: sink\.Process returns sink\.Result, which cleaner\.Process cannot take as cleaner\.Message: field "text": int32 in the source, string expected/,
    );
    expect(snapshot(dir)).toEqual(before);
  });

  it("--after a service whose output shares no field with Message: added, with the export's note on the link", async () => {
    const root = work();
    const energy = join(root, 'energy');
    copyEnergy(energy);
    const note =
      'connections.json /pipeline/connections/3: report-generator.GenerateReport -> cleaner.Process: ' +
      'report_generator.GenerateReportResponse and cleaner.Message have no field in common, so every field of ' +
      'cleaner.Message is left at default / from --input';
    const r = await runCli(['add', 'service', 'cleaner', '--after', 'report-generator', '--no-install'], {
      cwd: energy,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`${note}\n`);
    expect(r.stdout).toContain('connected report-generator.GenerateReport -> cleaner.Process\n');

    // The same with --json, in a fresh copy: the note among the notes, stderr quiet.
    const again = join(root, 'again');
    copyEnergy(again);
    const json = await runCli(['add', 'service', 'cleaner', '--after', 'report-generator', '--no-install', '--json'], {
      cwd: again,
    });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toBe('');
    expect(expectJsonContract<AddServiceJson>('add_service', json.stdout)).toMatchObject({
      connection: { from_service: 'report-generator', from_method: 'GenerateReport', to_service: 'cleaner' },
      notes: [note],
    });
  });

  it("keeps docker-compose.yml's comments and layout: the entry is appended to the services block", async () => {
    const root = work();
    const energy = join(root, 'energy');
    copyEnergy(energy);
    const compose = readFileSync(join(energy, 'docker-compose.yml'), 'utf8');
    const r = await runCli(['add', 'service', 'cleaner', '--no-install'], { cwd: energy });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      'cleaner is in no connection: a pipeline with connections calls only connected rpcs, so link cleaner.Process in connections.json\n',
    );
    // The example declares every dependency of the template and has no node_modules in the copy: npm install next.
    expect(r.stdout).toContain('next:\n  npm install\n  aieffect run .\n');
    expect(readFileSync(join(energy, 'docker-compose.yml'), 'utf8')).toBe(
      `${compose}\n  cleaner:\n    build:\n      context: .\n      dockerfile: services/cleaner/Dockerfile\n` +
        "    environment:\n      GRPC_PORT: '50051'\n    ports:\n      - '50055:50051'\n    volumes:\n      - ./data:/app/data\n" +
        '    x-aieffect:\n      build:\n        command: npm run build\n' +
        '        sources: [services/cleaner, package.json, tsconfig.json]\n        outputs: [dist/services/cleaner]\n' +
        '      run: node dist/services/cleaner/server.js\n',
    );
  });
});
