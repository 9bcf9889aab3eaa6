// Prepares an export package for a run, without calling anything: blueprint and dockerinfo (validated), the graph,
// each node's proto and rpc, each container's address (dockerinfo or an override) and how each link maps messages.
// Everything a user can get wrong in the package is reported here, before any service is contacted.
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { buildPipelineGraph } from '../graph/build.js';
import { displayPath, loadPackage, nodeProtoPath, portNumber } from '../platform/read.js';
import { BLUEPRINT_FILE, DOCKERINFO_FILE, type DockerInfo } from '../platform/types.js';
import { loadRuntimeProto, resolveOperation } from '../proto/runtime.js';
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
  return containers.map((container) => {
    const override = overrides[container];
    if (override !== undefined) {
      return { container, address: checkAddress(override, `--address ${container}`), source: 'override' };
    }
    const index = dockerinfo.docker_info_list.findIndex((e) => e.container_name === container);
    if (index < 0) {
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
  const bpNodes = new Map(pkg.blueprint.nodes.map((n) => [n.container_name, n]));
  const nodes: PreparedNode[] = graph.nodes.map((node) => {
    const bpNode = bpNodes.get(node.container)!;
    const file = nodeProtoPath(pkg, bpNode);
    const proto = loadRuntimeProto(file, displayPath(file));
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
