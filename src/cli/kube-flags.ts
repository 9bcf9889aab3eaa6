// The flags of `aieffect kube` and their translation into KubeOptions: per-container values (`--replicas 2`,
// `--replicas my-model1=3`, likewise --probe, --requests, --limits), pod settings and the data volume. Values are
// parsed here (usage errors naming the flag); what they refer to (containers, names) is checked by the plan.
import * as Flags from '@oclif/core/flags';
import { UserError } from '../errors.js';
import {
  ACCESS_MODES,
  DEFAULT_ORCHESTRATOR_IMAGE,
  DEFAULT_STORAGE_SIZE,
  DEFAULT_WAIT_TIMEOUT_MS,
  PROBE_KINDS,
  PULL_POLICIES,
  type AccessMode,
  type KubeOptions,
  type ProbeKind,
  type PullPolicy,
} from '../deploy/kube/plan.js';
import { parseTargeted } from '../deploy/kube/per-container.js';
import { parseResourceList } from '../deploy/kube/resources.js';
import { containerPortFlag, parseContainerPorts } from './container-port-flag.js';
import { parseDuration } from './engine-flags.js';

const MAX_REPLICAS = 2 ** 31 - 1;

export const kubeFlags = {
  output: Flags.string({
    char: 'o',
    helpValue: '<dir>',
    summary:
      'Folder to write (default: <export_dir>/kubernetes). Replaced as a whole; keep your patches in an overlay.',
  }),
  namespace: Flags.string({
    char: 'n',
    helpValue: '<name>',
    summary: "Namespace of every resource (set in kustomization.yaml). Default: kubectl's current namespace.",
  }),
  replicas: Flags.string({
    multiple: true,
    helpValue: '<[container=]n>',
    summary: 'Pods of a service (default 1); with more than one its Service is headless and calls are spread.',
  }),
  probe: Flags.string({
    multiple: true,
    helpValue: '<[container=]tcp|grpc|none>',
    summary: 'Startup, readiness and liveness check: tcp (default), grpc (the standard health service) or none.',
  }),
  requests: Flags.string({
    multiple: true,
    helpValue: '<[container=]name=qty,...>',
    summary: 'Resource requests, e.g. cpu=250m,memory=512Mi, for every service or one (container=cpu=1,...).',
  }),
  limits: Flags.string({
    multiple: true,
    helpValue: '<[container=]name=qty,...>',
    summary: 'Resource limits, e.g. memory=2Gi or my-model1=nvidia.com/gpu=1.',
  }),
  'container-port': containerPortFlag,
  'image-pull-secret': Flags.string({
    multiple: true,
    helpValue: '<name>',
    summary: 'Secret with registry credentials, added to every pod. Repeatable.',
  }),
  'image-pull-policy': Flags.string({
    options: [...PULL_POLICIES],
    summary: "Every container's imagePullPolicy. Default: Kubernetes' (Always for untagged and :latest images).",
  }),
  'orchestrator-image': Flags.string({
    helpValue: '<image>',
    default: DEFAULT_ORCHESTRATOR_IMAGE,
    summary: 'Image of the orchestrator Job (built from Dockerfile.orchestrator and pushed where the cluster pulls).',
  }),
  'storage-class': Flags.string({
    helpValue: '<name>',
    summary: "StorageClass of the data volume. Default: the cluster's default class.",
  }),
  'storage-size': Flags.string({
    helpValue: '<quantity>',
    default: DEFAULT_STORAGE_SIZE,
    summary: 'Size of the data volume.',
  }),
  'access-mode': Flags.string({
    options: [...ACCESS_MODES],
    default: 'ReadWriteMany',
    summary: 'Access mode of the data volume: ReadWriteMany (pods on several nodes) or ReadWriteOnce (one node).',
  }),
  'wait-timeout': Flags.custom<number>({ parse: async (input) => parseDuration(input) })({
    helpValue: '<duration>',
    default: DEFAULT_WAIT_TIMEOUT_MS,
    defaultHelp: async () => '10m',
    summary: "The orchestrator's wait for every service to be ready (image pulls included) before the first call.",
  }),
};

export interface KubeFlagValues {
  output?: string;
  namespace?: string;
  replicas?: string[];
  probe?: string[];
  requests?: string[];
  limits?: string[];
  'container-port'?: string[];
  'image-pull-secret'?: string[];
  'image-pull-policy'?: string;
  'orchestrator-image'?: string;
  'storage-class'?: string;
  'storage-size'?: string;
  'access-mode'?: string;
  'wait-timeout'?: number;
}

function usage(message: string, hint: string): UserError {
  return new UserError('USAGE', message, { exit: 2, hint });
}

function replicaCount(value: string, text: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= MAX_REPLICAS)) {
    throw usage(`--replicas ${text}: expected [container=]N, N a whole number from 1`, 'e.g. --replicas my-model1=3');
  }
  return n;
}

function probeKind(value: string, text: string): ProbeKind {
  if (!(PROBE_KINDS as readonly string[]).includes(value)) {
    throw usage(
      `--probe ${text}: expected [container=]${PROBE_KINDS.join('|')}`,
      'e.g. --probe grpc (every service) or --probe my-model1=none',
    );
  }
  return value as ProbeKind;
}

export function kubeOptionsFromFlags(flags: KubeFlagValues): KubeOptions {
  const each = <T>(values: string[] | undefined, parse: (value: string, text: string) => T, hasEquals = false) =>
    (values ?? []).map((text) => parseTargeted(text, (value) => parse(value, text), hasEquals));
  return {
    output: flags.output,
    namespace: flags.namespace,
    replicas: each(flags.replicas, replicaCount),
    probes: each(flags.probe, probeKind),
    requests: each(flags.requests, (value, text) => parseResourceList(value, `--requests ${text}`), true),
    limits: each(flags.limits, (value, text) => parseResourceList(value, `--limits ${text}`), true),
    containerPorts: parseContainerPorts(flags['container-port']),
    imagePullSecrets: flags['image-pull-secret'],
    imagePullPolicy: flags['image-pull-policy'] as PullPolicy | undefined,
    orchestratorImage: flags['orchestrator-image'],
    storageClass: flags['storage-class'],
    storageSize: flags['storage-size'],
    accessMode: flags['access-mode'] as AccessMode | undefined,
    waitTimeoutMs: flags['wait-timeout'],
  };
}
