// Prepares an export package for a run, without calling anything: blueprint and dockerinfo (validated), the graph,
// each node's proto and rpc, each container's address (dockerinfo or an override) and how each link maps messages.
// Everything a user can get wrong in the package is reported here, before any service is contacted.
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { buildPipelineGraph } from '../graph/build.js';
import { loadPackage, nodeProtoFinder, portNumber } from '../platform/read.js';
import { displayPath } from '../util/paths.js';
import { BLUEPRINT_FILE, DOCKERINFO_FILE, type BlueprintNode, type DockerInfo } from '../platform/types.js';
import { loadRuntimeProto, resolveOperation, type ResolvedOperation, type RuntimeProto } from '../proto/runtime.js';
import { checkAddress } from './input.js';
import { planLink } from './request.js';
import type { NodeId } from '../graph/types.js';
import type { CallKind, Endpoint, PreparedNode, PreparedRun, PrepareOptions } from './types.js';

/** `ip_address:port` of a dockerinfo entry; an IPv6 literal gets brackets. */
function dockerAddress(ip: string, port: string | number): string {
  const host = ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip;
  return `${host}:${portNumber(port)}`;
}

/** The address of each container in `containers` (those the run calls); overrides may name any of `all`. */
function resolveEndpoints(
  containers: string[],
  all: string[],
  dockerinfo: DockerInfo,
  overrides: Record<string, string>,
  dockerinfoLabel: string,
): Endpoint[] {
  for (const name of Object.keys(overrides).sort()) {
    if (!all.includes(name)) {
      throw new UserError(
        'UNKNOWN_CONTAINER',
        `--address ${name}: "${name}" is not a container of the blueprint (containers: ${all.join(', ')})`,
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

/** The call kind of an rpc, from its stream flags. */
export function callKind(requestStream: boolean, responseStream: boolean): CallKind {
  if (requestStream) return responseStream ? 'bidi' : 'client-stream';
  return responseStream ? 'server-stream' : 'unary';
}

/**
 * Loads and checks an export package for a run. Only operations a link touches are resolved and run (all of them in a
 * blueprint without links); the others are listed as not wired. Thrown: UserError for an invalid blueprint.json /
 * dockerinfo.json, a link to an unknown node, a cycle without a streaming link, a missing or invalid proto, an
 * operation the proto does not offer, a container without an address, or an --address override naming no container.
 */
export function prepareRun(exportDir: string, options: PrepareOptions = {}): PreparedRun {
  const pkg = loadPackage(exportDir);
  // One proto per container (not per operation), each file found and loaded once: containers commonly share a few.
  const findProto = nodeProtoFinder(pkg);
  const byFile = new Map<string, RuntimeProto>();
  const byContainer = new Map<string, BlueprintNode>();
  const indexOf = new Map<string, number>();
  pkg.blueprint.nodes.forEach((n, i) => {
    byContainer.set(n.container_name, n);
    indexOf.set(n.container_name, i);
  });
  const protoByContainer = new Map<string, RuntimeProto>();
  const protoOf = (container: string): RuntimeProto => {
    let proto = protoByContainer.get(container);
    if (proto) return proto;
    const file = findProto(byContainer.get(container)!, indexOf.get(container)!);
    proto = byFile.get(file);
    if (!proto) {
      proto = loadRuntimeProto(file, displayPath(file), pkg.dir);
      byFile.set(file, proto);
    }
    protoByContainer.set(container, proto);
    return proto;
  };
  // The proto decides how an rpc is called; the blueprint's stream flags only describe it (and may be wrong).
  const mismatches = new Map<NodeId, string>();
  const graph = buildPipelineGraph(pkg.blueprint, displayPath(join(pkg.dir, BLUEPRINT_FILE)), (node) => {
    let call: ResolvedOperation;
    try {
      call = resolveOperation(protoOf(node.container), node.id, node.operation);
    } catch {
      return node; // reported below if the node is wired
    }
    const flags = { inputStream: call.requestStream, outputStream: call.responseStream };
    if (flags.inputStream !== node.inputStream || flags.outputStream !== node.outputStream) {
      mismatches.set(
        node.id,
        `blueprint.json ${node.pointer}: "${node.id}" is described as ${callKind(node.inputStream, node.outputStream)}, ` +
          `but its proto declares ${callKind(flags.inputStream, flags.outputStream)}; calling it as the proto says`,
      );
    }
    return flags;
  });
  const unwired = new Set(graph.unwired);
  const nodes: PreparedNode[] = graph.nodes
    .filter((node) => !unwired.has(node.id))
    .map((node) => {
      const proto = protoOf(node.container);
      const call = resolveOperation(proto, `node "${node.id}"`, node.operation);
      const kind = callKind(call.requestStream, call.responseStream);
      // Written out rather than `{ ...node, proto, ... }`: V8 copies a spread followed by more keys through a slow
      // path, which alone took a tenth of a 100,000-node plan.
      return {
        id: node.id,
        container: node.container,
        operation: node.operation,
        order: node.order,
        pointer: node.pointer,
        signature: node.signature,
        inputStream: node.inputStream,
        outputStream: node.outputStream,
        proto,
        call,
        kind,
        streaming: kind !== 'unary',
      };
    });
  const byId = new Map<NodeId, PreparedNode>();
  const containers = new Set<string>();
  for (const n of nodes) {
    byId.set(n.id, n);
    containers.add(n.container);
  }
  const endpoints = resolveEndpoints(
    [...containers],
    [...byContainer.keys()],
    pkg.dockerinfo,
    options.addresses ?? {},
    displayPath(join(pkg.dir, DOCKERINFO_FILE)),
  );
  const links = graph.edges.map((e) => planLink(byId.get(e.from)!, byId.get(e.to)!));
  const notes = [...(pkg.warnings ?? [])];
  if (mismatches.size > 0) for (const n of nodes) if (mismatches.has(n.id)) notes.push(mismatches.get(n.id)!);

  return { dir: pkg.dir, pipeline: pkg.blueprint.name, graph, nodes, byId, endpoints, links, notes };
}
