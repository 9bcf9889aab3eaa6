// e2e: the EXAMPLES of every command's --help, as users read them there. Each goes through oclif's own parser with
// the command's flags and arguments (known flags, values of a fixed set, the right number of arguments), and each is
// run as written by bash, with `aieffect` on the PATH, in a workspace holding what the example assumes (the energy
// example under examples/, its export in out/energy, ...). The examples of one command run in order in one workspace,
// as a user would follow them. An example that needs what a test here has not got (Docker, services listening, the
// npm registry) says why below; one that calls services runs with --plan appended, which checks all but the calls.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flags, Parser, type Command } from '@oclif/core';
import { binPath, repoRoot, runCli } from '../helpers/cli.js';

type Given = 'example' | 'export' | 'package' | 'use-case';

interface Outcome {
  ws: string;
  stdout: string;
  stderr: string;
}

interface Plan {
  /** What the workspace holds before the first example. */
  given: Given[];
  /** Each example in a fresh workspace instead of one after the other. */
  fresh?: boolean;
  /** The folder (in the workspace) an example runs in, by index; default the workspace. */
  cwd?: Record<number, string>;
  /** Examples that are parsed but not run here, by index, and why. */
  notRun?: Record<number, string>;
  /** Examples that call the pipeline's services: run with --plan appended. */
  plan?: number[];
  /** What each example that ran must have done, by index. */
  check: Record<number, (outcome: Outcome) => void>;
}

const ENERGY = 'examples/file_based_energy_pipeline';
const exists = (ws: string, ...files: string[]) => files.forEach((f) => expect(existsSync(join(ws, f)), f).toBe(true));

const PLANS: Record<string, Plan> = {
  build: {
    given: ['example'],
    notRun: { 1: 'builds images: needs Docker (test/docker/)', 2: 'builds images: needs Docker (test/docker/)' },
    check: { 0: ({ ws }) => exists(ws, `${ENERGY}/build_and_tag.sh`) },
  },
  compose: {
    given: ['example', 'export', 'package'],
    check: {
      0: ({ ws }) => expect(readFileSync(join(ws, 'out/energy/docker-compose.yml'), 'utf8')).toContain('orchestrator:'),
      1: ({ ws }) => expect(readFileSync(join(ws, 'deploy/docker-compose.yml'), 'utf8')).toContain('6000:'),
      2: ({ ws }) => expect(readFileSync(join(ws, 'out/energy/docker-compose.yml'), 'utf8')).toContain(":9000'\n"),
    },
  },
  export: {
    given: ['example'],
    check: {
      0: ({ ws }) => exists(ws, 'use-cases-platform/file_based_energy_pipeline/blueprint.json'),
      1: ({ stdout }) =>
        expect(JSON.parse(stdout)).toMatchObject({ pipeline_id: 'energy-v1', creation_date: '2023-11-14T22:13:20Z' }),
      2: ({ ws }) => expect(readFileSync(join(ws, 'out/energy/blueprint.json'), 'utf8')).toContain('"energy-v1"'),
    },
  },
  graph: {
    given: ['example', 'export'],
    check: {
      0: ({ stdout }) => expect(stdout).toContain('data_generator1'),
      1: ({ ws }) => expect(readFileSync(join(ws, 'pipeline.svg'), 'utf8')).toContain('<svg'),
      2: ({ ws }) => expect(readFileSync(join(ws, 'pipeline.png')).subarray(1, 4).toString()).toBe('PNG'),
    },
  },
  init: {
    given: [],
    fresh: true,
    notRun: {
      0: 'npm install from the registry: the README quick start test runs it (test/e2e/scaffold.test.ts)',
      1: 'npm install from the registry, as the one before',
    },
    check: {
      2: ({ ws }) => exists(ws, 'my-pipeline/services/source/server.py', 'my-pipeline/services/sink/server.py'),
      3: ({ ws }) => exists(ws, 'docker-compose.yml', 'services/source/server.ts', 'package.json'),
    },
  },
  kube: {
    given: ['example', 'export'],
    check: {
      0: ({ ws }) =>
        exists(ws, 'out/energy/kubernetes/kustomization.yaml', 'out/energy/kubernetes/job-orchestrator.yaml'),
      1: ({ ws }) =>
        expect(readFileSync(join(ws, 'deploy/k8s/deployment-data-analyzer1.yaml'), 'utf8')).toContain('replicas: 3\n'),
      2: ({ ws }) =>
        expect(readFileSync(join(ws, 'deploy/gpu/deployment-data-analyzer1.yaml'), 'utf8')).toMatch(
          /limits:\n\s+nvidia\.com\/gpu: '?1'?\n/,
        ),
    },
  },
  orchestrate: {
    given: ['example', 'export'],
    plan: [1, 2],
    notRun: { 3: 'calls the services, which do not listen in this test (and --report excludes --plan)' },
    check: {
      0: ({ stdout }) => expect(stdout).toContain('data_generator1'),
      1: ({ stdout }) => expect(stdout).toContain('data_generator1'),
      2: ({ stdout }) => expect(stdout).toContain('data_generator1'),
    },
  },
  run: {
    given: ['example'],
    notRun: {
      2: 'keeps the services running until Ctrl-C (test/e2e/run.test.ts)',
      4: 'calls a service the user started at localhost:50051',
    },
    check: {
      0: ({ stdout }) => expect(stdout).toContain('report_generator1'),
      1: ({ stdout }) => expect(stdout).toMatch(/\.html/),
      3: ({ ws }) => expect(readFileSync(join(ws, 'run-report.html'), 'utf8')).toContain('<svg'),
    },
  },
  version: {
    given: [],
    check: {
      0: ({ stdout }) => expect(stdout).toMatch(/^aieffect\/\d+\.\d+\.\d+ /),
      1: ({ stdout }) => expect(JSON.parse(stdout)).toMatchObject({ name: 'aieffect' }),
    },
  },
  'add service': {
    given: ['use-case'],
    cwd: { 0: 'my-pipeline', 1: 'my-pipeline' },
    check: {
      0: ({ ws }) => exists(ws, 'my-pipeline/services/data_cleaner/server.ts'),
      1: ({ ws }) =>
        expect(readFileSync(join(ws, 'my-pipeline/connections.json'), 'utf8')).toMatch(
          /"from_service": "data-cleaner",[^}]*"to_service": "forecaster"/,
        ),
      2: ({ ws }) => exists(ws, 'my-pipeline/services/reporter/proto/reporter.proto'),
    },
  },
};

/** The workspaces live below the repository's .tmp/ (git ignores it): the example's services find node_modules. */
let root: string;
/** `aieffect` on the PATH, as `npm install -g` puts it there. */
let binDir: string;
/** Ready-made parts of workspaces, copied into each. */
let parts: string;

function sh(script: string, cwd: string): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync('bash', ['-c', script], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 240_000,
      env: { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}`, NO_COLOR: '1', NODE_ENV: undefined },
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number | null; stdout: string; stderr: string };
    return { code: e.status ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

function workspace(name: string, given: Given[]): string {
  const ws = mkdtempSync(join(root, `${name.replace(' ', '-')}-`));
  if (given.includes('example')) cpSync(join(parts, 'examples'), join(ws, 'examples'), { recursive: true });
  if (given.includes('export')) cpSync(join(parts, 'out'), join(ws, 'out'), { recursive: true });
  if (given.includes('use-case')) cpSync(join(parts, 'my-pipeline'), join(ws, 'my-pipeline'), { recursive: true });
  // `--orchestrator-path .`: the workspace is an aieffect checkout (what Dockerfile.orchestrator copies).
  if (given.includes('package')) {
    for (const f of [
      'Dockerfile.orchestrator',
      '.dockerignore',
      'package.json',
      'oclif.manifest.json',
      'bin',
      'dist',
    ]) {
      symlinkSync(join(repoRoot, f), join(ws, f));
    }
  }
  return ws;
}

/** The examples in `aieffect <id> --help`: the lines under EXAMPLES, without their "$ ". */
async function helpExamples(id: string): Promise<string[]> {
  const help = await runCli([...id.split(' '), '--help']);
  expect(help.code).toBe(0);
  const section = help.stdout.split(/^EXAMPLES$/m)[1]?.split(/^\S/m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('  $ '))
    .map((line) => line.slice(4));
}

/** The words of an example's command line as bash splits them: without VAR=value prefixes and what a pipe feeds. */
function words(example: string): string[] {
  const line = example.split(' | ')[0]!;
  const out = execFileSync('bash', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', 'words', line], {
    encoding: 'utf8',
  });
  const all = out.split('\0').slice(0, -1);
  while (/^[A-Z_]+=/.test(all[0] ?? '')) all.shift();
  return all;
}

beforeAll(async () => {
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
  root = mkdtempSync(join(repoRoot, '.tmp', 'help-examples-'));
  binDir = join(root, 'bin');
  parts = join(root, 'parts');
  mkdirSync(binDir);
  mkdirSync(parts);
  execFileSync('sh', [
    '-c',
    `printf '#!/bin/sh\\nexec "%s" "%s" "$@"\\n' "$0" "$1" > "$2"`,
    process.execPath,
    binPath,
    join(binDir, 'aieffect'),
  ]);
  chmodSync(join(binDir, 'aieffect'), 0o755);
  cpSync(join(repoRoot, ENERGY), join(parts, ENERGY), {
    recursive: true,
    filter: (src) => !src.startsWith(join(repoRoot, ENERGY, 'data')),
  });
  const exported = await runCli(['export', join(parts, ENERGY), join(parts, 'out', 'energy')]);
  expect(exported.stderr).not.toContain('error');
  const init = await runCli(['init', 'my-pipeline', '--no-install'], { cwd: parts });
  expect(init.code).toBe(0);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('every command of aieffect has a plan here', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, unknown>;
  };
  expect(
    Object.keys(manifest.commands)
      .map((id) => id.replace(':', ' '))
      .sort(),
  ).toEqual(Object.keys(PLANS).sort());
});

describe.each(Object.keys(PLANS))('aieffect %s --help', (id) => {
  const plan = PLANS[id]!;
  let examples: string[];
  let shared: string;

  beforeAll(async () => {
    examples = await helpExamples(id);
    if (!plan.fresh) shared = workspace(id, plan.given);
  });

  it('has examples, each parsed by oclif with the command’s flags and arguments', async () => {
    expect(examples.length).toBeGreaterThan(0);
    const module = (await import(join(repoRoot, 'dist', 'commands', `${id.replace(' ', '/')}.js`))) as {
      default: Command.Class;
    };
    const command = module.default;
    for (const example of examples) {
      const argv = words(example);
      expect(argv.slice(0, 1 + id.split(' ').length), example).toEqual(['aieffect', ...id.split(' ')]);
      await expect(
        Parser.parse(argv.slice(1 + id.split(' ').length), {
          flags: {
            ...command.baseFlags,
            ...command.flags,
            ...(command.enableJsonFlag ? { json: Flags.boolean() } : {}),
          },
          args: command.args ?? {},
          strict: command.strict ?? true,
        }),
        example,
      ).resolves.toBeDefined();
    }
  });

  it('each example runs as written (or says here why not) and does what it shows', async () => {
    const checked = new Set([...Object.keys(plan.check), ...Object.keys(plan.notRun ?? {})].map(Number));
    expect([...checked].sort(), 'every example is checked or says why not').toEqual(examples.map((_e, i) => i));
    for (const [index, example] of examples.entries()) {
      if (plan.notRun?.[index] !== undefined) continue;
      const ws = plan.fresh ? workspace(`${id}-${index}`, plan.given) : shared;
      const line = plan.plan?.includes(index) ? `${example} --plan` : example;
      const result = sh(line, join(ws, plan.cwd?.[index] ?? '.'));
      expect(result.code, `${line}\n${result.stderr}`).toBe(0);
      plan.check[index]!({ ws, stdout: result.stdout, stderr: result.stderr });
    }
  }, 600_000);
});
