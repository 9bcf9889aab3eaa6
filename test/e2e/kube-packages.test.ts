// e2e: `aieffect kube` on every package `aieffect compose` accepts in this repository's corpus: the Graphene sample,
// the original system's packages (foreign files, no protos), and the exports of the examples and test use cases
// (nested protos, a shared import, streams). For each: compose accepts it, kube writes a folder whose every manifest
// validates against the Kubernetes API's schemas and which `kubectl kustomize` builds; and the package the Job sees at
// /export (the ConfigMap's items written out as the volume mounts them) plans with the Job's own command line and
// --plan as the original does, with every address at its Service. A package compose refuses, kube refuses with the
// same message.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, sharedFixtures, tempDir } from '../helpers/cli.js';
import { kustomize, mountConfigMap, validateFolder, type Manifest } from '../helpers/kube.js';

interface Case {
  name: string;
  /** A package folder, or a use case exported first. */
  package?: string;
  useCase?: string;
  /** The package ships its protos (so the Job's plan can be checked). */
  protos: boolean;
}

const CASES: Case[] = [
  { name: 'graphene-sudoku', package: join(sharedFixtures, 'graphene-sudoku'), protos: true },
  {
    name: 'original_file_based package',
    package: join(repoRoot, 'test/fixtures/packages/original_file_based'),
    protos: false,
  },
  {
    name: 'original_protobuf_based package',
    package: join(repoRoot, 'test/fixtures/packages/original_protobuf_based'),
    protos: false,
  },
  { name: 'energy example', useCase: join(repoRoot, 'examples/file_based_energy_pipeline'), protos: true },
  { name: 'polyglot example', useCase: join(repoRoot, 'examples/polyglot_pipeline'), protos: true },
  {
    name: 'original_file_based use case',
    useCase: join(repoRoot, 'test/fixtures/usecases/original_file_based'),
    protos: true,
  },
  {
    name: 'original_protobuf_based use case (a shared import)',
    useCase: join(repoRoot, 'test/fixtures/usecases/original_protobuf_based'),
    protos: true,
  },
  { name: 'stream use case', useCase: join(repoRoot, 'test/fixtures/usecases/stream_pipeline'), protos: true },
];

interface KubeJson {
  output_dir: string;
  files: string[];
  services: { container: string; name: string; port: number }[];
  notes: string[];
}

/** The Job container's command and arguments after `aieffect`, with each mount path replaced by a local folder. */
function jobCommand(job: Manifest, mounts: Record<string, string>): string[] {
  const c = (job.spec as { template: { spec: { containers: { command: string[]; args: string[] }[] } } }).template.spec
    .containers[0]!;
  expect(c.command.slice(0, 2)).toEqual(['aieffect', 'orchestrate']);
  return [...c.command.slice(1), ...c.args].map((arg) =>
    Object.entries(mounts).reduce((a, [from, to]) => (a.startsWith(from) ? to + a.slice(from.length) : a), arg),
  );
}

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

async function packageOf(c: Case, dir: string): Promise<string> {
  if (c.package) return c.package;
  const useCase = join(dir, 'use-case');
  cpSync(c.useCase!, useCase, { recursive: true, filter: (src) => !/[/\\](node_modules|data)$/.test(src) });
  const out = join(dir, 'export');
  const exported = await runCli(['export', useCase, out]);
  expect(exported.code, exported.stderr).toBe(0);
  return out;
}

describe.each(CASES)('aieffect kube on $name', (c) => {
  it('writes what validates and builds, and a ConfigMap the orchestrator plans from', async () => {
    const dir = join(tmp.dir, c.name.replace(/\W+/g, '-'));
    const pkg = await packageOf(c, dir);
    const compose = await runCli(['compose', pkg, '-o', join(dir, 'compose', 'docker-compose.yml')]);
    expect(compose.code, compose.stderr).toBe(0);

    const res = await runCli(['kube', pkg, '-o', join(dir, 'k8s'), '--json']);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as KubeJson;
    expect(readdirSync(out.output_dir).sort()).toEqual([...out.files].sort());
    const manifests = validateFolder(out.output_dir, out.files);
    const built = kustomize(out.output_dir);
    expect(built.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(
      [...manifests.values()].map((m) => `${m.kind}/${m.metadata.name}`).sort(),
    );
    expect(built.filter((m) => m.kind === 'Deployment')).toHaveLength(out.services.length);

    if (!c.protos) {
      // No protos in the package: kube says the Job will refuse it (compose does not read protos either).
      expect(out.notes.filter((n) => n.includes('no proto at'))).toHaveLength(out.services.length);
      return;
    }
    const job = [...manifests.values()].find((m) => m.kind === 'Job')!;
    const configMap = [...manifests.values()].find((m) => m.kind === 'ConfigMap') as Manifest;
    const mounted = mountConfigMap(job, configMap, join(dir, 'mounted-export'));
    expect(existsSync(join(mounted, 'blueprint.json'))).toBe(true);
    const [original, inCluster] = await Promise.all([
      runCli(['orchestrate', pkg, '--plan', '--json']),
      // The Job's own command line, its mounts at their places here: orchestrate accepts every flag of it.
      runCli([...jobCommand(job, { '/export': mounted, '/app/data': join(dir, 'data') }), '--plan', '--json']),
    ]);
    expect(original.code, original.stderr).toBe(0);
    expect(inCluster.code, inCluster.stderr).toBe(0);
    const want = JSON.parse(original.stdout) as { addresses: Record<string, string> };
    const got = JSON.parse(inCluster.stdout) as { addresses: Record<string, string> };
    expect({ ...got, addresses: undefined }).toEqual({ ...want, addresses: undefined });
    expect(got.addresses).toEqual(Object.fromEntries(out.services.map((s) => [s.container, `${s.name}:${s.port}`])));
  }, 240_000);
});

describe('a package compose refuses', () => {
  it('kube refuses with the same message, writing nothing', async () => {
    const pkg = join(repoRoot, 'test/fixtures/packages/original_image_list');
    const dir = join(tmp.dir, 'refused');
    const [compose, kube] = await Promise.all([
      runCli(['compose', pkg, '-o', join(dir, 'docker-compose.yml')]),
      runCli(['kube', pkg, '-o', join(dir, 'k8s')]),
    ]);
    expect(compose.code).toBe(1);
    expect(kube.code).toBe(1);
    expect(kube.stderr).toBe(compose.stderr);
    expect(kube.stderr.split('\n')[0]).toBe(
      'error test/fixtures/packages/original_image_list/dockerinfo.json: has docker_image_list (an older shape: images, no addresses) instead of docker_info_list',
    );
    expect(existsSync(dir)).toBe(false);
  });
});
