// The port rule: on which port each container of an export package really listens, and which port the orchestrator
// dials. Every deployment generator (compose, kube) asks this module instead of reading dockerinfo.json's port itself,
// because the two are not always the same:
//
// - AI-Effect services (our export, the original Python tools' export) listen on $GRPC_PORT, and the deployment sets
//   GRPC_PORT to dockerinfo's port: the port the orchestrator dials is the port the service listens on.
// - Graphene / AI4EU Experiments model images (packages downloaded from the platform) listen for gRPC on 8061 and
//   serve an optional web UI on 8062, whatever GRPC_PORT says (the platform's container specification); dockerinfo's
//   port there is only what the platform's own orchestrator was told, and a deployer rewrites it. Such packages are
//   recognised from blueprint.json, which the platform writes (see `platformEvidence`).
// - `--container-port [container=]N` overrides either, for images that follow neither.
import { UserError } from '../errors.js';
import { portNumber } from '../platform/read.js';
import type { Blueprint, DockerInfo } from '../platform/types.js';

/** The platform's convention for model containers: gRPC here... */
export const GRAPHENE_GRPC_PORT = 8061;
/** ...and the optional web UI here. */
export const GRAPHENE_WEB_UI_PORT = 8062;
const MAX_PORT = 65535;

/** Which rule gave a container its port. */
export type PortRule = 'aieffect' | 'graphene' | 'override';

/** One `--container-port` value: `N` (every container) or `container=N` (one). */
export interface ContainerPortOverride {
  /** Absent: every container. */
  container?: string;
  port: number;
}

/** The port decision for one blueprint node. */
export interface ContainerPort {
  /** The node's container_name. */
  container: string;
  /** The port the service listens on inside its container: compose's `target`, a Kubernetes containerPort. */
  listen: number;
  /** dockerinfo.json's port: what the orchestrator dials unless told otherwise (a Kubernetes Service port). */
  dial: number;
  /** The web UI's port inside the container, to publish as well (Graphene/AI4EU images only). */
  webUi?: number;
  /** GRPC_PORT to give the container: always `listen`, so a service that reads it listens where it is expected. */
  env: { GRPC_PORT: string };
  rule: PortRule;
}

export interface PortDecision {
  /** The package's convention (overrides aside). */
  convention: 'aieffect' | 'graphene';
  /** One line for the command's output: the convention, and for Graphene how the package was recognised. */
  statement: string;
  /** One entry per blueprint node, in blueprint order. */
  containers: ContainerPort[];
}

/** Package data the rule reads; an ExportPackage fits. `labels` name the files in messages (default their names). */
export interface PortPackage {
  blueprint: Blueprint;
  dockerinfo: DockerInfo;
  labels?: { blueprint?: string; dockerinfo?: string };
}

/**
 * Signs in blueprint.json that the platform wrote it: its blueprint writer adds top-level `probeIndicator` and
 * `input_ports`, and its proto_uri points into the platform's repository (org/acumos/...). Neither AI-Effect's export
 * nor the original tools write any of these.
 */
function platformEvidence(blueprint: Blueprint): string[] {
  const evidence: string[] = [];
  if ('probeIndicator' in blueprint) evidence.push('probeIndicator');
  if ('input_ports' in blueprint) evidence.push('input_ports');
  if (blueprint.nodes.some((n) => typeof n.proto_uri === 'string' && n.proto_uri.startsWith('org/acumos/'))) {
    evidence.push('proto_uri in the platform repository (org/acumos/...)');
  }
  return evidence;
}

function usage(message: string, hint: string): UserError {
  return new UserError('INVALID_CONTAINER_PORT', message, { exit: 2, hint });
}

/** The overrides by container ('' = every container), checked against the blueprint's nodes. */
function indexOverrides(overrides: readonly ContainerPortOverride[], nodes: Set<string>): Map<string, number> {
  const byContainer = new Map<string, number>();
  for (const o of overrides) {
    const shown = o.container === undefined ? String(o.port) : `${o.container}=${o.port}`;
    if (!Number.isInteger(o.port) || o.port < 1 || o.port > MAX_PORT) {
      throw usage(
        `--container-port ${shown}: the port must be an integer from 1 to ${MAX_PORT}`,
        'e.g. --container-port 8061',
      );
    }
    const key = o.container ?? '';
    if (o.container !== undefined && !nodes.has(o.container)) {
      throw usage(
        `--container-port ${shown}: no container ${JSON.stringify(o.container)} in the blueprint (containers: ${[...nodes].sort().join(', ')})`,
        'give a container_name of blueprint.json, or a bare port for every container',
      );
    }
    if (byContainer.has(key)) {
      throw usage(
        `--container-port ${shown}: ${o.container === undefined ? 'a port for every container' : `container ${JSON.stringify(o.container)}`} is given twice`,
        'give each container (and the bare port for all of them) once',
      );
    }
    byContainer.set(key, o.port);
  }
  return byContainer;
}

/**
 * Decides, for every node of a package, the port its service listens on inside its container and the port the
 * orchestrator dials, by the package's convention (AI-Effect: dockerinfo's port, passed on as GRPC_PORT;
 * Graphene/AI4EU: gRPC 8061 plus web UI 8062) or by `overrides` (`container=N` before a bare `N`).
 *
 * Thrown (UserError): exit 2 for an override naming no node, given twice or out of range; exit 1 for a node without a
 * dockerinfo.json entry or with a port that is not 1-65535.
 */
export function decidePorts(pkg: PortPackage, overrides: readonly ContainerPortOverride[] = []): PortDecision {
  const blueprintLabel = pkg.labels?.blueprint ?? 'blueprint.json';
  const dockerinfoLabel = pkg.labels?.dockerinfo ?? 'dockerinfo.json';
  const nodes = pkg.blueprint.nodes.map((n) => n.container_name);
  const byContainer = indexOverrides(overrides, new Set(nodes));
  const seen = new Set<string>();
  pkg.dockerinfo.docker_info_list.forEach((entry, index) => {
    if (seen.has(entry.container_name)) {
      const at = `/docker_info_list/${index}/container_name`;
      throw new UserError(
        'DUPLICATE_DOCKERINFO_ENTRY',
        `${dockerinfoLabel} ${at}: container ${JSON.stringify(entry.container_name)} appears twice`,
        { file: dockerinfoLabel, pointer: at },
      );
    }
    seen.add(entry.container_name);
  });
  const evidence = platformEvidence(pkg.blueprint);
  const convention = evidence.length > 0 ? 'graphene' : 'aieffect';

  const containers = nodes.map((container, i): ContainerPort => {
    const index = pkg.dockerinfo.docker_info_list.findIndex((e) => e.container_name === container);
    if (index < 0) {
      throw new UserError(
        'MISSING_DOCKERINFO_ENTRY',
        `${dockerinfoLabel} /docker_info_list: no entry for container ${JSON.stringify(container)} (${blueprintLabel} /nodes/${i})`,
        {
          file: dockerinfoLabel,
          pointer: '/docker_info_list',
          hint: 'every blueprint node needs its address (container_name, ip_address, port) in dockerinfo.json',
        },
      );
    }
    const raw = pkg.dockerinfo.docker_info_list[index]!.port;
    const dial = portNumber(raw);
    if (!Number.isInteger(dial) || dial < 1 || dial > MAX_PORT) {
      const at = `/docker_info_list/${index}/port`;
      throw new UserError(
        'INVALID_PORT',
        `${dockerinfoLabel} ${at}: port ${JSON.stringify(raw)} of ${JSON.stringify(container)} is not between 1 and ${MAX_PORT}`,
        { file: dockerinfoLabel, pointer: at },
      );
    }
    const override = byContainer.get(container) ?? byContainer.get('');
    const conventional = convention === 'graphene' ? GRAPHENE_GRPC_PORT : dial;
    const listen = override ?? conventional;
    return {
      container,
      listen,
      dial,
      ...(convention === 'graphene' ? { webUi: GRAPHENE_WEB_UI_PORT } : {}),
      env: { GRPC_PORT: String(listen) },
      rule: override === undefined ? convention : 'override',
    };
  });

  const overridden = containers.filter((c) => c.rule === 'override').map((c) => `${c.container} ${c.listen}`);
  const statement =
    (convention === 'graphene'
      ? `ports: Graphene/AI4EU package (${blueprintLabel}: ${evidence.join(', ')}), so each service listens on gRPC ${GRAPHENE_GRPC_PORT} and serves its web UI on ${GRAPHENE_WEB_UI_PORT}, whatever ${dockerinfoLabel} says`
      : `ports: AI-Effect package, so each service listens on its ${dockerinfoLabel} port, given to it as GRPC_PORT`) +
    (overridden.length > 0 ? `; --container-port: ${overridden.join(', ')}` : '');
  return { convention, statement, containers };
}
