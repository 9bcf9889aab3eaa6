// The manifests around the orchestrator: the export package as a ConfigMap, the shared data folder as a
// PersistentVolumeClaim, and the Job that runs `aieffect orchestrate` once against the Services. The Job does not
// retry (backoffLimit 0, restartPolicy Never): a pipeline run that failed is reported, not silently run again. Its pod
// runs as the orchestrator image's unprivileged user with a read-only root file system, as the "restricted" Pod
// Security Standard asks.
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IConfigMap, IPersistentVolumeClaim } from 'kubernetes-models/v1';
import { DATA_MOUNT, EXPORT_MOUNT } from '../compose.js';
import type { KubePlan } from './plan.js';
import { commonLabels, DATA_VOLUME, dataVolume, podDefaults } from './workloads.js';

/** The `node` user of the orchestrator image (Dockerfile.orchestrator), as a number so runAsNonRoot can check it. */
export const ORCHESTRATOR_UID = 1000;
const EXPORT_VOLUME = 'export';
const TMP_VOLUME = 'tmp';
/** Read-only for everyone: the orchestrator only reads the package. */
const READ_ONLY_MODE = 0o444;

function labels(plan: KubePlan, component: string): Record<string, string> {
  return { 'app.kubernetes.io/component': component, ...commonLabels(plan) };
}

export function exportConfigMap(plan: KubePlan): IConfigMap {
  const text = plan.configMap.files.filter((f) => !f.binary);
  const binary = plan.configMap.files.filter((f) => f.binary);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: plan.configMap.name, labels: labels(plan, 'export-package') },
    data: Object.fromEntries(text.map((f) => [f.key, f.content])),
    ...(binary.length > 0 ? { binaryData: Object.fromEntries(binary.map((f) => [f.key, f.content])) } : {}),
  };
}

export function dataClaim(plan: KubePlan): IPersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: plan.claim.name, labels: labels(plan, 'data') },
    spec: {
      accessModes: [plan.claim.accessMode],
      ...(plan.claim.storageClass !== undefined ? { storageClassName: plan.claim.storageClass } : {}),
      resources: { requests: { storage: plan.claim.size } },
    },
  };
}

export function orchestratorJob(plan: KubePlan): IJob {
  const podLabels = { 'app.kubernetes.io/name': plan.job.name, ...labels(plan, 'orchestrator') };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: plan.job.name, labels: podLabels },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: podLabels },
        spec: {
          restartPolicy: 'Never',
          ...podDefaults(plan),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: ORCHESTRATOR_UID,
            runAsGroup: ORCHESTRATOR_UID,
            // The data volume is made writable for that group, where the volume type supports it.
            fsGroup: ORCHESTRATOR_UID,
            fsGroupChangePolicy: 'OnRootMismatch',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'orchestrator',
              image: plan.job.image,
              ...(plan.imagePullPolicy !== undefined ? { imagePullPolicy: plan.imagePullPolicy } : {}),
              command: ['aieffect', 'orchestrate'],
              args: plan.job.args,
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: EXPORT_VOLUME, mountPath: EXPORT_MOUNT, readOnly: true },
                { name: DATA_VOLUME, mountPath: DATA_MOUNT },
                { name: TMP_VOLUME, mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            {
              name: EXPORT_VOLUME,
              configMap: {
                name: plan.configMap.name,
                defaultMode: READ_ONLY_MODE,
                items: plan.configMap.files.map((f) => ({ key: f.key, path: f.path })),
              },
            },
            dataVolume(plan),
            { name: TMP_VOLUME, emptyDir: {} },
          ],
        },
      },
    },
  };
}
