// Writes small export packages (blueprint.json, dockerinfo.json, microservice/<container>.proto) for engine tests,
// from a compact description: containers with their fixture proto, operations with their downstream links, and the
// address of each container (usually a TestServer's).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuntimeProto, resolveOperation } from '../../src/proto/runtime.js';
import { protosDir } from './grpc.js';

export interface PackageNode {
  container: string;
  /** File name in test/fixtures/protos. */
  proto: string;
  /** Operation name -> downstream `container:operation` ids. */
  operations: Record<string, string[]>;
  /** Stream flags per operation, as the blueprint states them (default: as the proto declares the rpc). */
  streams?: Record<string, { input?: boolean; output?: boolean }>;
}

export interface PackageSpec {
  name?: string;
  nodes: PackageNode[];
  /** container -> host:port; containers left out get no dockerinfo entry. */
  addresses: Record<string, string>;
}

/** Writes the package into `dir` (created) and returns `dir`. */
export function writePackage(dir: string, spec: PackageSpec): string {
  mkdirSync(join(dir, 'microservice'), { recursive: true });
  const blueprint = {
    name: spec.name ?? 'test-pipeline',
    version: '2.0',
    nodes: spec.nodes.map((n) => ({
      container_name: n.container,
      node_type: 'MLModel',
      image: `${n.container}:latest`,
      proto_uri: `microservice/${n.container}.proto`,
      operation_signature_list: Object.entries(n.operations).map(([operation, targets]) => ({
        operation_signature: { operation_name: operation, ...streamFlags(n, operation) },
        connected_to: targets.map((t) => {
          const i = t.lastIndexOf(':');
          return { container_name: t.slice(0, i), operation_signature: { operation_name: t.slice(i + 1) } };
        }),
      })),
    })),
  };
  writeFileSync(join(dir, 'blueprint.json'), JSON.stringify(blueprint, null, 2));
  const dockerinfo = {
    docker_info_list: Object.entries(spec.addresses).map(([container, address]) => {
      const i = address.lastIndexOf(':');
      return { container_name: container, ip_address: address.slice(0, i), port: address.slice(i + 1) };
    }),
  };
  writeFileSync(join(dir, 'dockerinfo.json'), JSON.stringify(dockerinfo, null, 2));
  for (const n of spec.nodes) copyFileSync(join(protosDir, n.proto), join(dir, 'microservice', `${n.container}.proto`));
  return dir;
}

/** The blueprint's stream flags of an operation: as given, else as the proto declares it (none if it has no such rpc). */
function streamFlags(n: PackageNode, operation: string): Record<string, boolean> {
  const given = n.streams?.[operation];
  if (given) return { input_message_stream: given.input ?? false, output_message_stream: given.output ?? false };
  try {
    const call = resolveOperation(loadRuntimeProto(join(protosDir, n.proto)), n.container, operation);
    return { input_message_stream: call.requestStream, output_message_stream: call.responseStream };
  } catch {
    return {};
  }
}

/** A linear pipeline of one proto: each `container:operation` feeds the next. */
export function chainNodes(proto: string, ids: string[]): PackageNode[] {
  return ids.map((id, i) => {
    const [container, operation] = id.split(':') as [string, string];
    return { container, proto, operations: { [operation]: i + 1 < ids.length ? [ids[i + 1]!] : [] } };
  });
}

/** Every container of `nodes` at one address (one test server answering them all). */
export function oneAddress(nodes: PackageNode[], address: string): Record<string, string> {
  return Object.fromEntries(nodes.map((n) => [n.container, address]));
}
