// The compose plan on in-memory packages: which dockerinfo addresses become network aliases and which become
// `--address` overrides for the orchestrator, port assignment, paths relative to the output file, health conditions.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyHealthchecks, composeRelativePath, planCompose } from '../../src/deploy/compose.js';
import { composeDocument, composeNextSteps, composeSummary, renderCompose } from '../../src/deploy/compose-file.js';
import type { DockerInfoEntry, ExportPackage } from '../../src/platform/types.js';
import { userError } from '../helpers/user-error.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { writeOrchestratorContext } from '../helpers/orchestrator-context.js';

// A folder holding Dockerfile.orchestrator and the compiled package, as --orchestrator-path needs.
let orchestratorDir: string;
let cleanup: () => void;
beforeAll(() => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  orchestratorDir = writeOrchestratorContext(join(tmp.dir, 'aieffect'));
});
afterAll(() => cleanup());

const dir = '/srv/exports/pipe';

function pkg(nodes: { name: string; image?: string }[], dockerinfo: DockerInfoEntry[]): ExportPackage {
  return {
    dir,
    blueprint: {
      nodes: nodes.map((n) => ({
        container_name: n.name,
        ...(n.image !== undefined ? { image: n.image } : {}),
        operation_signature_list: [],
      })),
    },
    dockerinfo: { docker_info_list: dockerinfo },
  };
}

const entry = (container_name: string, ip_address: string, port: string | number = '50051'): DockerInfoEntry => ({
  container_name,
  ip_address,
  port,
});

describe('planCompose: addresses', () => {
  const nodes = [
    { name: 'gen1', image: 'p-gen:latest' },
    { name: 'ana1', image: 'p-ana:latest' },
    { name: 'rep1', image: 'p-rep:latest' },
    { name: 'same', image: 'p-same:latest' },
  ];

  it('an address that is a unique host name becomes an alias; one equal to the name needs none', () => {
    const plan = planCompose(
      pkg(nodes, [entry('gen1', 'gen'), entry('ana1', 'analyzer'), entry('rep1', 'reporter'), entry('same', 'SAME')]),
      { orchestrator: { image: 'o:1' } },
    );
    expect(plan.services.map((s) => [s.name, s.alias, s.override])).toEqual([
      ['ana1', 'analyzer', undefined],
      ['gen1', 'gen', undefined],
      ['rep1', 'reporter', undefined],
      ['same', undefined, undefined],
    ]);
    expect(plan.orchestrator).toEqual({ image: 'o:1', command: ['/export', '--output', '/app/data/run-result.json'] });
    expect(plan.notes).toEqual([]);
  });

  it('loopback, IP, shared and taken addresses become --address overrides for the orchestrator', () => {
    const plan = planCompose(
      pkg(nodes, [
        entry('gen1', 'localhost', 8001),
        entry('ana1', '10.0.0.7', 8002),
        entry('rep1', 'shared'),
        entry('same', 'SHARED', '7000'),
      ]),
      { orchestrator: { path: orchestratorDir }, output: '/srv/deploy/docker-compose.yml' },
    );
    expect(plan.services.map((s) => [s.name, s.alias, s.override])).toEqual([
      ['ana1', undefined, 'ana1:8002'],
      ['gen1', undefined, 'gen1:8001'],
      ['rep1', undefined, 'rep1:50051'],
      ['same', undefined, 'same:7000'],
    ]);
    expect(plan.orchestrator!.command).toEqual([
      '/export',
      '--output',
      '/app/data/run-result.json',
      '--address',
      'ana1=ana1:8002',
      '--address',
      'gen1=gen1:8001',
      '--address',
      'rep1=rep1:50051',
      '--address',
      'same=same:7000',
    ]);
    expect(plan.notes).toEqual([
      'ana1: dockerinfo address "10.0.0.7" is a fixed IP address, which Compose does not assign; the orchestrator is given --address ana1=ana1:8002',
      'gen1: dockerinfo address "localhost" is a loopback address, which inside the network reaches only the caller; the orchestrator is given --address gen1=gen1:8001',
      'rep1: dockerinfo address "shared" is shared by several nodes; the orchestrator is given --address rep1=rep1:50051',
      'same: dockerinfo address "SHARED" is shared by several nodes; the orchestrator is given --address same=same:7000',
    ]);
  });

  it("an address equal to another service's name, or to the orchestrator's, cannot be an alias", () => {
    const plan = planCompose(pkg(nodes.slice(0, 2), [entry('gen1', 'ana1'), entry('ana1', 'orchestrator')]), {
      orchestrator: { image: 'o:1' },
    });
    expect(plan.services.map((s) => s.override)).toEqual(['ana1:50051', 'gen1:50051']);
    // Without an orchestrator service the name "orchestrator" is free.
    const alone = planCompose(pkg(nodes.slice(0, 2), [entry('gen1', 'ana1'), entry('ana1', 'orchestrator')]));
    expect(alone.services.map((s) => s.alias ?? s.override)).toEqual(['orchestrator', 'gen1:50051']);
  });
});

describe('planCompose: ports, paths, output', () => {
  const three = pkg(
    [
      { name: 'c1', image: 'c:1' },
      { name: 'a1', image: 'a:1' },
      { name: 'b1', image: 'b:1' },
    ],
    [entry('a1', 'a', '9000'), entry('b1', 'b', 9001), entry('c1', 'c'), entry('orchestrator', 'localhost', 8004)],
  );

  it('published ports follow the sorted names from --base-port; internal ports come from dockerinfo', () => {
    const plan = planCompose(three, { basePort: 6000 });
    expect(plan.services.map((s) => [s.name, s.published, s.port])).toEqual([
      ['a1', 6000, 9000],
      ['b1', 6001, 9001],
      ['c1', 6002, 50051],
    ]);
    expect(plan.outputPath).toBe(join(dir, 'docker-compose.yml'));
    expect(plan.dataDir).toBe(join(dir, 'data'));
  });

  it('a dockerinfo entry that is not a node is noted and ignored', () => {
    expect(planCompose(three).notes).toEqual([
      `${dir}/dockerinfo.json: entry "orchestrator" is the platform's own orchestrator, not a node: ignored`,
    ]);
  });

  it('the last port may be 65535, not 65536', () => {
    expect(planCompose(three, { basePort: 65533 }).services[2]!.published).toBe(65535);
    const err = userError(() => planCompose(three, { basePort: 65534 }));
    expect(err.code).toBe('PORT_RANGE');
    expect(err.exit).toBe(2);
  });

  it('paths in the file are relative to its folder', () => {
    const plan = planCompose(three, {
      output: '/srv/deploy/pipe/compose.yml',
      orchestrator: { path: orchestratorDir },
    });
    expect(plan.orchestrator!.build).toBe(relative('/srv/deploy/pipe', orchestratorDir));
    expect(plan.orchestrator!.build).toMatch(/^\.\.\/\.\.\/\.\.\/.*\/aieffect$/);
    const doc = composeDocument(plan) as { services: Record<string, { volumes: string[] }> };
    expect(doc.services.orchestrator!.volumes).toEqual(['../../exports/pipe:/export:ro', './data:/app/data']);
    expect(doc.services.a1!.volumes).toEqual(['./data:/app/data']);
  });

  it("the built orchestrator image is tagged with the package's version, from the base Dockerfile.orchestrator defaults to", () => {
    const versioned = (version: unknown) => {
      const ctx = writeOrchestratorContext(join(orchestratorDir, `v${String(Math.random()).slice(2)}`));
      writeFileSync(join(ctx, 'package.json'), JSON.stringify({ name: 'aieffect', version }));
      return planCompose(three, { orchestrator: { path: ctx } }).orchestrator!.image;
    };
    expect(versioned('1.2.3')).toBe('aieffect-orchestrator:1.2.3');
    expect(versioned('1.0.0-rc.1+build.5')).toBe('aieffect-orchestrator:1.0.0-rc.1-build.5');
    expect(versioned(7)).toBe('aieffect-orchestrator:latest');
    expect(planCompose(three, { orchestrator: { path: orchestratorDir } }).orchestrator!.image).toBe(
      'aieffect-orchestrator:latest',
    );
    const doc = composeDocument(planCompose(three, { orchestrator: { path: orchestratorDir } })) as {
      services: Record<string, { build: { args: Record<string, string> } }>;
    };
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile.orchestrator'), 'utf8');
    const defaultBase = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)![1]!;
    expect(doc.services.orchestrator!.build.args).toEqual({ NODE_IMAGE: `\${AIEFFECT_NODE_IMAGE:-${defaultBase}}` });
  });

  it('a file named data where the data folder goes is refused before anything is written', () => {
    const out = join(orchestratorDir, 'deploy');
    mkdirSync(out);
    writeFileSync(join(out, 'data'), 'not a folder');
    const err = userError(() => planCompose(three, { output: join(out, 'docker-compose.yml') }));
    expect(err.code).toBe('DATA_NOT_DIRECTORY');
    expect(err.message).toBe(`${join(out, 'data')}: exists and is not a folder; every service mounts it at /app/data`);
  });

  it('a blueprint without nodes has nothing to deploy', () => {
    const err = userError(() => planCompose(pkg([], [])));
    expect(err.code).toBe('NO_NODES');
    expect(err.message).toBe(`${dir}/blueprint.json /nodes: the blueprint has no nodes, so there is nothing to deploy`);
  });

  it('an invalid --orchestrator-image is a usage error', () => {
    const err = userError(() => planCompose(three, { orchestrator: { image: 'Bad Image' } }));
    expect(err.exit).toBe(2);
    expect(err.message).toBe(
      '--orchestrator-image "Bad Image": not a valid Docker image name (allowed: lowercase letters, digits and the separators ".", "_", "-" between them, "/" between path parts, then an optional ":tag")',
    );
  });
});

describe('planCompose: the port rule (ports.ts)', () => {
  const platform = (): ExportPackage => {
    const p = pkg(
      [
        { name: 'model-b1', image: 'reg.example/b:1' },
        { name: 'model-a1', image: 'reg.example/a:1' },
      ],
      [
        entry('model-a1', 'model-a1', 8001),
        entry('model-b1', 'localhost', 8002),
        entry('orchestrator', 'localhost', 8004),
      ],
    );
    return { ...p, blueprint: { ...p.blueprint, probeIndicator: [{ value: 'false' }] } };
  };

  it('Graphene/AI4EU: gRPC 8061 published in name order, then the web UIs (8062); the orchestrator dials 8061', () => {
    const plan = planCompose(platform(), { orchestrator: { image: 'o:1' } });
    expect(plan.services.map((s) => [s.name, s.port, s.dial, s.published, s.webUi, s.override])).toEqual([
      ['model-a1', 8061, 8001, 50051, { port: 8062, published: 50053 }, 'model-a1:8061'],
      ['model-b1', 8061, 8002, 50052, { port: 8062, published: 50054 }, 'model-b1:8061'],
    ]);
    expect(plan.notes).toEqual([
      `${dir}/dockerinfo.json: entry "orchestrator" is the platform's own orchestrator, not a node: ignored`,
      "model-a1: listens on 8061, not on dockerinfo's port 8001; the orchestrator is given --address model-a1=model-a1:8061",
      'model-b1: dockerinfo address "localhost" is a loopback address, which inside the network reaches only the caller; the orchestrator is given --address model-b1=model-b1:8061',
    ]);
    const doc = composeDocument(plan) as {
      services: Record<string, { ports: string[]; environment: Record<string, string>; command?: string[] }>;
    };
    expect(doc.services['model-a1']!.ports).toEqual(['50051:8061', '50053:8062']);
    expect(doc.services['model-a1']!.environment.GRPC_PORT).toBe('8061');
    expect(doc.services.orchestrator!.command).toEqual([
      '/export',
      '--output',
      '/app/data/run-result.json',
      '--address',
      'model-a1=model-a1:8061',
      '--address',
      'model-b1=model-b1:8061',
    ]);
    expect(composeSummary(plan).slice(0, 2)).toEqual([
      `wrote ${dir}/docker-compose.yml: 2 services + orchestrator (o:1), published ports 50051-50052 (gRPC), 50053-50054 (web UI)`,
      `ports: Graphene/AI4EU package (${dir}/blueprint.json: probeIndicator), so each service listens on gRPC 8061 and serves its web UI on 8062, whatever ${dir}/dockerinfo.json says`,
    ]);
    // Without the orchestrator, the host-side command dials the published gRPC ports.
    expect(composeNextSteps(planCompose(platform()))[1]).toBe(
      `aieffect orchestrate ${dir} --address model-a1=localhost:50051 --address model-b1=localhost:50052`,
    );
  });

  it('the web UI ports count against 65535', () => {
    expect(planCompose(platform(), { basePort: 65532 }).services[1]!.webUi!.published).toBe(65535);
    const err = userError(() => planCompose(platform(), { basePort: 65533 }));
    expect(err.message).toBe(
      '--base-port 65533: 2 services and 2 web UIs need published ports 65533-65536, past 65535',
    );
    expect(err.hint).toBe('use --base-port 65532 or lower');
  });

  it('--container-port: the service is told its port, published on it, and the orchestrator dials it', () => {
    const p = pkg([{ name: 'gen1', image: 'g:1' }], [entry('gen1', 'gen', '50051')]);
    const plan = planCompose(p, {
      containerPorts: [{ container: 'gen1', port: 9000 }],
      orchestrator: { image: 'o:1' },
    });
    expect(plan.services[0]).toMatchObject({
      port: 9000,
      dial: 50051,
      rule: 'override',
      alias: 'gen',
      override: 'gen1:9000',
    });
    expect(plan.notes).toEqual([
      "gen1: listens on 9000, not on dockerinfo's port 50051; the orchestrator is given --address gen1=gen1:9000",
    ]);
    const doc = composeDocument(plan) as {
      services: Record<string, { ports: string[]; environment: Record<string, string> }>;
    };
    expect(doc.services.gen1!.ports).toEqual(['50051:9000']);
    expect(doc.services.gen1!.environment.GRPC_PORT).toBe('9000');
  });
});

describe('composeRelativePath', () => {
  it.each([
    ['/a/b', '/a/b', '.'],
    ['/a/b', '/a/b/c', './c'],
    ['/a/b', '/a/c', '../c'],
    ['/a/b', '/x', '../../x'],
  ])('from %s to %s is %s', (from, to, rel) => {
    expect(composeRelativePath(from, to)).toBe(rel);
  });
});

describe('health conditions and rendering', () => {
  const two = pkg(
    [
      { name: 'a1', image: 'a:1' },
      { name: 'b1', image: 'b:1' },
    ],
    [entry('a1', 'a'), entry('b1', 'b')],
  );

  it('service_healthy only for images known to carry a HEALTHCHECK', () => {
    const plan = applyHealthchecks(planCompose(two, { orchestrator: { image: 'o:1' } }), new Set(['b:1']));
    const doc = composeDocument(plan) as { services: Record<string, { depends_on?: unknown }> };
    expect(doc.services.orchestrator!.depends_on).toEqual({
      a1: { condition: 'service_started' },
      b1: { condition: 'service_healthy' },
    });
  });

  it('renders a header and js-yaml output; restart "no" stays a string for YAML 1.1 parsers', () => {
    const text = renderCompose(planCompose(two, { orchestrator: { image: 'o:1' } }));
    expect(text.startsWith('# Generated by `aieffect compose` from blueprint.json and dockerinfo.json')).toBe(true);
    expect(text).toContain("    restart: 'no'\n");
    expect(text).toContain("      - '50051:50051'\n");
  });

  it('the summary counts services and gives the published port range (one port for one service)', () => {
    const one = pkg([{ name: 'a1', image: 'a:1' }], [entry('a1', 'a')]);
    expect(composeSummary(planCompose(one, { output: '/tmp/deploy/one.yml', basePort: 6000 }))).toEqual([
      'wrote /tmp/deploy/one.yml: 1 service, published ports 6000',
      'ports: AI-Effect package, so each service listens on its /srv/exports/pipe/dockerinfo.json port, given to it as GRPC_PORT',
      'project pipe (COMPOSE_PROJECT_NAME in /tmp/deploy/.env)',
      'created /tmp/deploy/data/ (mounted at /app/data in every service)',
    ]);
    expect(composeSummary(planCompose(two, { output: '/tmp/deploy/two.yml', orchestrator: { image: 'o:1' } }))[0]).toBe(
      'wrote /tmp/deploy/two.yml: 2 services + orchestrator (o:1), published ports 50051-50052',
    );
  });

  it('--ephemeral-ports: container ports alone (the engine picks host ports), no range check, next steps ask Compose', () => {
    const plan = planCompose(two, { output: '/tmp/deploy/eph.yml', ephemeralPorts: true, basePort: 65535 });
    expect(plan.services.map((s) => s.published)).toEqual([null, null]);
    const doc = composeDocument(plan) as { services: Record<string, { ports: string[] }> };
    expect(doc.services.a1!.ports).toEqual(['50051']);
    expect(composeSummary(plan)[0]).toBe(
      'wrote /tmp/deploy/eph.yml: 2 services, published ports chosen by the engine at start (docker compose -f /tmp/deploy/eph.yml port SERVICE PORT)',
    );
    expect(composeNextSteps(plan)[1]).toBe(
      `aieffect orchestrate ${dir} --address a1=$(docker compose -f /tmp/deploy/eph.yml port a1 50051) --address b1=$(docker compose -f /tmp/deploy/eph.yml port b1 50051)`,
    );
  });

  it('next steps name a non-default file with -f and, without orchestrator, the host-side orchestrate command', () => {
    const plan = planCompose(two, { output: '/tmp/deploy/other.yml' });
    expect(composeNextSteps(plan)).toEqual([
      'docker compose -f /tmp/deploy/other.yml up -d',
      `aieffect orchestrate ${dir} --address a1=localhost:50051 --address b1=localhost:50052`,
      'docker compose -f /tmp/deploy/other.yml down -v',
    ]);
  });
});
