// The kube plan and its manifests on packages written into temporary folders: ports by the shared rule, replicas,
// probes, the ConfigMap's files (nested protos, binary files, missing protos), the refusals of names given on the
// command line, and every manifest of every case validated against the Kubernetes schemas.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planKube, renderKube, type KubeOptions } from '../../src/deploy/kube/index.js';
import { pullsAlways } from '../../src/deploy/kube/plan.js';
import { parseTargeted } from '../../src/deploy/kube/per-container.js';
import { loadPackage } from '../../src/platform/read.js';
import { tempDir } from '../helpers/cli.js';
import { validateManifest, type Manifest } from '../helpers/kube.js';
import { userError } from '../helpers/user-error.js';
import { writePackage, type NodeSpec } from '../fixtures/deploy/package.js';

let root: string;
let cleanup: () => void;
let count = 0;
beforeAll(() => ({ dir: root, cleanup } = tempDir()));
afterAll(() => cleanup());

/** A package in a fresh folder, with a proto per node unless `protos` is false. */
function pkg(nodes: NodeSpec[], protos = true): string {
  const dir = writePackage(join(root, `p${count++}`), nodes);
  if (protos) {
    mkdirSync(join(dir, 'microservice'), { recursive: true });
    for (const n of nodes) writeFileSync(join(dir, 'microservice', `${n.name}.proto`), 'syntax = "proto3";\n');
  }
  return dir;
}

/** Plans and renders; every manifest must be valid. Returns the plan and the parsed files. */
function kube(dir: string, options: KubeOptions = {}) {
  const plan = planKube(loadPackage(dir), { output: join(dir, 'k8s'), ...options });
  const files = renderKube(plan);
  const docs = new Map<string, Manifest>();
  for (const [file, text] of files) {
    const doc = yaml.load(text) as Manifest;
    if (file !== 'kustomization.yaml') validateManifest(doc, file);
    docs.set(file, doc);
  }
  return { plan, docs };
}

const two: NodeSpec[] = [
  { name: 'model1', image: 'reg.example.com/model:1.0', address: 'model', port: '50061' },
  { name: 'prep1', image: 'prep:2', address: 'prep' },
];

describe('validateManifest', () => {
  it('refuses what the API server would refuse (it can fail)', () => {
    expect(() =>
      validateManifest(
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 'grpc' }] } },
        'test',
      ),
    ).toThrow('test: Service x is invalid: /spec/ports/0/port must be integer');
    expect(() => validateManifest({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }, 'test')).toThrow(
      'no schema for v1 Secret',
    );
  });
});

describe('planKube', () => {
  it('uses the port rule: the dockerinfo port for AI-Effect packages, --container-port over it', () => {
    const dir = pkg(two);
    expect(kube(dir).plan.services.map((s) => [s.name, s.port, s.env.GRPC_PORT])).toEqual([
      ['model1', 50061, '50061'],
      ['prep1', 50051, '50051'],
    ]);
    const { plan, docs } = kube(dir, { containerPorts: [{ container: 'prep1', port: 9000 }] });
    expect(plan.services.map((s) => s.port)).toEqual([50061, 9000]);
    expect(plan.portRule).toContain('--container-port: prep1 9000');
    const dockerinfo = JSON.parse(
      (docs.get('configmap-export.yaml')!.data as Record<string, string>)['dockerinfo.json']!,
    );
    expect(dockerinfo.docker_info_list).toEqual([
      { container_name: 'model1', ip_address: 'model1', port: '50061' },
      { container_name: 'prep1', ip_address: 'prep1', port: '9000' },
    ]);
  });

  it('makes a Service headless only with more than one replica; probe none leaves the probes out', () => {
    const { plan, docs } = kube(pkg(two), {
      replicas: [parseTargeted('model1=2', Number)],
      probes: [parseTargeted('prep1=none', (v) => v as 'none')],
    });
    expect(plan.services.map((s) => [s.name, s.replicas, s.headless, s.probe])).toEqual([
      ['model1', 2, true, 'tcp'],
      ['prep1', 1, false, 'none'],
    ]);
    const prep = (docs.get('deployment-prep1.yaml')!.spec as { template: { spec: { containers: object[] } } }).template
      .spec.containers[0]!;
    expect(Object.keys(prep)).not.toContain('readinessProbe');
    expect(docs.get('service-model1.yaml')!.spec).toMatchObject({ clusterIP: 'None' });
  });

  it('puts nested protos under their folders, binary files in binaryData, and notes a missing proto', () => {
    const dir = pkg(
      [
        { name: 'model1', image: 'm:1', address: 'model' },
        { name: 'gone1', image: 'g:1', address: 'g' },
      ],
      false,
    );
    mkdirSync(join(dir, 'microservice', 'common', 'types'), { recursive: true });
    writeFileSync(join(dir, 'microservice', 'model1.proto'), 'syntax = "proto3";\nimport "common/types/t.proto";\n');
    writeFileSync(join(dir, 'microservice', 'common', 'types', 't.proto'), 'syntax = "proto3";\n');
    writeFileSync(join(dir, 'microservice', 'common', 'odd.proto'), Buffer.from([0xff, 0xfe, 0x00]));
    const { plan, docs } = kube(dir);
    expect(plan.configMap.files.map((f) => [f.key, f.path, f.binary])).toEqual([
      ['blueprint.json', 'blueprint.json', false],
      ['dockerinfo.json', 'dockerinfo.json', false],
      ['microservice_common_odd.proto', 'microservice/common/odd.proto', true],
      ['microservice_common_types_t.proto', 'microservice/common/types/t.proto', false],
      ['microservice_model1.proto', 'microservice/model1.proto', false],
    ]);
    expect(docs.get('configmap-export.yaml')!.binaryData).toEqual({ 'microservice_common_odd.proto': '//4A' });
    expect(plan.notes).toContain(
      `gone1: no proto at ${join(dir, 'microservice', 'gone1.proto')}; the orchestrator Job will refuse the package until it is there`,
    );
  });

  it('ships what a proto imports from elsewhere in the package, and notes an import the package lacks', () => {
    const dir = pkg(
      [
        { name: 'model1', image: 'm:1', address: 'model' },
        { name: 'prep1', image: 'p:1', address: 'prep' },
      ],
      false,
    );
    mkdirSync(join(dir, 'microservice'));
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'microservice', 'model1.proto'), 'syntax = "proto3";\nimport "../shared/types.proto";\n');
    writeFileSync(join(dir, 'shared', 'types.proto'), 'syntax = "proto3";\n');
    writeFileSync(join(dir, 'shared', 'unused.proto'), 'syntax = "proto3";\n');
    writeFileSync(join(dir, 'microservice', 'prep1.proto'), 'syntax = "proto3";\nimport "common.proto";\n');
    const { plan } = kube(dir);
    expect(plan.configMap.files.map((f) => f.path)).toEqual([
      'blueprint.json',
      'dockerinfo.json',
      'microservice/model1.proto',
      'microservice/prep1.proto',
      'shared/types.proto',
    ]);
    expect(plan.notes).toContain(
      `${join(dir, 'microservice', 'prep1.proto')} imports "common.proto", which the package does not contain: ` +
        'the orchestrator Job will refuse the package until that is fixed ' +
        `(add common.proto to ${join(dir, 'microservice')}/ (aieffect export ships every import), or ask the package's author for it)`,
    );
  });

  it('never follows a link leading out of the package into the ConfigMap, and says so', () => {
    const dir = pkg([
      { name: 'model1', image: 'm:1', address: 'model' },
      { name: 'prep1', image: 'p:1', address: 'prep' },
    ]);
    const secret = join(root, `secret${count++}.proto`);
    writeFileSync(secret, 'syntax = "proto3";\n// not for the cluster\n');
    symlinkSync(secret, join(dir, 'microservice', 'stray.proto'));
    const prep = join(dir, 'microservice', 'prep1.proto');
    writeFileSync(prep, 'syntax = "proto3";\nimport "stray.proto";\n');
    const { plan } = kube(dir);
    expect(plan.configMap.files.map((f) => f.path)).toEqual([
      'blueprint.json',
      'dockerinfo.json',
      'microservice/model1.proto',
      'microservice/prep1.proto',
    ]);
    expect(plan.configMap.files.some((f) => f.content.includes('not for the cluster'))).toBe(false);
    expect(plan.notes).toEqual(
      expect.arrayContaining([
        `${join(dir, 'microservice', 'stray.proto')}: a link leading outside the package, left out of the ConfigMap`,
        `${prep} imports "stray.proto", which is a link leading outside the package: ` +
          'the orchestrator Job will refuse the package until that is fixed ' +
          '(a package is self-contained: replace the link by the file itself)',
      ]),
    );
  });

  it.each([
    [{ imagePullSecrets: ['Registry Creds'] }, '--image-pull-secret "Registry Creds": not a valid Kubernetes name'],
    [{ storageClass: 'fast_ssd' }, '--storage-class "fast_ssd": not a valid Kubernetes name'],
    [{ storageSize: 'lots' }, '--storage-size "lots": not a Kubernetes quantity above 0'],
    [{ orchestratorImage: 'Orchestrator' }, '--orchestrator-image "Orchestrator": not a valid image name'],
    [{ namespace: 'x'.repeat(64) }, `--namespace "${'x'.repeat(64)}": not a valid Kubernetes name (longer than 63`],
  ])('refuses %o as a usage error', (options, message) => {
    const err = userError(() => planKube(loadPackage(pkg(two)), options));
    expect(err.message.startsWith(message), err.message).toBe(true);
    expect(err.exit).toBe(2);
  });

  it('refuses an output that is a file', () => {
    const dir = pkg(two);
    writeFileSync(join(dir, 'k8s'), '');
    const err = userError(() => planKube(loadPackage(dir), { output: join(dir, 'k8s') }));
    expect(err.code).toBe('OUTPUT_NOT_DIRECTORY');
  });
});

describe('pullsAlways', () => {
  it.each([
    ['app', true],
    ['app:latest', true],
    ['registry:5000/team/app', true],
    ['registry:5000/team/app:latest', true],
    ['registry:5000/team/app:1.0', false],
    [`app@sha256:${'a'.repeat(64)}`, false],
  ])('%s: %s', (image, expected) => {
    expect(pullsAlways(image)).toBe(expected);
  });
});
