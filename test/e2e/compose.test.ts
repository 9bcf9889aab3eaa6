// e2e: `aieffect compose` run as a process on the Graphene sample (read-only, reached through a symlink so paths in
// the output are stable), on a generated 50-node package, with and without the orchestrator. Every file written is
// compared with its golden file, accepted by Docker Compose's own parser (`docker-compose config -q`) and checked
// field by field after parsing; every error leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectGolden } from '../golden/golden.js';
import { createDockerStub } from '../helpers/docker-stub.js';
import { listFiles, repoRoot, runCli, sharedFixtures, tempDir } from '../helpers/cli.js';
import type { ComposeJson } from '../../src/commands/compose.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import { writeOrchestratorContext } from '../helpers/orchestrator-context.js';
import { chain, writePackage } from '../fixtures/deploy/package.js';

const graphene = join(sharedFixtures, 'graphene-sudoku');

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
  // tmp/export -> the Graphene sample, tmp/orchestrator/Dockerfile.orchestrator, output under tmp/deploy: relative
  // paths in the compose file are then the same on every machine.
  symlinkSync(graphene, join(tmp.dir, 'export'));
  writeOrchestratorContext(join(tmp.dir, 'orchestrator'));
});
afterEach(() => tmp.cleanup());

interface ComposeFile {
  services: Record<string, Record<string, unknown>>;
  networks: Record<string, unknown>;
}

function readCompose(path: string): ComposeFile {
  return yaml.load(readFileSync(path, 'utf8')) as ComposeFile;
}

/** The orchestrator's base image as Compose reads the file here: AIEFFECT_NODE_IMAGE when set, else the default. */
const nodeImage = process.env.AIEFFECT_NODE_IMAGE || 'node:22-bookworm-slim';

/** `docker-compose -f FILE config -q` must accept it; returns Compose's own normalized reading of the file. */
function composeAccepts(path: string): ComposeFile {
  const check = spawnSync('docker-compose', ['-f', path, 'config', '-q'], { encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
  const normalized = spawnSync('docker-compose', ['-f', path, 'config'], { encoding: 'utf8' });
  expect(normalized.status).toBe(0);
  return yaml.load(normalized.stdout) as ComposeFile;
}

const grapheneNodes = [
  { name: 'sudoku-aspsolver1', image: 'cicd.ai4eu-dev.eu:7444/tutorials/sudoku:aspsolver-1.1', port: 8003 },
  {
    name: 'sudoku-design-evaluator-stream1',
    image: 'cicd.ai4eu-dev.eu:7444/tutorials/sudoku/ai4eu-sudoku:evaluator-1.5',
    port: 8002,
  },
  { name: 'sudoku-gui-stream1', image: 'cicd.ai4eu-dev.eu:7444/tutorials/sudoku:gui-1.5', port: 8001 },
];

// The platform's convention (src/deploy/ports.ts): every model listens on 8061, whatever dockerinfo says.
const grapheneNotes = (orchestrated: boolean) =>
  [
    'export/dockerinfo.json: entry "orchestrator" is the platform\'s own orchestrator, not a node: ignored',
    ...grapheneNodes.map(
      (n) =>
        `${n.name}: dockerinfo address "localhost" is a loopback address, which inside the network reaches only the caller; ` +
        (orchestrated
          ? `the orchestrator is given --address ${n.name}=${n.name}:8061`
          : `inside the network the service is ${n.name}:8061`),
    ),
    '',
  ].join('\n');
const graphenePortRule =
  'ports: Graphene/AI4EU package (export/blueprint.json: probeIndicator, input_ports, proto_uri in the platform repository (org/acumos/...)), so each service listens on gRPC 8061 and serves its web UI on 8062, whatever export/dockerinfo.json says';

describe('aieffect compose on the Graphene sample', () => {
  it('without orchestrator: one service per node, published ports from 50051, ./data created', async () => {
    const before = listFiles(graphene);
    const res = await runCli(['compose', 'export', '--output', 'deploy/docker-compose.yml'], { cwd: tmp.dir });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        'wrote deploy/docker-compose.yml: 3 services, published ports 50051-50053 (gRPC), 50054-50056 (web UI)',
        graphenePortRule,
        'project sudoku-stream (COMPOSE_PROJECT_NAME in deploy/.env)',
        'created deploy/data/ (mounted at /app/data in every service)',
        'next:',
        '  docker compose -f deploy/docker-compose.yml up -d',
        '  aieffect orchestrate export --address sudoku-aspsolver1=localhost:50051 --address sudoku-design-evaluator-stream1=localhost:50052 --address sudoku-gui-stream1=localhost:50053',
        '  docker compose -f deploy/docker-compose.yml down -v',
        '',
      ].join('\n'),
    );
    expect(res.stderr).toBe(grapheneNotes(false));
    const file = join(tmp.dir, 'deploy', 'docker-compose.yml');
    expectGolden('compose/graphene-sudoku.yml', readFileSync(file, 'utf8'));
    expect(statSync(join(tmp.dir, 'deploy', 'data')).isDirectory()).toBe(true);
    expect(listFiles(graphene)).toEqual(before);

    const doc = readCompose(file);
    expect(Object.keys(doc.services)).toEqual(grapheneNodes.map((n) => n.name));
    grapheneNodes.forEach((n, i) => {
      expect(doc.services[n.name]).toEqual({
        image: n.image,
        environment: { GRPC_PORT: '8061', SERVICE_NAME: n.name },
        ports: [`${50051 + i}:8061`, `${50054 + i}:8062`],
        volumes: ['./data:/app/data'],
        networks: ['ai-effect-pipeline'],
        restart: 'unless-stopped',
      });
    });
    // No fixed names: Compose prefixes the network and the containers with the project name.
    expect(doc.networks).toEqual({ 'ai-effect-pipeline': { driver: 'bridge' } });

    const normalized = composeAccepts(file);
    expect(normalized.services['sudoku-gui-stream1']!.ports).toEqual([
      { published: 50053, target: 8061 },
      { published: 50056, target: 8062 },
    ]);
    expect(normalized.services['sudoku-gui-stream1']!.volumes).toEqual([
      `${join(tmp.dir, 'deploy', 'data')}:/app/data:rw`,
    ]);
  });

  it('with --orchestrator-path: the orchestrator is built, mounts the export read-only and is told where each node is', async () => {
    const res = await runCli(
      ['compose', 'export', '--orchestrator-path', 'orchestrator', '--output', 'deploy/docker-compose.yml'],
      { cwd: tmp.dir },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        'wrote deploy/docker-compose.yml: 3 services + orchestrator (aieffect-orchestrator:latest built from ../orchestrator), published ports 50051-50053 (gRPC), 50054-50056 (web UI)',
        graphenePortRule,
        'project sudoku-stream (COMPOSE_PROJECT_NAME in deploy/.env)',
        'created deploy/data/ (mounted at /app/data in every service)',
        'next:',
        '  docker compose -f deploy/docker-compose.yml up --build --abort-on-container-exit --exit-code-from orchestrator orchestrator',
        '  docker compose -f deploy/docker-compose.yml logs',
        '  docker compose -f deploy/docker-compose.yml down -v',
        '',
      ].join('\n'),
    );
    expect(res.stderr).toBe(grapheneNotes(true));
    const file = join(tmp.dir, 'deploy', 'docker-compose.yml');
    expectGolden('compose/graphene-sudoku.orchestrator.yml', readFileSync(file, 'utf8'));

    const doc = readCompose(file);
    expect(Object.keys(doc.services)).toEqual([...grapheneNodes.map((n) => n.name), 'orchestrator']);
    expect(doc.services.orchestrator).toEqual({
      // The base image from AIEFFECT_NODE_IMAGE when set (a mirror; the Docker tests' local base), as the image built
      // before; the image tagged with the package's version (none in this stand-in): one for every project.
      build: {
        context: '../orchestrator',
        dockerfile: 'Dockerfile.orchestrator',
        args: { NODE_IMAGE: '${AIEFFECT_NODE_IMAGE:-node:22-bookworm-slim}' },
      },
      image: 'aieffect-orchestrator:latest',
      command: [
        '/export',
        '--output',
        '/app/data/run-result.json',
        ...grapheneNodes.flatMap((n) => ['--address', `${n.name}=${n.name}:8061`]),
      ],
      volumes: ['../export:/export:ro', './data:/app/data'],
      networks: ['ai-effect-pipeline'],
      depends_on: Object.fromEntries(grapheneNodes.map((n) => [n.name, { condition: 'service_started' }])),
      restart: 'no',
    });
    const normalized = composeAccepts(file);
    expect(normalized.services.orchestrator!.restart).toBe('no');
    expect(normalized.services.orchestrator!.build).toEqual({
      context: join(tmp.dir, 'orchestrator'),
      dockerfile: 'Dockerfile.orchestrator',
      args: { NODE_IMAGE: nodeImage },
    });
  });

  it('with --orchestrator-path at this repository: built from its Dockerfile.orchestrator', async () => {
    const res = await runCli(
      ['compose', 'export', '--orchestrator-path', repoRoot, '--output', 'deploy/docker-compose.yml'],
      {
        cwd: tmp.dir,
      },
    );
    expect(res.code).toBe(0);
    const file = join(tmp.dir, 'deploy', 'docker-compose.yml');
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    expect(readCompose(file).services.orchestrator).toMatchObject({
      build: { context: relative(join(tmp.dir, 'deploy'), repoRoot), dockerfile: 'Dockerfile.orchestrator' },
      image: `aieffect-orchestrator:${version}`,
    });
    expect(composeAccepts(file).services.orchestrator!.build).toEqual({
      context: resolve(repoRoot),
      dockerfile: 'Dockerfile.orchestrator',
      args: { NODE_IMAGE: nodeImage },
    });
  });

  it('with --orchestrator-image: the orchestrator runs that image', async () => {
    const res = await runCli(
      ['compose', 'export', '--orchestrator-image', 'ghcr.io/example/aieffect:0.1.0', '--output', 'deploy/x.yml'],
      { cwd: tmp.dir },
    );
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe(
      'wrote deploy/x.yml: 3 services + orchestrator (ghcr.io/example/aieffect:0.1.0), published ports 50051-50053 (gRPC), 50054-50056 (web UI)',
    );
    expect(res.stdout).toContain(
      '  docker compose -f deploy/x.yml up --abort-on-container-exit --exit-code-from orchestrator orchestrator\n',
    );
    const file = join(tmp.dir, 'deploy', 'x.yml');
    const orchestrator = readCompose(file).services.orchestrator!;
    expect(orchestrator.image).toBe('ghcr.io/example/aieffect:0.1.0');
    expect(orchestrator.build).toBeUndefined();
    composeAccepts(file);
  });

  it('--ephemeral-ports: the web UI and gRPC ports published on host ports the engine picks; Compose accepts it', async () => {
    const res = await runCli(
      ['compose', 'export', '--ephemeral-ports', '--output', 'deploy/docker-compose.yml', '--json'],
      { cwd: tmp.dir },
    );
    expect(res.code).toBe(0);
    const out = expectJsonContract<ComposeJson>('compose', res.stdout);
    expect(out.services.map((s) => [s.published, s.web_ui])).toEqual(
      grapheneNodes.map(() => [null, { port: 8062, published: null }]),
    );
    const normalized = composeAccepts(join(tmp.dir, 'deploy', 'docker-compose.yml'));
    expect(normalized.services['sudoku-gui-stream1']!.ports).toEqual([{ target: 8061 }, { target: 8062 }]);
    const both = await runCli(['compose', 'export', '--ephemeral-ports', '--base-port', '6000'], { cwd: tmp.dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      'error --base-port=6000 cannot also be provided when using --ephemeral-ports\n' +
        '  hint: see `aieffect compose --help` for usage\n',
    );
  }, 180_000);

  it('--json: the plan as JSON on stdout, notes not mixed in', async () => {
    const res = await runCli(
      ['compose', 'export', '--base-port', '6000', '--output', 'deploy/docker-compose.yml', '--json'],
      { cwd: tmp.dir },
    );
    expect(res.code).toBe(0);
    const out = expectJsonContract<ComposeJson>('compose', res.stdout);
    expect(out.output_dir).toBe(join(tmp.dir, 'deploy'));
    // The compose file, and the .env beside it with the project name (written only when that line changes).
    expect(out.files).toEqual(['docker-compose.yml', '.env']);
    expect(out.project).toEqual({
      name: 'sudoku-stream',
      env_file: join(tmp.dir, 'deploy', '.env'),
      source: 'pipeline',
    });
    expect(out.export_dir).toBe(join(tmp.dir, 'export'));
    expect(out.data_dir).toBe(join(tmp.dir, 'deploy', 'data'));
    expect(out.orchestrator).toBeNull();
    expect(out.port_rule).toBe(graphenePortRule);
    expect(out.services).toEqual(
      grapheneNodes.map((n, i) => ({
        container: n.name,
        image: n.image,
        port: 8061,
        dial: n.port,
        rule: 'graphene',
        published: 6000 + i,
        web_ui: { port: 8062, published: 6003 + i },
        override: `${n.name}:8061`,
        condition: 'service_started',
      })),
    );
    expect(out.notes).toHaveLength(4);
    expect(out.next[1]).toBe(
      'aieffect orchestrate export --address sudoku-aspsolver1=localhost:6000 --address sudoku-design-evaluator-stream1=localhost:6001 --address sudoku-gui-stream1=localhost:6002',
    );
  });

  it('--container-port: one container listens elsewhere, the others keep the convention; Compose accepts it', async () => {
    const res = await runCli(
      [
        'compose',
        'export',
        '--orchestrator-image',
        'aieffect:1',
        '--container-port',
        'sudoku-aspsolver1=50051',
        '--output',
        'deploy/docker-compose.yml',
      ],
      { cwd: tmp.dir },
    );
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[1]).toBe(`${graphenePortRule}; --container-port: sudoku-aspsolver1 50051`);
    const file = join(tmp.dir, 'deploy', 'docker-compose.yml');
    const doc = readCompose(file);
    expect(doc.services['sudoku-aspsolver1']!.ports).toEqual(['50051:50051', '50054:8062']);
    expect(doc.services['sudoku-aspsolver1']!.environment).toEqual({
      GRPC_PORT: '50051',
      SERVICE_NAME: 'sudoku-aspsolver1',
    });
    expect(doc.services['sudoku-gui-stream1']!.ports).toEqual(['50053:8061', '50056:8062']);
    expect(doc.services.orchestrator!.command).toEqual([
      '/export',
      '--output',
      '/app/data/run-result.json',
      '--address',
      'sudoku-aspsolver1=sudoku-aspsolver1:50051',
      '--address',
      'sudoku-design-evaluator-stream1=sudoku-design-evaluator-stream1:8061',
      '--address',
      'sudoku-gui-stream1=sudoku-gui-stream1:8061',
    ]);
    composeAccepts(file);
  });

  it('is byte-identical when generated twice', async () => {
    const args = ['compose', 'export', '--orchestrator-path', 'orchestrator', '--output', 'deploy/docker-compose.yml'];
    expect((await runCli(args, { cwd: tmp.dir })).code).toBe(0);
    const first = readFileSync(join(tmp.dir, 'deploy', 'docker-compose.yml'));
    expect((await runCli(args, { cwd: tmp.dir })).code).toBe(0);
    expect(readFileSync(join(tmp.dir, 'deploy', 'docker-compose.yml')).equals(first)).toBe(true);
  });
});

describe('aieffect compose on the export of the fixture use case (build -> export -> compose)', () => {
  const services = ['data-analyzer', 'data-generator', 'report-generator'];

  it('the images the build script tags are the ones the compose file runs; aliases make dockerinfo work unchanged', async () => {
    cpSync(join(repoRoot, 'test', 'fixtures', 'usecases', 'energy_pipeline'), join(tmp.dir, 'energy_pipeline'), {
      recursive: true,
    });
    const build = await runCli(['build', 'energy_pipeline', '--json'], { cwd: tmp.dir });
    expect(build.code).toBe(0);
    const tagged = (JSON.parse(build.stdout) as { images: { tagged: string }[] }).images.map((i) => i.tagged);
    expect(tagged).toEqual(services.map((s) => `energy_pipeline-${s}:latest`));
    const exported = await runCli(['export', 'energy_pipeline', 'energy_export', '--pipeline-id', 'pinned'], {
      cwd: tmp.dir,
      env: { SOURCE_DATE_EPOCH: '1700000000' },
    });
    expect(exported.code).toBe(0);

    const res = await runCli(
      ['compose', 'energy_export', '--orchestrator-path', 'orchestrator', '--output', 'deploy/docker-compose.yml'],
      { cwd: tmp.dir },
    );
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const file = join(tmp.dir, 'deploy', 'docker-compose.yml');
    expectGolden('compose/energy_pipeline.orchestrator.yml', readFileSync(file, 'utf8'));
    const doc = readCompose(file);
    expect(Object.keys(doc.services)).toEqual([
      'data_analyzer1',
      'data_generator1',
      'report_generator1',
      'orchestrator',
    ]);
    services.forEach((service, i) => {
      const name = `${service.replace(/-/g, '_')}1`;
      expect(doc.services[name]).toEqual({
        image: tagged[i],
        environment: { GRPC_PORT: '50051', SERVICE_NAME: name },
        ports: [`${50051 + i}:50051`],
        volumes: ['./data:/app/data'],
        networks: { 'ai-effect-pipeline': { aliases: [service] } },
        restart: 'unless-stopped',
      });
    });
    expect(doc.services.orchestrator).toEqual({
      // The base image from AIEFFECT_NODE_IMAGE when set (a mirror; the Docker tests' local base), as the image built
      // before; the image tagged with the package's version (none in this stand-in): one for every project.
      build: {
        context: '../orchestrator',
        dockerfile: 'Dockerfile.orchestrator',
        args: { NODE_IMAGE: '${AIEFFECT_NODE_IMAGE:-node:22-bookworm-slim}' },
      },
      image: 'aieffect-orchestrator:latest',
      command: ['/export', '--output', '/app/data/run-result.json'],
      volumes: ['../energy_export:/export:ro', './data:/app/data'],
      networks: ['ai-effect-pipeline'],
      depends_on: {
        data_analyzer1: { condition: 'service_started' },
        data_generator1: { condition: 'service_started' },
        report_generator1: { condition: 'service_started' },
      },
      restart: 'no',
    });
    const normalized = composeAccepts(file);
    expect(normalized.services.data_generator1!.networks).toEqual({
      'ai-effect-pipeline': { aliases: ['data-generator'] },
    });

    // Without the orchestrator, into the export folder itself.
    const plain = await runCli(['compose', 'energy_export'], { cwd: tmp.dir });
    expect(plain.code).toBe(0);
    const inExport = join(tmp.dir, 'energy_export', 'docker-compose.yml');
    expect(Object.keys(readCompose(inExport).services)).toEqual([
      'data_analyzer1',
      'data_generator1',
      'report_generator1',
    ]);
    expect(statSync(join(tmp.dir, 'energy_export', 'data')).isDirectory()).toBe(true);
    composeAccepts(inExport);
  });
});

describe('aieffect compose on a generated 50-node package', () => {
  it('writes into the export folder by default; aliases from dockerinfo; ports 50051-50100; Compose accepts it', async () => {
    const nodes = chain(50);
    const dir = writePackage(join(tmp.dir, 'big_pipeline'), nodes);
    const res = await runCli(['compose', 'big_pipeline', '--orchestrator-path', 'orchestrator'], { cwd: tmp.dir });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout.split('\n')[0]).toBe(
      'wrote big_pipeline/docker-compose.yml: 50 services + orchestrator (aieffect-orchestrator:latest built from ../orchestrator), published ports 50051-50100',
    );
    const file = join(dir, 'docker-compose.yml');
    expect(statSync(join(dir, 'data')).isDirectory()).toBe(true);
    const doc = readCompose(file);
    expect(Object.keys(doc.services)).toEqual([...nodes.map((n) => n.name), 'orchestrator']);
    nodes.forEach((n, i) => {
      const s = doc.services[n.name]!;
      expect(s.image).toBe(n.image);
      expect(s.container_name).toBeUndefined();
      expect(s.environment).toEqual({ GRPC_PORT: '50051', SERVICE_NAME: n.name });
      expect(s.ports).toEqual([`${50051 + i}:50051`]);
      expect(s.networks).toEqual({ 'ai-effect-pipeline': { aliases: [n.address] } });
    });
    // Every address is a usable alias, so the orchestrator reads them from dockerinfo.json unchanged.
    expect(doc.services.orchestrator!.command).toEqual(['/export', '--output', '/app/data/run-result.json']);
    expect(doc.services.orchestrator!.volumes).toEqual(['.:/export:ro', './data:/app/data']);
    expect(Object.keys(doc.services.orchestrator!.depends_on as object)).toHaveLength(50);

    const normalized = composeAccepts(file);
    expect(Object.keys(normalized.services)).toHaveLength(51);
    expect(normalized.services['stage-491']!.ports).toEqual([{ published: 50100, target: 50051 }]);
  });

  it('without orchestrator: Compose accepts it too', async () => {
    writePackage(join(tmp.dir, 'big_pipeline'), chain(50));
    const res = await runCli(['compose', 'big_pipeline', '--output', 'out/compose.yml', '--base-port', '7000'], {
      cwd: tmp.dir,
    });
    expect(res.code).toBe(0);
    const file = join(tmp.dir, 'out', 'compose.yml');
    const doc = readCompose(file);
    expect(Object.keys(doc.services)).toHaveLength(50);
    expect(doc.services['stage-011']!.ports).toEqual(['7001:50051']);
    composeAccepts(file);
  });

  it('the node order in blueprint.json does not change a byte', async () => {
    const nodes = chain(12);
    writePackage(join(tmp.dir, 'a'), nodes);
    writePackage(join(tmp.dir, 'b'), [...nodes].reverse());
    for (const dir of ['a', 'b'])
      expect((await runCli(['compose', dir, '--orchestrator-image', 'aieffect:1'], { cwd: tmp.dir })).code).toBe(0);
    expect(readFileSync(join(tmp.dir, 'b', 'docker-compose.yml'), 'utf8')).toBe(
      readFileSync(join(tmp.dir, 'a', 'docker-compose.yml'), 'utf8'),
    );
  });

  it('--inspect-images: service_healthy for images the engine says carry a HEALTHCHECK', async () => {
    const nodes = chain(3);
    writePackage(join(tmp.dir, 'p'), nodes);
    const stub = createDockerStub(join(tmp.dir, 'stub'), {
      healthyImages: [nodes[1]!.image!],
      missingImages: [nodes[2]!.image!],
    });
    const res = await runCli(['compose', 'p', '--orchestrator-image', 'aieffect:1', '--inspect-images'], {
      cwd: tmp.dir,
      env: { PATH: stub.path },
    });
    expect(res.code).toBe(0);
    const file = join(tmp.dir, 'p', 'docker-compose.yml');
    expect(readCompose(file).services.orchestrator!.depends_on).toEqual({
      'stage-001': { condition: 'service_started' },
      'stage-011': { condition: 'service_healthy' },
      'stage-021': { condition: 'service_started' },
    });
    // The preflight first, then one inspect per image (a few at a time, so in no fixed order).
    const [preflight, ...inspects] = stub.calls().map((c) => c.args);
    expect(preflight).toEqual(['info', '--format', '{{.ServerVersion}}']);
    expect(inspects.sort()).toEqual(
      nodes.map((n) => ['image', 'inspect', '--format', '{{json .Config.Healthcheck}}', n.image!]),
    );
    composeAccepts(file);
  });
});

describe('aieffect compose: errors, each with nothing written', () => {
  async function expectError(
    args: string[],
    exit: number,
    lines: string[],
    code: string,
    watched = tmp.dir,
  ): Promise<void> {
    const before = listFiles(watched);
    const res = await runCli(['compose', ...args], { cwd: tmp.dir });
    expect(res.code).toBe(exit);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe([...lines, ''].join('\n'));
    expect(listFiles(watched)).toEqual(before);
    const json = await runCli(['compose', ...args, '--json'], { cwd: tmp.dir });
    expect(json.code).toBe(exit);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code, message: lines[0]!.replace(/^error /, '') });
    expect(listFiles(watched)).toEqual(before);
  }

  it('a node without image', async () => {
    writePackage(join(tmp.dir, 'p'), [{ name: 'a1', image: 'a:1' }, { name: 'b1' }]);
    await expectError(
      ['p'],
      1,
      [
        'error p/blueprint.json /nodes/1: node "b1" has no image',
        '  hint: each node needs the Docker image it runs; `aieffect export` writes <use_case>-<service>:latest',
      ],
      'NODE_WITHOUT_IMAGE',
    );
  });

  it('dockerinfo missing a node', async () => {
    writePackage(join(tmp.dir, 'p'), [
      { name: 'a1', image: 'a:1' },
      { name: 'b1', image: 'b:1', noDockerinfo: true },
    ]);
    await expectError(
      ['p'],
      1,
      [
        'error p/dockerinfo.json /docker_info_list: no entry for container "b1" (p/blueprint.json /nodes/1)',
        '  hint: every blueprint node needs its address (container_name, ip_address, port) in dockerinfo.json',
      ],
      'MISSING_DOCKERINFO_ENTRY',
    );
  });

  it('published ports past 65535', async () => {
    writePackage(join(tmp.dir, 'p'), chain(3));
    await expectError(
      ['p', '--base-port', '65534'],
      2,
      [
        'error --base-port 65534: 3 services need published ports 65534-65536, past 65535',
        '  hint: use --base-port 65533 or lower',
      ],
      'PORT_RANGE',
    );
  });

  it('an orchestrator path without Dockerfile.orchestrator', async () => {
    writePackage(join(tmp.dir, 'p'), chain(2));
    mkdirSync(join(tmp.dir, 'not-the-repo'));
    await expectError(
      ['p', '--orchestrator-path', 'not-the-repo'],
      1,
      [
        'error --orchestrator-path not-the-repo: no Dockerfile.orchestrator there',
        '  hint: give the folder holding Dockerfile.orchestrator (the aieffect repository, or the installed package: "$(npm root -g)/aieffect"), or use --orchestrator-image',
      ],
      'ORCHESTRATOR_DOCKERFILE_MISSING',
    );
  });

  it('an orchestrator path with Dockerfile.orchestrator but not the compiled CLI (a clone before npm run build)', async () => {
    writePackage(join(tmp.dir, 'p'), chain(2));
    mkdirSync(join(tmp.dir, 'clone'));
    writeFileSync(join(tmp.dir, 'clone', 'Dockerfile.orchestrator'), 'FROM scratch\n');
    writeFileSync(join(tmp.dir, 'clone', 'package.json'), '{}\n');
    await expectError(
      ['p', '--orchestrator-path', 'clone'],
      1,
      [
        'error --orchestrator-path clone: no oclif.manifest.json, bin/run.js, dist there; Dockerfile.orchestrator builds the image from the compiled CLI',
        '  hint: run `npm run build` in clone, or give an installed copy: --orchestrator-path "$(npm root -g)/aieffect"',
      ],
      'ORCHESTRATOR_NOT_BUILT',
    );
  });

  it('a node named like the orchestrator service', async () => {
    writePackage(join(tmp.dir, 'p'), [
      { name: 'a1', image: 'a:1' },
      { name: 'orchestrator', image: 'o:1' },
    ]);
    await expectError(
      ['p', '--orchestrator-image', 'aieffect:1'],
      1,
      [
        'error p/blueprint.json /nodes/1/container_name: node "orchestrator" collides with the orchestrator service the compose file adds',
        '  hint: rename the node in the blueprint, or leave out --orchestrator-path/--orchestrator-image',
      ],
      'SERVICE_NAME_COLLISION',
    );
  });

  it('hostile names: a container `a;rm -rf ~`, an image `$(id)`', async () => {
    writePackage(join(tmp.dir, 'p'), [{ name: 'a;rm -rf ~', image: 'a:1', address: 'a' }]);
    await expectError(
      ['p'],
      1,
      [
        'error p/blueprint.json /nodes/0/container_name: "a;rm -rf ~" is not a valid Docker container or Compose service name (allowed: letters, digits, ".", "_" and "-", starting with a letter or digit)',
      ],
      'INVALID_SERVICE_NAME',
    );
    writePackage(join(tmp.dir, 'q'), [{ name: 'a1', image: '$(id)' }]);
    await expectError(
      ['q'],
      1,
      [
        'error q/blueprint.json /nodes/0/image: "$(id)" is not a valid Docker image name (allowed: lowercase letters, digits and the separators ".", "_", "-" between them, "/" between path parts, then an optional ":tag")',
      ],
      'INVALID_IMAGE_NAME',
    );
  });

  it('bad dockerinfo entries: a port past 65535, an address that is no host name, a container listed twice', async () => {
    writePackage(join(tmp.dir, 'p'), [{ name: 'a1', image: 'a:1', port: '99999' }]);
    await expectError(
      ['p'],
      1,
      ['error p/dockerinfo.json /docker_info_list/0/port: port "99999" of "a1" is not between 1 and 65535'],
      'INVALID_PORT',
    );
    writePackage(join(tmp.dir, 'q'), [{ name: 'a1', image: 'a:1', address: 'no such host' }]);
    await expectError(
      ['q'],
      1,
      [
        'error q/dockerinfo.json /docker_info_list/0/ip_address: "no such host" of "a1" is neither a host name nor an IP address',
      ],
      'INVALID_ADDRESS',
    );
    writePackage(
      join(tmp.dir, 'r'),
      [{ name: 'a1', image: 'a:1' }],
      [{ container_name: 'a1', ip_address: 'x', port: 1 }],
    );
    await expectError(
      ['r'],
      1,
      ['error r/dockerinfo.json /docker_info_list/1/container_name: container "a1" appears twice'],
      'DUPLICATE_DOCKERINFO_ENTRY',
    );
  });

  it('--container-port naming no node, or not a port: usage errors', async () => {
    writePackage(join(tmp.dir, 'p'), chain(2));
    await expectError(
      ['p', '--container-port', 'stage-991=9000'],
      2,
      [
        'error --container-port stage-991=9000: no container "stage-991" in the blueprint (containers: stage-001, stage-011)',
        '  hint: give a container_name of blueprint.json, or a bare port for every container',
      ],
      'INVALID_CONTAINER_PORT',
    );
    await expectError(
      ['p', '--container-port', 'stage-001=http'],
      2,
      [
        'error --container-port stage-001=http: expected [container=]PORT, PORT from 1 to 65535',
        '  hint: e.g. --container-port 8061 (every container) or --container-port my-model1=9000 (one)',
      ],
      'INVALID_CONTAINER_PORT',
    );
  });

  it('--output naming a directory', async () => {
    writePackage(join(tmp.dir, 'p'), chain(2));
    mkdirSync(join(tmp.dir, 'out'));
    await expectError(
      ['p', '--output', 'out'],
      2,
      ['error --output out: is a folder, not a file', '  hint: give a file name, e.g. --output out/docker-compose.yml'],
      'OUTPUT_IS_DIRECTORY',
    );
  });

  it('no such export folder', async () => {
    await expectError(
      ['missing'],
      1,
      ['error missing: no such directory', '  hint: give the folder of an export package'],
      'NOT_A_DIRECTORY',
    );
  });

  it('usage: both orchestrator options, or a base port out of range, exit 2', async () => {
    writePackage(join(tmp.dir, 'p'), chain(2));
    const before = listFiles(tmp.dir);
    const both = await runCli(['compose', 'p', '--orchestrator-path', 'orchestrator', '--orchestrator-image', 'x:1'], {
      cwd: tmp.dir,
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      'error --orchestrator-image=x:1 cannot also be provided when using --orchestrator-path\n' +
        '  hint: see `aieffect compose --help` for usage\n',
    );
    const zero = await runCli(['compose', 'p', '--base-port', '0'], { cwd: tmp.dir });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe(
      'error --base-port: Expected an integer greater than or equal to 1 but received: 0\n' +
        '  hint: see `aieffect compose --help` for usage\n',
    );
    expect(listFiles(tmp.dir)).toEqual(before);
  });

  it('--project-name that Compose would not take: exit 2', async () => {
    writePackage(join(tmp.dir, 'p'), chain(2));
    await expectError(
      ['p', '--project-name', 'Energy B'],
      2,
      [
        'error --project-name "Energy B": allowed: lowercase letters, digits, "_" and "-", starting with a letter or digit',
        '  hint: e.g. --project-name generated-pinnedfo-b',
      ],
      'INVALID_PROJECT_NAME',
    );
  });

  it('leaves an existing compose file untouched when the new one is refused', async () => {
    const dir = writePackage(join(tmp.dir, 'p'), chain(2));
    expect((await runCli(['compose', 'p'], { cwd: tmp.dir })).code).toBe(0);
    const before = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    const res = await runCli(['compose', 'p', '--base-port', '65535'], { cwd: tmp.dir });
    expect(res.code).toBe(2);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'data'))).toBe(true);
  });
});
