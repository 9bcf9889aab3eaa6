// Prepares an export package for a run, without calling anything: blueprint and dockerinfo (validated), the graph,
// each node's proto and rpc, each container's address (dockerinfo or an override) and how each link maps messages.
// Everything a user can get wrong in the package is reported here, before any service is contacted.
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { buildPipelineGraph } from '../graph/build.js';
import { loadPackage, nodeProtoPath, portNumber } from '../platform/read.js';
import { displayPath } from '../util/paths.js';
import { BLUEPRINT_FILE, DOCKERINFO_FILE, type DockerInfo } from '../platform/types.js';
import { loadRuntimeProto, resolveOperation, type RuntimeProto } from '../proto/runtime.js';
import { checkAddress } from './input.js';
import { planLink } from './request.js';
import type { Endpoint, PreparedNode, PreparedRun, PrepareOptions } from './types.js';

/** `ip_address:port` of a dockerinfo entry; an IPv6 literal gets brackets. */
function dockerAddress(ip: string, port: string | number): string {
  const host = ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip;
  return `${host}:${portNumber(port)}`;
}

function resolveEndpoints(
  containers: string[],
  dockerinfo: DockerInfo,
  overrides: Record<string, string>,
  dockerinfoLabel: string,
): Endpoint[] {
  for (const name of Object.keys(overrides).sort()) {
    if (!containers.includes(name)) {
      throw new UserError(
        'UNKNOWN_CONTAINER',
        `--address ${name}: "${name}" is not a container of the blueprint (containers: ${containers.join(', ')})`,
        { exit: 2 },
      );
    }
  }
  const entries = new Map<string, number>();
  dockerinfo.docker_info_list.forEach((e, i) => {
    if (!entries.has(e.container_name)) entries.set(e.container_name, i);
  });
  return containers.map((container) => {
    const override = overrides[container];
    if (override !== undefined) {
      return { container, address: checkAddress(override, `--address ${container}`), source: 'override' };
    }
    const index = entries.get(container);
    if (index === undefined) {
      throw new UserError('NO_ADDRESS', `${dockerinfoLabel}: no entry for container "${container}"`, {
        file: dockerinfoLabel,
        hint: `add it to docker_info_list, or pass --address ${container}=host:port`,
      });
    }
    const entry = dockerinfo.docker_info_list[index]!;
    const address = dockerAddress(entry.ip_address, entry.port);
    checkAddress(address, `${dockerinfoLabel} /docker_info_list/${index}`, 1);
    return { container, address, source: 'dockerinfo' };
  });
}

/**
 * Loads and checks an export package for a run. Thrown: UserError for an invalid blueprint.json / dockerinfo.json, a
 * link to an unknown node, a cycle, a missing or invalid proto, an operation the proto does not offer, a container
 * without an address, or an --address override naming no container.
 */
export function prepareRun(exportDir: string, options: PrepareOptions = {}): PreparedRun {
  const pkg = loadPackage(exportDir);
  const graph = buildPipelineGraph(pkg.blueprint, displayPath(join(pkg.dir, BLUEPRINT_FILE)));
  // One proto per container (not per operation): finding and loading it is the costly part of a large plan.
  const protos = new Map<string, RuntimeProto>();
  const byFile = new Map<string, RuntimeProto>();
  for (const bpNode of pkg.blueprint.nodes) {
    const file = nodeProtoPath(pkg, bpNode);
    let proto = byFile.get(file);
    if (!proto) {
      proto = loadRuntimeProto(file, displayPath(file));
      byFile.set(file, proto);
    }
    protos.set(bpNode.container_name, proto);
  }
  const nodes: PreparedNode[] = graph.nodes.map((node) => {
    const proto = protos.get(node.container)!;
    const call = resolveOperation(proto, `node "${node.id}"`, node.operation);
    const streaming = node.inputStream || node.outputStream || call.requestStream || call.responseStream;
    return { ...node, proto, call, streaming };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const containers = [...new Set(nodes.map((n) => n.container))];
  const endpoints = resolveEndpoints(
    containers,
    pkg.dockerinfo,
    options.addresses ?? {},
    displayPath(join(pkg.dir, DOCKERINFO_FILE)),
  );
  const links = graph.edges.map((e) => planLink(byId.get(e.from)!, byId.get(e.to)!));

  return { dir: pkg.dir, pipeline: pkg.blueprint.name, graph, nodes, byId, endpoints, links };
}
