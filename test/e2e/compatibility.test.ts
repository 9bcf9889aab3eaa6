// Real packages in: the shapes the original AI-Effect tools wrote (test/fixtures/packages, see its NOTICE.md) and the
// Graphene sample plan and compose with no edit, and each broken shape gets its one line, exit 1, nothing written.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFiles, repoRoot, runCli, sharedFixtures, tempDir } from '../helpers/cli.js';

const packages = join(repoRoot, 'test', 'fixtures', 'packages');
const usecases = join(repoRoot, 'test', 'fixtures', 'usecases');

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('aieffect-compat-');
});
afterEach(() => tmp.cleanup());

/**
 * A copy of a fixture package in the temporary folder, named `name` there, with its protos put in place as the
 * original generator did: services/<folder>/proto/<folder>.proto of the use case of the same name, as
 * microservice/<folder>1.proto, and nothing else.
 */
function copyPackage(fixture: string, name = fixture): string {
  const dir = join(tmp.dir, name);
  cpSync(join(packages, fixture), dir, { recursive: true });
  const services = join(usecases, fixture, 'services');
  if (existsSync(services)) {
    mkdirSync(join(dir, 'microservice'));
    const containers = new Set(
      (
        JSON.parse(readFileSync(join(dir, 'blueprint.json'), 'utf8')) as { nodes: { container_name: string }[] }
      ).nodes.map((n) => n.container_name),
    );
    for (const folder of readdirSync(services)) {
      if (!containers.has(`${folder}1`)) continue;
      copyFileSync(join(services, folder, 'proto', `${folder}.proto`), join(dir, 'microservice', `${folder}1.proto`));
    }
  }
  return dir;
}

/** docker-compose (v1, Compose's own parser) accepts the file. */
function composeAccepts(file: string): void {
  const check = spawnSync('docker-compose', ['-f', file, 'config', '-q'], { encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
}

describe('well-formed packages of other tools: plan and compose with no edit', () => {
  it("the original tools' export (Python date, 4-space JSON, string ports, their metadata keys): plan, compose, graph", async () => {
    copyPackage('original_file_based', 'pkg');
    const plan = await runCli(['orchestrate', 'pkg', '--plan'], { cwd: tmp.dir });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('pipeline File Based Energy Pipeline: 4 nodes, 3 links, 4 levels\n');
    expect(plan.stdout).toContain(
      '  data_generator1:GenerateData -> data_analyzer1:AnalyzeData  (mapped: file_path; left at default / from --input: anomaly_threshold)\n',
    );
    expect(plan.stdout).toContain('  data_analyzer1     data-analyzer:50051\n');

    const before = listFiles(join(tmp.dir, 'pkg'));
    const compose = await runCli(['compose', 'pkg', '--orchestrator-image', 'aieffect:1'], { cwd: tmp.dir });
    expect(compose.stderr).toBe('');
    expect(compose.code).toBe(0);
    expect(compose.stdout.split('\n').slice(0, 2)).toEqual([
      'wrote pkg/docker-compose.yml: 4 services + orchestrator (aieffect:1), published ports 50051-50054',
      'ports: AI-Effect package, so each service listens on its pkg/dockerinfo.json port, given to it as GRPC_PORT',
    ]);
    expect(listFiles(join(tmp.dir, 'pkg'))).toEqual([...before, '.env', 'docker-compose.yml'].sort());
    composeAccepts(join(tmp.dir, 'pkg', 'docker-compose.yml'));

    const graph = await runCli(['graph', 'pkg', '--format', 'dot'], { cwd: tmp.dir });
    expect(graph.stderr).toBe('');
    expect(graph.code).toBe(0);
    expect(graph.stdout).toContain('label="File Based Energy Pipeline"');
    expect(graph.stdout).toContain('label="GenerateDataResponse\\n→ AnalyzeDataRequest"');
  });

  it('reads liberally: dates in any format, unknown keys at any level, numeric ports, extra dockerinfo entries', async () => {
    const dir = copyPackage('original_file_based', 'pkg');
    const blueprint = JSON.parse(readFileSync(join(dir, 'blueprint.json'), 'utf8')) as Record<string, unknown> & {
      nodes: Record<string, unknown>[];
    };
    blueprint.creation_date = 1771984552;
    blueprint.x_vendor = { anything: [1, 2] };
    blueprint.nodes[0]!.x_note = 'kept';
    const first = (blueprint.nodes[0]!.operation_signature_list as Record<string, unknown>[])[0]!;
    first.x_op = true;
    (first.operation_signature as Record<string, unknown>).input_message_name = null;
    writeFileSync(join(dir, 'blueprint.json'), JSON.stringify(blueprint, null, 4));
    const dockerinfo = JSON.parse(readFileSync(join(dir, 'dockerinfo.json'), 'utf8')) as {
      docker_info_list: Record<string, unknown>[];
    };
    dockerinfo.docker_info_list[0]!.port = 50051;
    dockerinfo.docker_info_list[0]!.x_zone = 'eu';
    dockerinfo.docker_info_list.push({ container_name: 'orchestrator', ip_address: 'localhost', port: 8004 });
    writeFileSync(join(dir, 'dockerinfo.json'), JSON.stringify(dockerinfo, null, 4));

    const plan = await runCli(['orchestrate', 'pkg', '--plan', '--no-progress'], { cwd: tmp.dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      'note pkg/blueprint.json /creation_date: expected a string, found a number; ignored (informational)',
    );
    const compose = await runCli(['compose', 'pkg'], { cwd: tmp.dir });
    expect(compose.code).toBe(0);
    expect(compose.stderr).toBe(
      [
        'pkg/blueprint.json /creation_date: expected a string, found a number; ignored (informational)',
        'pkg/dockerinfo.json: entry "orchestrator" is the platform\'s own orchestrator, not a node: ignored',
        '',
      ].join('\n'),
    );
    composeAccepts(join(dir, 'docker-compose.yml'));
  });

  it('the Graphene sample (platform output) plans as it is', async () => {
    const plan = await runCli(['orchestrate', join(sharedFixtures, 'graphene-sudoku'), '--plan'], { cwd: tmp.dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('pipeline sudoku-stream: 6 nodes, 4 links');
  });
});

describe('broken packages: one line naming the file and what to do, exit 1, nothing written', () => {
  async function expectBroken(command: string[], lines: string[]): Promise<void> {
    const before = listFiles(tmp.dir);
    const res = await runCli([...command], { cwd: tmp.dir });
    expect(res.stderr).toBe([...lines, ''].join('\n'));
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(listFiles(tmp.dir)).toEqual(before);
  }

  it('dockerinfo.json in the older shape (docker_image_list)', async () => {
    copyPackage('original_image_list', 'pkg');
    const lines = [
      'error pkg/dockerinfo.json: has docker_image_list (an older shape: images, no addresses) instead of docker_info_list',
      '  hint: regenerate the package (`aieffect export`), or write docker_info_list: [{"container_name", "ip_address", "port"}] for every node',
    ];
    await expectBroken(['compose', 'pkg'], lines);
    await expectBroken(['orchestrate', 'pkg', '--plan'], lines);
  });

  it('a dockerinfo under another name (dockerinfo-integrated.json)', async () => {
    const dir = copyPackage('original_file_based', 'pkg');
    renameSync(join(dir, 'dockerinfo.json'), join(dir, 'dockerinfo-integrated.json'));
    const lines = [
      'error pkg/dockerinfo.json: file not found (this package has dockerinfo-integrated.json: rename or copy it)',
      '  hint: aieffect reads dockerinfo.json only, as the platform and the original tools do',
    ];
    await expectBroken(['compose', 'pkg'], lines);
    await expectBroken(['orchestrate', 'pkg', '--plan'], lines);
  });

  it('a proto importing common.proto, which the package does not ship', async () => {
    copyPackage('original_protobuf_based', 'pkg');
    await expectBroken(
      ['orchestrate', 'pkg', '--plan'],
      [
        'error pkg/microservice/data_analyzer1.proto imports "common.proto", which the package does not contain',
        "  hint: add common.proto to pkg/microservice/ (aieffect export ships every import), or ask the package's author for it",
      ],
    );
  });

  it('a proto importing a file outside the package: named, and never read', async () => {
    const dir = copyPackage('original_file_based', 'pkg');
    writeFileSync(join(tmp.dir, 'outside.proto'), 'syntax = "proto3";\nmessage Secret { string s = 1; }\n');
    const proto = join(dir, 'microservice', 'data_analyzer1.proto');
    writeFileSync(
      proto,
      readFileSync(proto, 'utf8').replace(
        'package data_analyzer;',
        'package data_analyzer;\nimport "../../outside.proto";',
      ),
    );
    const lines = [
      'error pkg/microservice/data_analyzer1.proto imports "../../outside.proto", which leads outside the package',
      '  hint: a package is self-contained: ship the imported file in microservice/ and import it by a path inside',
    ];
    await expectBroken(['orchestrate', 'pkg', '--plan'], lines);
    await expectBroken(['orchestrate', 'pkg', '--address', 'data_analyzer1=127.0.0.1:1'], lines);
  });

  it('no microservice/ folder at all', async () => {
    const dir = copyPackage('original_file_based', 'pkg');
    rmSync(join(dir, 'microservice'), { recursive: true });
    await expectBroken(
      ['orchestrate', 'pkg', '--plan'],
      [
        'error pkg/microservice/: no such folder, so the package ships no .proto for node "data_analyzer1" (pkg/blueprint.json /nodes/0)',
        "  hint: a package carries each node's interface as microservice/<container_name>.proto; download or export it again with its protos",
      ],
    );
  });
});
