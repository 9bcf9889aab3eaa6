// The one --json contract (schemas/cli-output.schema.json): every command's --json output, run as users run it, is
// valid against its entry of the schema, writers name what they wrote the same way (output_dir + files), one thing
// has one key across commands, and every failure is {"error": {...}}. The runners' documents (orchestrate, run) are
// checked where those runs happen: test/e2e/orchestrate.test.ts, test/e2e/run.test.ts.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildJson } from '../../src/commands/build.js';
import type { ComposeJson } from '../../src/commands/compose.js';
import type { ExportJson } from '../../src/commands/export.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { CLI_OUTPUT_SCHEMA, expectJsonContract } from '../helpers/json-contract.js';

let tmp: { dir: string; cleanup: () => void };
let useCase: string;
beforeAll(() => {
  tmp = tempDir();
  useCase = join(tmp.dir, 'energy_pipeline');
  cpSync(join(repoRoot, 'test', 'fixtures', 'usecases', 'energy_pipeline'), useCase, { recursive: true });
});
afterAll(() => tmp.cleanup());

async function json(args: string[], exit = 0): Promise<string> {
  const r = await runCli([...args, '--json'], { cwd: tmp.dir });
  expect(r.code, r.stderr).toBe(exit);
  return r.stdout;
}

function expectFilesWritten(out: { output_dir: string; files: string[] }): void {
  for (const file of out.files) expect(existsSync(join(out.output_dir, file)), file).toBe(true);
}

describe('--json: one contract for every command', () => {
  it('the writers (build -> export -> compose) name their output the same way, and one thing has one key', async () => {
    const build = expectJsonContract<BuildJson>('build', await json(['build', 'energy_pipeline']));
    expect(build.output_dir).toBe(useCase);
    expect(build.files).toEqual(['build_and_tag.sh']);
    expectFilesWritten(build);

    const exported = expectJsonContract<ExportJson>(
      'export',
      await json(['export', 'energy_pipeline', 'out/energy', '--pipeline-id', 'p1']),
    );
    expect(exported.use_case_dir).toBe(build.use_case_dir);
    expect(exported.output_dir).toBe(join(tmp.dir, 'out', 'energy'));
    expectFilesWritten(exported);
    // The compose service whose image build tags is the node export names, under the same keys.
    const tagged = new Map(build.images.map((i) => [i.service, i.tagged]));
    for (const node of exported.nodes) expect(node.image).toBe(tagged.get(node.service));

    const compose = expectJsonContract<ComposeJson>(
      'compose',
      await json(['compose', 'out/energy', '--orchestrator-path', repoRoot, '-o', 'deploy/compose.yaml']),
    );
    expect(compose.export_dir).toBe(exported.output_dir);
    expect(compose.output_dir).toBe(join(tmp.dir, 'deploy'));
    expect(compose.files).toEqual(['compose.yaml', '.env']);
    expectFilesWritten(compose);
    expect(compose.services.map((s) => s.container)).toEqual(exported.nodes.map((n) => n.container));
    expect(compose.next[0]).toBe(
      `docker compose -f deploy/compose.yaml up --build --abort-on-container-exit --exit-code-from orchestrator orchestrator`,
    );
  });

  it('orchestrate --plan and version', async () => {
    await json(['export', 'energy_pipeline', 'out/plan']);
    const plan = expectJsonContract<{ start_nodes: string[] }>(
      'orchestrate_plan',
      await json(['orchestrate', 'out/plan', '--plan']),
    );
    expect(plan.start_nodes).toContain('data_generator1:GenerateData');
    const version = expectJsonContract<{ version: string }>('version', await json(['version']));
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(version.version).toBe(pkg.version);
  });

  it('every failure is {"error": {code, message, ...}}: usage, input, unknown command', async () => {
    const cases: [string[], number, string][] = [
      [['build'], 2, 'USAGE'],
      [['compose', '.', '--bogus'], 2, 'USAGE'],
      [['export', 'missing', 'out/x'], 1, 'NOT_A_DIRECTORY'],
      [['orchestrate', 'nowhere'], 1, 'NOT_A_DIRECTORY'],
      [['exprot', 'energy_pipeline'], 2, 'UNKNOWN_COMMAND'],
    ];
    for (const [args, exit, code] of cases) {
      const out = expectJsonContract<{ error: { code: string } }>('error', await json(args, exit));
      expect(out.error.code, args.join(' ')).toBe(code);
    }
  });

  it('the schema itself: every key it declares is snake_case, and a camelCase key fails it', () => {
    const schema = JSON.parse(readFileSync(CLI_OUTPUT_SCHEMA, 'utf8')) as unknown;
    const keys: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties') keys.push(...Object.keys(value as object));
        walk(value);
      }
    };
    walk(schema);
    expect(keys.length).toBeGreaterThan(30);
    expect(keys.filter((k) => !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(k))).toEqual([]);

    const version = { name: 'aieffect', version: '1', node_version: '20', platform: 'linux', arch: 'x64' };
    expect(() => expectJsonContract('version', JSON.stringify({ ...version, nodeVersion: '20' }))).toThrow();
    expect(() =>
      expectJsonContract('error', JSON.stringify({ error: { code: 'X', message: 'm', outDir: '/x' } })),
    ).toThrow();
  });
});
