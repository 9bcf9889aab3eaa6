// `aieffect compose`, the plan: from an export package (blueprint.json + dockerinfo.json, ours or the platform's) to
// what docker-compose.yml will hold: one container per blueprint node on one bridge network, optionally with the
// orchestrator container that runs the pipeline once and writes its result document into the shared data folder.
// Every check runs here, before anything is written; compose-file.ts renders and writes the plan.
//
// Readiness: the orchestrator depends on every service with `condition: service_started`, except where the service's
// image is known to define a HEALTHCHECK (`--inspect-images` asks the local engine), where it is `service_healthy`.
// `service_healthy` on an image without a HEALTHCHECK makes `docker compose up` fail outright, and platform images
// rarely have one; the orchestrator waits for every service to be reachable itself (`--wait-timeout`), so
// `service_started` is never a race, only a slightly earlier start.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../util/paths.js';
import { BLUEPRINT_FILE, DOCKERINFO_FILE, type DockerInfoEntry, type ExportPackage } from '../platform/types.js';
import { addressKind, containerNameProblem, imageReferenceProblem } from './docker-names.js';
import { nodeImage, requireNodes } from './nodes.js';
import { pointer } from './pointer.js';
import { planProject, type ComposeProject } from './compose-project.js';
import { decidePorts, type ContainerPortOverride, type PortRule } from './ports.js';

export const COMPOSE_OUTPUT = 'docker-compose.yml';
export const NETWORK = 'ai-effect-pipeline';
export const DEFAULT_BASE_PORT = 50051;
export const ORCHESTRATOR_SERVICE = 'orchestrator';
export const ORCHESTRATOR_DOCKERFILE = 'Dockerfile.orchestrator';
/** Where the orchestrator container sees the export package (its image's default argument). */
export const EXPORT_MOUNT = '/export';
/** Where each service (and the orchestrator) sees the shared ./data folder. */
export const DATA_MOUNT = '/app/data';
/** The orchestrator's result document (--output), in the shared data folder. */
export const RESULT_FILE = 'run-result.json';
/**
 * What Dockerfile.orchestrator copies besides itself: an --orchestrator-path must hold these (a clone after
 * `npm ci && npm run build`, or an installed package).
 */
const ORCHESTRATOR_CONTEXT = ['package.json', 'oclif.manifest.json', 'bin/run.js', 'dist'];
/** The name Compose tags the orchestrator image with, built from --orchestrator-path: one image for every project. */
export const ORCHESTRATOR_IMAGE = 'aieffect-orchestrator';
/**
 * Dockerfile.orchestrator's default base image. The compose file passes NODE_IMAGE from the environment variable
 * AIEFFECT_NODE_IMAGE when set (a mirror), else this, so that `up --build` builds from the same base as the image
 * built before it.
 */
export const DEFAULT_NODE_IMAGE = 'node:22-bookworm-slim';
export const NODE_IMAGE_VARIABLE = 'AIEFFECT_NODE_IMAGE';
const MAX_PORT = 65535;

/** Where the orchestrator container comes from: built from Dockerfile.orchestrator in a folder, or an image. */
export type OrchestratorSource = { path: string } | { image: string };

export interface ComposeOptions {
  /** The first published (host) port; the services get consecutive ports in name order. Default 50051. */
  basePort?: number;
  orchestrator?: OrchestratorSource;
  /** The file to write; default <export_dir>/docker-compose.yml. Relative to the working directory. */
  output?: string;
  /** `--container-port [container=]N`: the port a container listens on, instead of the port rule's (ports.ts). */
  containerPorts?: readonly ContainerPortOverride[];
  /** `--project-name`: the Compose project, instead of the pipeline's name (compose-project.ts). */
  projectName?: string;
  /**
   * `--ephemeral-ports`: publish each port on a host port the engine picks (`- "8061"`), so any number of deployments
   * of one package run side by side; `docker compose port` tells which. basePort is then not used.
   */
  ephemeralPorts?: boolean;
}

export type DependencyCondition = 'service_started' | 'service_healthy';

export interface PlannedService {
  /** Compose service name and container name: the node's container_name. */
  name: string;
  image: string;
  /** The port the service listens on inside its container (the port rule, ports.ts), given to it as GRPC_PORT. */
  port: number;
  /** dockerinfo.json's port, which the orchestrator dials unless given an `--address`. */
  dial: number;
  /** Which rule gave `port`. */
  rule: PortRule;
  /** The host port it is published on; null: one the engine picks when the container starts (--ephemeral-ports). */
  published: number | null;
  /** The web UI (Graphene/AI4EU images): its port in the container and the host port it is published on. */
  webUi?: { port: number; published: number | null };
  /** The dockerinfo ip_address as a network alias, when it can be one and differs from the name. */
  alias?: string;
  /**
   * Set when the dockerinfo address does not work inside the network (localhost, an IP, a name shared by several
   * nodes) or the service listens on another port than dockerinfo's: the host:port the orchestrator is told instead,
   * through `--address`.
   */
  override?: string;
  condition: DependencyCondition;
}

export interface PlannedOrchestrator {
  /** Build context relative to the output file's folder, when built from Dockerfile.orchestrator. */
  build?: string;
  /** The image run, or (with `build`) the name the built image is tagged with: aieffect-orchestrator:<version>. */
  image: string;
  /** The container's arguments: the export mount, then one `--address` per overridden node. */
  command: string[];
}

export interface ComposePlan {
  exportDir: string;
  /** Absolute path of the file to write. */
  outputPath: string;
  /** Absolute path of the data folder beside it (mounted into every service). */
  dataDir: string;
  /** The Compose project, set in the .env file beside the compose file. */
  project: ComposeProject;
  basePort: number;
  /** The port rule applied, one line (ports.ts). */
  portRule: string;
  services: PlannedService[];
  orchestrator?: PlannedOrchestrator;
  /** Things worth telling the user (ignored dockerinfo entries, replaced addresses), one line each. */
  notes: string[];
}

/** A path as Compose wants it in a file: relative to the file's folder, "/" separated, starting with "." or "..". */
export function composeRelativePath(fromDir: string, to: string): string {
  const rel = relative(fromDir, to);
  if (rel === '') return '.';
  if (isAbsolute(rel)) return rel; // another drive on Windows: nothing relative exists
  const posix = rel.split(sep).join('/');
  return posix.startsWith('..') ? posix : `./${posix}`;
}

function usage(code: string, message: string, hint: string): UserError {
  return new UserError(code, message, { exit: 2, hint });
}

/**
 * The tag of the orchestrator image built from an --orchestrator-path: aieffect-orchestrator:<its package.json
 * version> (characters a tag cannot hold become "-"), or :latest when the version cannot be read. Every deployment
 * built from the same aieffect shares it, and `docker compose down --rmi local` leaves it (it has a name of its own).
 */
function orchestratorImage(path: string): string {
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(join(resolve(path), 'package.json'), 'utf8')) as { version?: unknown }).version;
  } catch {
    version = undefined;
  }
  const tag =
    typeof version === 'string'
      ? version
          .replace(/[^\w.-]/g, '-')
          .replace(/^[.-]+/, '')
          .slice(0, 128)
      : '';
  return `${ORCHESTRATOR_IMAGE}:${tag === '' ? 'latest' : tag}`;
}

/** Resolves and checks the command-line side: output path, base port, orchestrator source. */
function checkOptions(
  pkg: ExportPackage,
  options: ComposeOptions,
): { outputPath: string; dataDir: string; basePort: number } {
  const outputPath = resolve(options.output ?? join(pkg.dir, COMPOSE_OUTPUT));
  if (existsSync(outputPath) && statSync(outputPath).isDirectory()) {
    throw usage(
      'OUTPUT_IS_DIRECTORY',
      `--output ${displayPath(outputPath)}: is a folder, not a file`,
      `give a file name, e.g. --output ${displayPath(join(outputPath, COMPOSE_OUTPUT))}`,
    );
  }
  const dataDir = join(dirname(outputPath), 'data');
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new UserError(
      'DATA_NOT_DIRECTORY',
      `${displayPath(dataDir)}: exists and is not a folder; every service mounts it at ${DATA_MOUNT}`,
      { file: displayPath(dataDir), hint: 'move that file away, or write the compose file elsewhere with --output' },
    );
  }
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  if (!Number.isInteger(basePort) || basePort < 1 || basePort > MAX_PORT) {
    throw usage(
      'INVALID_PORT',
      `--base-port ${basePort}: expected an integer from 1 to ${MAX_PORT}`,
      'e.g. --base-port 50051',
    );
  }
  const source = options.orchestrator;
  if (source && 'path' in source) {
    const dockerfile = join(resolve(source.path), ORCHESTRATOR_DOCKERFILE);
    if (!existsSync(dockerfile) || !statSync(dockerfile).isFile()) {
      throw new UserError(
        'ORCHESTRATOR_DOCKERFILE_MISSING',
        `--orchestrator-path ${source.path}: no ${ORCHESTRATOR_DOCKERFILE} there`,
        {
          file: displayPath(dockerfile),
          hint: `give the folder holding ${ORCHESTRATOR_DOCKERFILE} (the aieffect repository, or the installed package: "$(npm root -g)/aieffect"), or use --orchestrator-image`,
        },
      );
    }
    const missing = ORCHESTRATOR_CONTEXT.filter((name) => !existsSync(join(resolve(source.path), name)));
    if (missing.length > 0) {
      throw new UserError(
        'ORCHESTRATOR_NOT_BUILT',
        `--orchestrator-path ${source.path}: no ${missing.join(', ')} there; ${ORCHESTRATOR_DOCKERFILE} builds the image from the compiled CLI`,
        {
          file: displayPath(resolve(source.path)),
          hint: `run \`npm run build\` in ${source.path}, or give an installed copy: --orchestrator-path "$(npm root -g)/aieffect"`,
        },
      );
    }
  }
  if (source && 'image' in source) {
    const problem = imageReferenceProblem(source.image);
    if (problem) {
      throw usage(
        'INVALID_IMAGE_NAME',
        `--orchestrator-image ${JSON.stringify(source.image)}: not a valid Docker image name (${problem})`,
        'e.g. --orchestrator-image registry.example.com/aieffect-orchestrator:1.0',
      );
    }
  }
  return { outputPath, dataDir, basePort };
}

/**
 * Works out the compose file for a loaded package and checks everything a later `docker compose up` would trip on.
 * Thrown (nothing written): UserError for a node without image or with an invalid name or image, a node missing from
 * dockerinfo.json or listed twice, an invalid port or address, published ports past 65535, an orchestrator path
 * without Dockerfile.orchestrator, and a node named like the orchestrator service.
 */
export function planCompose(pkg: ExportPackage, options: ComposeOptions = {}): ComposePlan {
  const { outputPath, dataDir, basePort } = checkOptions(pkg, options);
  const project = planProject(pkg, outputPath, options.projectName);
  const outDir = dirname(outputPath);
  const blueprintLabel = displayPath(join(pkg.dir, BLUEPRINT_FILE));
  const dockerinfoLabel = displayPath(join(pkg.dir, DOCKERINFO_FILE));
  const notes: string[] = [...(pkg.warnings ?? [])];

  interface Draft {
    name: string;
    image: string;
  }
  const drafts: Draft[] = [];
  pkg.blueprint.nodes.forEach((node, i) => {
    const name = node.container_name;
    const nodeAt = pointer('nodes', i);
    const nameProblem = containerNameProblem(name);
    if (nameProblem) {
      throw new UserError(
        'INVALID_SERVICE_NAME',
        `${blueprintLabel} ${nodeAt}/container_name: ${JSON.stringify(name)} is not a valid Docker container or Compose service name (${nameProblem})`,
        { file: blueprintLabel, pointer: `${nodeAt}/container_name` },
      );
    }
    if (options.orchestrator && name === ORCHESTRATOR_SERVICE) {
      throw new UserError(
        'SERVICE_NAME_COLLISION',
        `${blueprintLabel} ${nodeAt}/container_name: node "${ORCHESTRATOR_SERVICE}" collides with the orchestrator service the compose file adds`,
        {
          file: blueprintLabel,
          pointer: `${nodeAt}/container_name`,
          hint: 'rename the node in the blueprint, or leave out --orchestrator-path/--orchestrator-image',
        },
      );
    }
    drafts.push({ name, image: nodeImage(node, i, blueprintLabel) });
  });

  requireNodes(pkg.blueprint, blueprintLabel);
  // The port rule also checks that every node has exactly one dockerinfo entry with a valid port.
  const ports = decidePorts(
    { ...pkg, labels: { blueprint: blueprintLabel, dockerinfo: dockerinfoLabel } },
    options.containerPorts,
  );
  const portOf = new Map(ports.containers.map((c) => [c.container, c]));
  const addresses = new Map<string, { entry: DockerInfoEntry; index: number }>();
  pkg.dockerinfo.docker_info_list.forEach((entry, index) => addresses.set(entry.container_name, { entry, index }));
  const nodeNames = new Set(drafts.map((d) => d.name));
  for (const name of [...addresses.keys()].sort()) {
    if (nodeNames.has(name)) continue;
    notes.push(
      name === ORCHESTRATOR_SERVICE
        ? `${dockerinfoLabel}: entry "${ORCHESTRATOR_SERVICE}" is the platform's own orchestrator, not a node: ignored`
        : `${dockerinfoLabel}: entry ${JSON.stringify(name)} is not a blueprint node: ignored`,
    );
  }

  // gRPC ports first, one per service in name order, then the web UIs in the same order.
  const webUis = ports.containers.filter((c) => c.webUi !== undefined).length;
  const publishedCount = drafts.length + webUis;
  const lastPort = basePort + publishedCount - 1;
  if (!options.ephemeralPorts && lastPort > MAX_PORT) {
    throw usage(
      'PORT_RANGE',
      `--base-port ${basePort}: ${drafts.length} services${webUis > 0 ? ` and ${webUis} web UIs` : ''} need published ports ${basePort}-${lastPort}, past ${MAX_PORT}`,
      `use --base-port ${MAX_PORT - publishedCount + 1} or lower`,
    );
  }

  // Which dockerinfo addresses can be network aliases: DNS is case-insensitive, and an alias shared by two containers
  // (or equal to another service's name) would resolve to either of them.
  const lower = (s: string) => s.toLowerCase();
  const taken = new Set([...nodeNames].map(lower));
  if (options.orchestrator) taken.add(ORCHESTRATOR_SERVICE);
  const addressCount = new Map<string, number>();
  const addressOf = (name: string) => addresses.get(name)!.entry.ip_address;
  for (const d of drafts)
    addressCount.set(lower(addressOf(d.name)), (addressCount.get(lower(addressOf(d.name))) ?? 0) + 1);

  const sorted = [...drafts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let nextWebUi = basePort + drafts.length;
  const host = (port: number) => (options.ephemeralPorts ? null : port);
  const services: PlannedService[] = sorted.map((d, i) => {
    const port = portOf.get(d.name)!;
    const { index } = addresses.get(d.name)!;
    const address = addressOf(d.name);
    const service: PlannedService = {
      name: d.name,
      image: d.image,
      port: port.listen,
      dial: port.dial,
      rule: port.rule,
      published: host(basePort + i),
      ...(port.webUi !== undefined ? { webUi: { port: port.webUi, published: host(nextWebUi++) } } : {}),
      condition: 'service_started',
    };
    const kind = addressKind(address);
    if (kind === 'invalid') {
      const at = pointer('docker_info_list', index, 'ip_address');
      throw new UserError(
        'INVALID_ADDRESS',
        `${dockerinfoLabel} ${at}: ${JSON.stringify(address)} of ${JSON.stringify(d.name)} is neither a host name nor an IP address`,
        { file: dockerinfoLabel, pointer: at },
      );
    }
    let unusable: string | undefined;
    if (lower(address) === lower(d.name)) unusable = undefined;
    else if (kind === 'loopback') unusable = 'is a loopback address, which inside the network reaches only the caller';
    else if (kind === 'ip') unusable = 'is a fixed IP address, which Compose does not assign';
    else if ((addressCount.get(lower(address)) ?? 0) > 1) unusable = 'is shared by several nodes';
    else if (taken.has(lower(address))) unusable = 'is the name of another service';
    else service.alias = address;
    const otherPort = port.listen !== port.dial;
    if (unusable === undefined && !otherPort) return service;
    service.override = `${d.name}:${port.listen}`;
    const why =
      unusable !== undefined
        ? `dockerinfo address ${JSON.stringify(address)} ${unusable}`
        : `listens on ${port.listen}, not on dockerinfo's port ${port.dial}`;
    notes.push(
      `${d.name}: ${why}; ` +
        (options.orchestrator
          ? `the orchestrator is given --address ${d.name}=${service.override}`
          : `inside the network the service is ${service.override}`),
    );
    return service;
  });

  let orchestrator: PlannedOrchestrator | undefined;
  if (options.orchestrator) {
    const command = [EXPORT_MOUNT, '--output', `${DATA_MOUNT}/${RESULT_FILE}`];
    for (const s of services) if (s.override) command.push('--address', `${s.name}=${s.override}`);
    orchestrator =
      'path' in options.orchestrator
        ? {
            build: composeRelativePath(outDir, resolve(options.orchestrator.path)),
            image: orchestratorImage(options.orchestrator.path),
            command,
          }
        : { image: options.orchestrator.image, command };
  }

  return {
    exportDir: pkg.dir,
    outputPath,
    dataDir,
    project,
    basePort,
    portRule: ports.statement,
    services,
    orchestrator,
    notes,
  };
}

/** The plan with `service_healthy` for the services whose image is known to define a HEALTHCHECK. */
export function applyHealthchecks(plan: ComposePlan, healthyImages: ReadonlySet<string>): ComposePlan {
  return {
    ...plan,
    services: plan.services.map((s) => ({
      ...s,
      condition: healthyImages.has(s.image) ? 'service_healthy' : 'service_started',
    })),
  };
}
