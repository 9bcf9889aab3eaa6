// e2e: `aieffect kube` run as a process on the Graphene sample (read-only, reached through a symlink so paths in the
// output are stable), on the energy example's export, and with a replicated service. Every file written is compared
// with its golden file, every manifest validated against the Kubernetes API's schemas (kubernetes-models), the folder
// built by kustomize (`kubectl kustomize`), and the parts that matter checked field by field after parsing. Every
// error leaves nothing behind.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectGolden } from '../golden/golden.js';
import { listFiles, repoRoot, runCli, sharedFixtures, tempDir } from '../helpers/cli.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import { kustomize, mountConfigMap, validateFolder, type Manifest } from '../helpers/kube.js';
import { writePackage } from '../fixtures/deploy/package.js';

const graphene = join(sharedFixtures, 'graphene-sudoku');
const energyExample = join(repoRoot, 'examples', 'file_based_energy_pipeline');

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
  symlinkSync(graphene, join(tmp.dir, 'export'));
});
afterEach(() => tmp.cleanup());

/** Compares every file of a written folder with test/golden/kube/<name>/, validates it and builds it with kustomize. */
function checkFolder(dir: string, golden: string): { files: Map<string, Manifest>; built: Manifest[] } {
  const names = readdirSync(dir).sort();
  for (const file of names) expectGolden(`kube/${golden}/${file}`, readFileSync(join(dir, file), 'utf8'));
  const files = validateFolder(dir, names);
  const built = kustomize(dir);
  // kustomize puts out every resource the folder lists, each still valid.
  expect(built.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(
    [...files.values()].map((m) => `${m.kind}/${m.metadata.name}`).sort(),
  );
  return { files, built };
}

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const podSpec = (m: Manifest): Doc => (m.spec as Doc).template.spec;
const container = (m: Manifest): Doc => podSpec(m).containers[0];

const grapheneNodes = ['sudoku-aspsolver1', 'sudoku-design-evaluator-stream1', 'sudoku-gui-stream1'];

describe('aieffect kube on the Graphene sample', () => {
  it('writes Deployments, Services, the export ConfigMap, the data volume and the orchestrator Job', async () => {
    const before = listFiles(graphene);
    const res = await runCli(['kube', 'export', '-o', 'deploy/k8s'], { cwd: tmp.dir });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        'wrote deploy/k8s/ (10 files): 3 services, the orchestrator Job sudoku-stream-orchestrator, the export ConfigMap sudoku-stream-export, the data volume sudoku-stream-data (ReadWriteMany, 1Gi) at /app/data',
        'ports: Graphene/AI4EU package (export/blueprint.json: probeIndicator, input_ports, proto_uri in the platform repository (org/acumos/...)), so each service listens on gRPC 8061 and serves its web UI on 8062, whatever export/dockerinfo.json says',
        'next:',
        '  kubectl apply -k deploy/k8s',
        '  kubectl logs -f job/sudoku-stream-orchestrator --pod-running-timeout=10m',
        '  kubectl exec deploy/sudoku-aspsolver1 -- cat /app/data/run-result.json',
        '  kubectl delete -k deploy/k8s',
        '',
      ].join('\n'),
    );
    expect(res.stderr).toBe(
      [
        'export/dockerinfo.json: entry "orchestrator" is the platform\'s own orchestrator, not a node: left out (the Job takes its place)',
        'image without a tag or with :latest, which Kubernetes pulls at every start (imagePullPolicy Always): aieffect-orchestrator; push them to a registry the cluster reaches, or for images loaded into the nodes (kind load, minikube image load) pass --image-pull-policy IfNotPresent',
        '',
      ].join('\n'),
    );
    expect(listFiles(graphene)).toEqual(before);

    const dir = join(tmp.dir, 'deploy', 'k8s');
    const { files } = checkFolder(dir, 'graphene-sudoku');
    expect([...files.keys()]).toEqual([
      'configmap-export.yaml',
      ...grapheneNodes.map((n) => `deployment-${n}.yaml`),
      'job-orchestrator.yaml',
      'pvc-data.yaml',
      ...grapheneNodes.map((n) => `service-${n}.yaml`),
    ]);

    for (const node of grapheneNodes) {
      const deployment = files.get(`deployment-${node}.yaml`)!;
      expect((deployment.spec as Doc).replicas).toBe(1);
      const c = container(deployment);
      // The platform's convention: gRPC on 8061, the web UI on 8062, whatever dockerinfo.json says (8001-8003).
      expect(c.ports).toEqual([
        { name: 'grpc', containerPort: 8061, protocol: 'TCP' },
        { name: 'web-ui', containerPort: 8062, protocol: 'TCP' },
      ]);
      expect(c.env).toEqual([
        { name: 'GRPC_PORT', value: '8061' },
        { name: 'SERVICE_NAME', value: node },
      ]);
      expect(c.readinessProbe).toEqual({
        tcpSocket: { port: 'grpc' },
        periodSeconds: 5,
        timeoutSeconds: 5,
        failureThreshold: 3,
      });
      expect(c.livenessProbe.tcpSocket).toEqual({ port: 'grpc' });
      expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBe(300);
      expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/app/data' }]);
      expect(podSpec(deployment).volumes).toEqual([
        { name: 'data', persistentVolumeClaim: { claimName: 'sudoku-stream-data' } },
      ]);
      const service = files.get(`service-${node}.yaml`)!;
      expect(service.spec).toEqual({
        type: 'ClusterIP',
        selector: (deployment.spec as Doc).selector.matchLabels,
        ports: [
          { name: 'grpc', port: 8061, targetPort: 'grpc', protocol: 'TCP' },
          { name: 'web-ui', port: 8062, targetPort: 'web-ui', protocol: 'TCP' },
        ],
      });
      expect((deployment.spec as Doc).template.metadata.labels).toEqual({
        'app.kubernetes.io/name': node,
        'app.kubernetes.io/component': 'service',
        'app.kubernetes.io/part-of': 'sudoku-stream',
        'app.kubernetes.io/managed-by': 'aieffect',
      });
    }

    // The ConfigMap: blueprint.json as it is, dockerinfo.json pointing at the Services, the protos.
    const configMap = files.get('configmap-export.yaml')!;
    const data = configMap.data as Record<string, string>;
    expect(Object.keys(data)).toEqual([
      'blueprint.json',
      'dockerinfo.json',
      ...grapheneNodes.map((n) => `microservice_${n}.proto`),
    ]);
    expect(data['blueprint.json']).toBe(readFileSync(join(graphene, 'blueprint.json'), 'utf8'));
    expect(JSON.parse(data['dockerinfo.json']!)).toEqual({
      docker_info_list: ['sudoku-gui-stream1', 'sudoku-design-evaluator-stream1', 'sudoku-aspsolver1'].map((n) => ({
        container_name: n,
        ip_address: n,
        port: 8061,
      })),
    });
    for (const n of grapheneNodes) {
      expect(data[`microservice_${n}.proto`]).toBe(readFileSync(join(graphene, 'microservice', `${n}.proto`), 'utf8'));
    }

    // The Job: runs the pipeline once, as a non-root user, the package read-only at /export, results on the volume.
    const job = files.get('job-orchestrator.yaml')!;
    expect((job.spec as Doc).backoffLimit).toBe(0);
    const pod = podSpec(job);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const o = container(job);
    expect(o.image).toBe('aieffect-orchestrator');
    expect([...o.command, ...o.args]).toEqual([
      'aieffect',
      'orchestrate',
      '/export',
      '--output',
      '/app/data/run-result.json',
      '--wait-timeout',
      '600s',
    ]);
    expect(o.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(o.volumeMounts).toEqual([
      { name: 'export', mountPath: '/export', readOnly: true },
      { name: 'data', mountPath: '/app/data' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(pod.volumes[0].configMap.items).toEqual([
      { key: 'blueprint.json', path: 'blueprint.json' },
      { key: 'dockerinfo.json', path: 'dockerinfo.json' },
      ...grapheneNodes.map((n) => ({ key: `microservice_${n}.proto`, path: `microservice/${n}.proto` })),
    ]);
    expect(files.get('pvc-data.yaml')!.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '1Gi' } },
    });
  });

  it('is byte-identical when generated twice, and replaces its own earlier output', async () => {
    const args = ['kube', 'export', '-o', 'k8s'];
    expect((await runCli(args, { cwd: tmp.dir })).code).toBe(0);
    const first = new Map(readdirSync(join(tmp.dir, 'k8s')).map((f) => [f, readFileSync(join(tmp.dir, 'k8s', f))]));
    expect((await runCli(args, { cwd: tmp.dir })).code).toBe(0);
    const second = readdirSync(join(tmp.dir, 'k8s'));
    expect(second).toEqual([...first.keys()]);
    for (const f of second) expect(readFileSync(join(tmp.dir, 'k8s', f)).equals(first.get(f)!), f).toBe(true);
  });
});

/** Exports the energy example with a pinned id and date into tmp/energy_export. */
async function exportEnergy(): Promise<void> {
  const exported = await runCli(['export', energyExample, 'energy_export', '--pipeline-id', 'pinned'], {
    cwd: tmp.dir,
    env: { SOURCE_DATE_EPOCH: '1700000000' },
  });
  expect(exported.code).toBe(0);
}

const energyNodes = [
  { container: 'data_analyzer1', name: 'data-analyzer1', image: 'file_based_energy_pipeline-data-analyzer:latest' },
  { container: 'data_generator1', name: 'data-generator1', image: 'file_based_energy_pipeline-data-generator:latest' },
  { container: 'input_provider1', name: 'input-provider1', image: 'file_based_energy_pipeline-input-provider:latest' },
  {
    container: 'report_generator1',
    name: 'report-generator1',
    image: 'file_based_energy_pipeline-report-generator:latest',
  },
];

describe('aieffect kube on the energy example', () => {
  it('maps the container names to DNS names, keeps each port, and points dockerinfo.json at the Services', async () => {
    await exportEnergy();
    const res = await runCli(['kube', 'energy_export', '-o', 'k8s'], { cwd: tmp.dir });
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[1]).toBe(
      'ports: AI-Effect package, so each service listens on its energy_export/dockerinfo.json port, given to it as GRPC_PORT',
    );
    expect(res.stderr.split('\n')).toEqual([
      'names mapped to what Kubernetes accepts (lowercase letters, digits and "-", at most 63 characters, a short hash where names would clash or are too long): ' +
        energyNodes.map((n) => `"${n.container}" -> ${n.name}`).join(', ') +
        '; pipeline "file_based_energy_pipeline" -> file-based-energy-pipeline (names the Job, ConfigMap and volume)',
      'images without a tag or with :latest, which Kubernetes pulls at every start (imagePullPolicy Always): ' +
        `aieffect-orchestrator, ${energyNodes.map((n) => n.image).join(', ')}; push them to a registry the cluster reaches, ` +
        'or for images loaded into the nodes (kind load, minikube image load) pass --image-pull-policy IfNotPresent',
      '',
    ]);
    const { files } = checkFolder(join(tmp.dir, 'k8s'), 'energy');
    const dockerinfo = JSON.parse(
      (files.get('configmap-export.yaml')!.data as Record<string, string>)['dockerinfo.json']!,
    );
    const original = JSON.parse(readFileSync(join(tmp.dir, 'energy_export', 'dockerinfo.json'), 'utf8')) as {
      docker_info_list: { container_name: string; port: string }[];
    };
    // Same containers and ports (strings, as our export writes them); each address is the node's Service.
    expect(dockerinfo.docker_info_list).toEqual(
      original.docker_info_list.map((e) => ({
        container_name: e.container_name,
        ip_address: energyNodes.find((n) => n.container === e.container_name)!.name,
        port: e.port,
      })),
    );
    for (const n of energyNodes) {
      const d = files.get(`deployment-${n.name}.yaml`)!;
      expect(d.metadata.annotations).toEqual({ 'aieffect/container-name': n.container });
      expect(container(d).image).toBe(n.image);
      const port = Number(original.docker_info_list.find((e) => e.container_name === n.container)!.port);
      expect(container(d).ports).toEqual([{ name: 'grpc', containerPort: port, protocol: 'TCP' }]);
      expect(container(d).env).toEqual([
        { name: 'GRPC_PORT', value: String(port) },
        { name: 'SERVICE_NAME', value: n.container },
      ]);
      expect(files.get(`service-${n.name}.yaml`)!.spec).toMatchObject({ type: 'ClusterIP', ports: [{ port }] });
    }

    // What the Job sees at /export is a package the orchestrator accepts, and it dials the Services.
    const mounted = mountConfigMap(
      files.get('job-orchestrator.yaml')!,
      files.get('configmap-export.yaml')!,
      join(tmp.dir, 'mounted'),
    );
    const plan = await runCli(['orchestrate', mounted, '--plan', '--json'], { cwd: tmp.dir });
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).addresses).toEqual(
      Object.fromEntries(
        original.docker_info_list.map((e) => [
          e.container_name,
          `${energyNodes.find((n) => n.container === e.container_name)!.name}:${e.port}`,
        ]),
      ),
    );
  });

  it('a replicated service: headless Service, N pods; namespace, gRPC probes, resources, pull settings', async () => {
    await exportEnergy();
    const res = await runCli(
      [
        'kube',
        'energy_export',
        '-o',
        'k8s',
        '--namespace',
        'energy',
        '--replicas',
        'data_analyzer1=3',
        '--probe',
        'grpc',
        '--probe',
        'input_provider1=tcp',
        '--requests',
        'cpu=250m,memory=256Mi',
        '--limits',
        'data_analyzer1=memory=1Gi,nvidia.com/gpu=1',
        '--image-pull-secret',
        'registry-credentials',
        '--image-pull-policy',
        'IfNotPresent',
        '--orchestrator-image',
        'registry.example.com/aieffect-orchestrator:0.1.0',
        '--storage-class',
        'nfs-client',
        '--storage-size',
        '5Gi',
        '--wait-timeout',
        '15m',
        '--json',
      ],
      { cwd: tmp.dir },
    );
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const out = expectJsonContract<{
      output_dir: string;
      files: string[];
      services: Doc[];
      notes: string[];
      next: string[];
    }>('kube', res.stdout);
    expect(out.output_dir).toBe(join(tmp.dir, 'k8s'));
    expect(out.files).toEqual(readdirSync(join(tmp.dir, 'k8s')).sort());
    expect(out.services.map((s) => [s.container, s.name, s.replicas, s.headless, s.probe])).toEqual([
      ['data_analyzer1', 'data-analyzer1', 3, true, 'grpc'],
      ['data_generator1', 'data-generator1', 1, false, 'grpc'],
      ['input_provider1', 'input-provider1', 1, false, 'tcp'],
      ['report_generator1', 'report-generator1', 1, false, 'grpc'],
    ]);
    expect(out.next).toEqual([
      'kubectl create namespace energy',
      'kubectl apply -k k8s',
      'kubectl logs -n energy -f job/file-based-energy-pipeline-orchestrator --pod-running-timeout=10m',
      'kubectl exec -n energy deploy/data-analyzer1 -- cat /app/data/run-result.json',
      'kubectl delete -k k8s',
    ]);

    const { files, built } = checkFolder(join(tmp.dir, 'k8s'), 'energy-replicated');
    // The namespace is kustomize's to set: every resource it builds is in it.
    expect(new Set(built.map((m) => m.metadata.namespace))).toEqual(new Set(['energy']));

    const analyzer = files.get('deployment-data-analyzer1.yaml')!;
    expect((analyzer.spec as Doc).replicas).toBe(3);
    expect(files.get('service-data-analyzer1.yaml')!.spec).toMatchObject({ clusterIP: 'None' });
    expect((files.get('service-data-analyzer1.yaml')!.spec as Doc).type).toBeUndefined();
    const port = container(analyzer).ports[0].containerPort;
    expect(container(analyzer).readinessProbe).toEqual({
      grpc: { port },
      periodSeconds: 5,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(container(analyzer).resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { memory: '1Gi', 'nvidia.com/gpu': '1' },
    });
    expect(container(files.get('deployment-input-provider1.yaml')!).readinessProbe.tcpSocket).toEqual({ port: 'grpc' });
    expect(container(files.get('deployment-data-generator1.yaml')!).resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
    });
    for (const [file, m] of files) {
      if (!file.startsWith('deployment-') && !file.startsWith('job-')) continue;
      expect(podSpec(m).imagePullSecrets, file).toEqual([{ name: 'registry-credentials' }]);
      expect(container(m).imagePullPolicy, file).toBe('IfNotPresent');
    }
    const job = container(files.get('job-orchestrator.yaml')!);
    expect(job.image).toBe('registry.example.com/aieffect-orchestrator:0.1.0');
    expect(job.args).toEqual(['/export', '--output', '/app/data/run-result.json', '--wait-timeout', '900s']);
    expect(files.get('pvc-data.yaml')!.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      storageClassName: 'nfs-client',
      resources: { requests: { storage: '5Gi' } },
    });
  });
});

describe('aieffect kube: names Kubernetes would refuse', () => {
  it('maps them deterministically, reports each, and writes manifests that validate and build', async () => {
    const long = `model-${'x'.repeat(70)}`;
    writePackage(join(tmp.dir, 'odd'), [
      { name: 'Data_Gen 1', image: 'odd-gen:1.0', address: 'gen' },
      { name: 'data-gen-1', image: 'odd-gen2:1.0', address: 'gen2' },
      { name: '$(id)', image: 'odd-id:1.0', address: 'id' },
      { name: long, image: 'odd-long:1.0', address: 'long' },
    ]);
    const res = await runCli(['kube', 'odd', '-o', 'k8s', '--json'], { cwd: tmp.dir });
    expect(res.code).toBe(0);
    const out = expectJsonContract<{ services: Doc[]; renamed: Doc[]; notes: string[] }>('kube', res.stdout);
    const names = Object.fromEntries(out.services.map((s) => [s.container, s.name]));
    expect(names['data-gen-1']).toBe('data-gen-1');
    expect(names['Data_Gen 1']).toMatch(/^data-gen-1-[0-9a-f]{6}$/);
    expect(names['$(id)']).toBe('id');
    expect(names[long]).toMatch(/^model-x+-[0-9a-f]{6}$/);
    expect(names[long]!.length).toBe(63);
    expect(out.renamed.map((r) => r.original).sort()).toEqual(['$(id)', 'Data_Gen 1', long].sort());
    expect(out.renamed.find((r) => r.original === 'Data_Gen 1')!.reason).toContain('"data-gen-1" is taken');
    expect(out.notes[0]).toContain(
      `"$(id)" -> id, "Data_Gen 1" -> ${names['Data_Gen 1']}, "${long}" -> ${names[long]}`,
    );
    const dir = join(tmp.dir, 'k8s');
    const files = validateFolder(dir, readdirSync(dir));
    kustomize(dir);
    const dockerinfo = JSON.parse(
      (files.get('configmap-export.yaml')!.data as Record<string, string>)['dockerinfo.json']!,
    );
    expect(
      Object.fromEntries((dockerinfo.docker_info_list as Doc[]).map((e) => [e.container_name, e.ip_address])),
    ).toEqual(names);
    // The same package gives the same names.
    const again = await runCli(['kube', 'odd', '-o', 'k8s2', '--json'], { cwd: tmp.dir });
    expect(JSON.parse(again.stdout).services).toEqual(out.services);
  });
});

describe('aieffect kube refuses, writing nothing', () => {
  const odd = (dir: string) => writePackage(dir, [{ name: 'model1', image: 'm:1.0', address: 'model' }]);

  it.each([
    {
      what: 'a namespace Kubernetes would refuse',
      args: ['--namespace', 'Energy_Team'],
      exit: 2,
      message:
        'error --namespace "Energy_Team": not a valid Kubernetes name (allowed: lowercase letters, digits and "-", starting and ending with a letter or digit)',
    },
    {
      what: '--replicas naming no container',
      args: ['--replicas', 'model2=3'],
      exit: 2,
      message: 'error --replicas model2=3: no container "model2" in the blueprint (containers: model1)',
    },
    {
      what: 'a request above its limit',
      args: ['--requests', 'memory=2Gi', '--limits', 'memory=1Gi'],
      exit: 2,
      message: 'error --requests model1: memory=2Gi is more than its limit memory=1Gi',
    },
    {
      what: 'zero replicas',
      args: ['--replicas', '0'],
      exit: 2,
      message: 'error --replicas 0: expected [container=]N, N a whole number from 1',
    },
  ])('$what', async ({ args, exit, message }) => {
    odd(join(tmp.dir, 'pkg'));
    const before = listFiles(tmp.dir);
    const res = await runCli(['kube', 'pkg', '-o', 'k8s', ...args], { cwd: tmp.dir });
    expect(res.code).toBe(exit);
    expect(res.stdout).toBe('');
    expect(res.stderr.split('\n')[0]).toBe(message);
    expect(listFiles(tmp.dir)).toEqual(before);
  });

  it('a node without image, an output folder it did not write, a package too large for a ConfigMap', async () => {
    writePackage(join(tmp.dir, 'noimage'), [{ name: 'model1', address: 'model' }]);
    mkdirSync(join(tmp.dir, 'mine'));
    writeFileSync(join(tmp.dir, 'mine', 'notes.txt'), 'my own file\n');
    mkdirSync(join(odd(join(tmp.dir, 'big')), 'microservice'));
    writeFileSync(join(tmp.dir, 'big', 'microservice', 'model1.proto'), `// ${'x'.repeat(1024 * 1024)}\n`);
    const before = listFiles(tmp.dir);

    const noImage = await runCli(['kube', 'noimage', '-o', 'k8s'], { cwd: tmp.dir });
    expect(noImage.code).toBe(1);
    expect(noImage.stderr.split('\n')[0]).toBe('error noimage/blueprint.json /nodes/0: node "model1" has no image');

    odd(join(tmp.dir, 'pkg'));
    const notOurs = await runCli(['kube', 'pkg', '-o', 'mine'], { cwd: tmp.dir });
    expect(notOurs.code).toBe(1);
    expect(notOurs.stderr.split('\n')[0]).toBe(
      'error mine: exists and was not written by `aieffect kube`; it is replaced as a whole, so it is left alone',
    );

    const big = await runCli(['kube', 'big', '-o', 'k8s'], { cwd: tmp.dir });
    expect(big.code).toBe(1);
    expect(big.stderr.split('\n')[0]).toMatch(
      /^error big: blueprint\.json, dockerinfo\.json and the protos take \d+ bytes, more than the 1048576 bytes \(1 MiB\) a ConfigMap holds$/,
    );
    expect(listFiles(tmp.dir).filter((f) => !f.startsWith('pkg/'))).toEqual(before);
  });
});
