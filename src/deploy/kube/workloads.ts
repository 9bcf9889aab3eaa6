// The manifests of one pipeline service: a Deployment and its Service. The Service is ClusterIP for one replica and
// headless (clusterIP None) for several, so that the cluster's DNS answers the service's name with every ready pod and
// the orchestrator's channel (round_robin over all addresses) spreads its calls over them; a ClusterIP would pin one
// long-lived HTTP/2 connection, and with it every call, to one pod.
//
// Types come from kubernetes-models (a development dependency, used for its types only, so nothing of it is loaded at
// run time): a misspelt field fails the build; the tests validate the output against the same package's schemas.
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IContainer, IPodSpec, IProbe, IService, IVolume } from 'kubernetes-models/v1';
import { DATA_MOUNT } from '../compose.js';
import type { KubePlan, KubeService } from './plan.js';

export const GRPC_PORT_NAME = 'grpc';
export const WEB_UI_PORT_NAME = 'web-ui';
export const DATA_VOLUME = 'data';

/** Labels every resource carries (app.kubernetes.io recommended labels). */
export function commonLabels(plan: KubePlan): Record<string, string> {
  return { 'app.kubernetes.io/part-of': plan.pipeline, 'app.kubernetes.io/managed-by': 'aieffect' };
}

/** What selects a service's pods: its name, the pipeline and the component, so no other pod (the Job's) matches. */
function selector(plan: KubePlan, service: KubeService): Record<string, string> {
  return {
    'app.kubernetes.io/name': service.name,
    'app.kubernetes.io/component': 'service',
    'app.kubernetes.io/part-of': plan.pipeline,
  };
}

function labels(plan: KubePlan, service: KubeService): Record<string, string> {
  return { ...selector(plan, service), ...commonLabels(plan) };
}

/** The node's container_name as the blueprint spells it (the Kubernetes name may be a mapping of it). */
export const CONTAINER_NAME_ANNOTATION = 'aieffect/container-name';

/**
 * Startup, readiness and liveness probes of a service. TCP by default (the port accepts connections: any gRPC server);
 * gRPC's standard health service with `grpc` (SERVING only). The startup probe gives a slow starter (a model loading)
 * five minutes before liveness counts; liveness is lenient (two minutes without an answer) because a server busy
 * with a long call may answer a health check late, and a restart would lose the call.
 */
export function probes(service: KubeService): Pick<IContainer, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  if (service.probe === 'none') return {};
  const check: IProbe =
    service.probe === 'grpc' ? { grpc: { port: service.port } } : { tcpSocket: { port: GRPC_PORT_NAME } };
  return {
    startupProbe: { ...check, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 },
    readinessProbe: { ...check, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...check, periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 6 },
  };
}

/** The pod settings every pod of the pipeline shares. */
export function podDefaults(
  plan: KubePlan,
): Pick<IPodSpec, 'enableServiceLinks' | 'automountServiceAccountToken' | 'imagePullSecrets'> {
  return {
    // Service links would put <SERVICE>_PORT variables into every container: a node named "grpc" would set GRPC_PORT.
    enableServiceLinks: false,
    // Nothing in a pipeline talks to the Kubernetes API.
    automountServiceAccountToken: false,
    ...(plan.imagePullSecrets.length > 0 ? { imagePullSecrets: plan.imagePullSecrets.map((name) => ({ name })) } : {}),
  };
}

/** The data volume (the PersistentVolumeClaim) as a pod volume. */
export function dataVolume(plan: KubePlan): IVolume {
  return { name: DATA_VOLUME, persistentVolumeClaim: { claimName: plan.claim.name } };
}

/** The service's ports by name: gRPC, and the web UI where the image serves one. */
function namedPorts(service: KubeService): [string, number][] {
  return [
    [GRPC_PORT_NAME, service.port],
    ...(service.webUi !== undefined ? [[WEB_UI_PORT_NAME, service.webUi] as [string, number]] : []),
  ];
}

export function deployment(plan: KubePlan, service: KubeService): IDeployment {
  const container: IContainer = {
    name: service.name,
    image: service.image,
    ...(plan.imagePullPolicy !== undefined ? { imagePullPolicy: plan.imagePullPolicy } : {}),
    env: Object.entries(service.env).map(([name, value]) => ({ name, value })),
    ports: namedPorts(service).map(([name, containerPort]) => ({ name, containerPort, protocol: 'TCP' })),
    ...probes(service),
    ...(service.resources !== undefined ? { resources: service.resources } : {}),
    volumeMounts: [{ name: DATA_VOLUME, mountPath: DATA_MOUNT }],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: service.name,
      labels: labels(plan, service),
      annotations: { [CONTAINER_NAME_ANNOTATION]: service.container },
    },
    spec: {
      replicas: service.replicas,
      selector: { matchLabels: selector(plan, service) },
      template: {
        metadata: { labels: labels(plan, service) },
        spec: { ...podDefaults(plan), containers: [container], volumes: [dataVolume(plan)] },
      },
    },
  };
}

export function service(plan: KubePlan, s: KubeService): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: s.name,
      labels: labels(plan, s),
      annotations: { [CONTAINER_NAME_ANNOTATION]: s.container },
    },
    spec: {
      ...(s.headless ? { clusterIP: 'None' } : { type: 'ClusterIP' }),
      selector: selector(plan, s),
      ports: namedPorts(s).map(([name, port]) => ({ name, port, targetPort: name, protocol: 'TCP' })),
    },
  };
}
