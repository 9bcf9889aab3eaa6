// A plan as files: one manifest per file (kind-name.yaml), each written by js-yaml after a fixed header, and a
// kustomization.yaml listing them, so that `kubectl apply -k DIR` deploys the pipeline and an overlay can patch it.
// The folder is written whole and atomically (a temporary sibling renamed into place); the same package and flags
// always give the same bytes.
import { join } from 'node:path';
import yaml from 'js-yaml';
import { writeDirAtomic } from '../../util/atomic.js';
import { writeFileSync } from 'node:fs';
import { displayPath } from '../../util/paths.js';
import { DATA_MOUNT } from '../compose.js';
import { shellWord } from '../shell-template.js';
import { dataClaim, exportConfigMap, orchestratorJob } from './orchestrator.js';
import { KUBE_HEADER, KUSTOMIZATION, RESULT_FILE, type KubePlan } from './plan.js';
import { deployment, service } from './workloads.js';

/** File name -> content, sorted by name. */
export type KubeFiles = Map<string, string>;

function dump(document: object): string {
  return KUBE_HEADER + yaml.dump(document, { lineWidth: -1, noRefs: true });
}

/** Every file of the plan, kustomization.yaml included, in name order. */
export function renderKube(plan: KubePlan): KubeFiles {
  const manifests: [string, object][] = [
    ['configmap-export.yaml', exportConfigMap(plan)],
    ['pvc-data.yaml', dataClaim(plan)],
    ...plan.services.map((s): [string, object] => [`service-${s.name}.yaml`, service(plan, s)]),
    ...plan.services.map((s): [string, object] => [`deployment-${s.name}.yaml`, deployment(plan, s)]),
    ['job-orchestrator.yaml', orchestratorJob(plan)],
  ];
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(plan.namespace !== undefined ? { namespace: plan.namespace } : {}),
    resources: manifests.map(([file]) => file),
  };
  const files: [string, string][] = [
    ...manifests.map(([file, document]): [string, string] => [file, dump(document)]),
    [KUSTOMIZATION, dump(kustomization)],
  ];
  return new Map(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Writes the files into the plan's output folder, replacing an earlier output as a whole. */
export async function writeKube(plan: KubePlan, files: KubeFiles): Promise<void> {
  await writeDirAtomic(plan.outputDir, true, (dir) => {
    for (const [file, content] of files) writeFileSync(join(dir, file), content);
  });
}

/** What the command says it did: the folder and what is in it, then the port rule (as compose says it). */
export function kubeSummary(plan: KubePlan, files: KubeFiles): string[] {
  const count = plan.services.length;
  const replicated = plan.services.filter((s) => s.replicas > 1).map((s) => `${s.name} x${s.replicas}`);
  return [
    `wrote ${displayPath(plan.outputDir)}/ (${files.size} files): ${count} service${count === 1 ? '' : 's'}` +
      (replicated.length > 0 ? ` (${replicated.join(', ')})` : '') +
      `, the orchestrator Job ${plan.job.name}, the export ConfigMap ${plan.configMap.name}, ` +
      `the data volume ${plan.claim.name} (${plan.claim.accessMode}, ${plan.claim.size}) at ${DATA_MOUNT}`,
    plan.portRule,
  ];
}

/**
 * The lines worth telling about the plan (stderr): the names that had to be mapped, in one line (each with its reason
 * in --json), then the plan's notes.
 */
export function kubeNotes(plan: KubePlan): string[] {
  const nodes = plan.renamed.filter((r) => r.of === 'node');
  const pipeline = plan.renamed.find((r) => r.of === 'pipeline');
  const mapped = [
    ...(nodes.length > 0 ? [nodes.map((r) => `${JSON.stringify(r.original)} -> ${r.name}`).join(', ')] : []),
    ...(pipeline
      ? [`pipeline ${JSON.stringify(pipeline.original)} -> ${pipeline.name} (names the Job, ConfigMap and volume)`]
      : []),
  ];
  return [
    ...(mapped.length > 0
      ? [
          `names mapped to what Kubernetes accepts (lowercase letters, digits and "-", at most 63 characters, a short hash where names would clash or are too long): ${mapped.join('; ')}`,
        ]
      : []),
    ...plan.notes,
  ];
}

/** What the user does next: apply, follow the Job, read the result file from the volume, delete. */
export function kubeNextSteps(plan: KubePlan): string[] {
  const dir = shellWord(displayPath(plan.outputDir));
  const ns = plan.namespace !== undefined ? ` -n ${plan.namespace}` : '';
  const reader = plan.services[0]!.name;
  return [
    ...(plan.namespace !== undefined ? [`kubectl create namespace ${plan.namespace}`] : []),
    `kubectl apply -k ${dir}`,
    `kubectl logs${ns} -f job/${plan.job.name} --pod-running-timeout=10m`,
    `kubectl exec${ns} deploy/${reader} -- cat ${DATA_MOUNT}/${RESULT_FILE}`,
    `kubectl delete -k ${dir}`,
  ];
}
