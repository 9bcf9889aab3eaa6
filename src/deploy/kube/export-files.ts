// The export package as the orchestrator sees it inside the cluster: blueprint.json as it is, dockerinfo.json
// rewritten so that each node's address is its Service (`<service>:<port>`, resolved by the cluster's DNS in the Job's
// namespace), and the protos (everything under microservice/, plus a node's proto_uri elsewhere in the package and
// every file its imports reach inside the package). They travel in one ConfigMap, mounted read-only at /export with
// the paths restored; a ConfigMap holds at most 1 MiB, which is checked here.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { UserError } from '../../errors.js';
import { nodeProtoPath } from '../../platform/read.js';
import { checkPackageImports } from '../../proto/imports.js';
import {
  BLUEPRINT_FILE,
  DOCKERINFO_FILE,
  PROTO_DIR,
  type DockerInfo,
  type ExportPackage,
} from '../../platform/types.js';
import { displayPath, isInside } from '../../util/paths.js';

/** What the API server accepts in one ConfigMap (data and binaryData together). */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;
const KEY_MAX = 253;

/** One file of the package in the ConfigMap. */
export interface ExportFile {
  /** The ConfigMap key (letters, digits, "-", "_", "."). */
  key: string;
  /** Where it appears under the mount, "/"-separated. */
  path: string;
  /** Text files go to `data`; anything that is not UTF-8 to `binaryData`. */
  content: string;
  binary: boolean;
}

/** Where each node is reached inside the cluster: container_name -> Service name and port. */
export type ClusterAddresses = Map<string, { host: string; port: number }>;

/**
 * dockerinfo.json for the cluster: one entry per blueprint node, in blueprint order, at its Service. The port keeps the
 * type the package used (a number in the platform's files, a string in ours), as a reader of either expects.
 */
export function clusterDockerInfo(pkg: ExportPackage, addresses: ClusterAddresses): DockerInfo {
  const numeric = pkg.dockerinfo.docker_info_list.some((e) => typeof e.port === 'number');
  return {
    docker_info_list: pkg.blueprint.nodes.map((node) => {
      const at = addresses.get(node.container_name)!;
      return {
        container_name: node.container_name,
        ip_address: at.host,
        port: numeric ? at.port : String(at.port),
      };
    }),
  };
}

/** Every regular .proto file below `dir`, as absolute paths, sorted. */
function protoFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return entries
    .map((e) => join(dir, e))
    .filter((path) => path.endsWith('.proto') && statSync(path, { throwIfNoEntry: false })?.isFile())
    .sort();
}

/** A ConfigMap key for `path`: the path with "/" and other characters as "_", made unique by a hash when needed. */
function keyFor(path: string, taken: Set<string>): string {
  let key = path.replace(/[^-._a-zA-Z0-9]/g, '_');
  if (/^\.\.?$/.test(key)) key = `_${key}`;
  if (key.length > KEY_MAX || taken.has(key)) {
    key = `${key.slice(0, KEY_MAX - 9)}_${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;
  }
  taken.add(key);
  return key;
}

function fileContent(bytes: Buffer): { content: string; binary: boolean } {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes)
    ? { content: text, binary: false }
    : { content: bytes.toString('base64'), binary: true };
}

/**
 * The files of the ConfigMap: blueprint.json, the cluster's dockerinfo.json, then the protos by path. `notes` receives
 * a line for each node whose proto is missing or imports what the package lacks (the Job's `aieffect orchestrate`
 * would refuse the package; compose does not read protos, so neither does this refuse it). Thrown: UserError
 * CONFIGMAP_TOO_LARGE past 1 MiB.
 */
export function exportFiles(pkg: ExportPackage, dockerinfo: DockerInfo, notes: string[]): ExportFile[] {
  const realDir = realpathSync(pkg.dir);
  const inPackage = (file: string) => relative(pkg.dir, file).split(sep).join('/');
  // A link leading out of the package is never followed into the ConfigMap (it would ship a file of this machine).
  const linkedOut = (file: string) => !isInside(realDir, realpathSync(file));
  const paths = new Set<string>();
  for (const file of protoFiles(join(pkg.dir, PROTO_DIR))) {
    if (linkedOut(file))
      notes.push(`${displayPath(file)}: a link leading outside the package, left out of the ConfigMap`);
    else paths.add(inPackage(file));
  }
  for (const node of pkg.blueprint.nodes) {
    const proto = nodeProtoPath(pkg, node);
    if (!(statSync(proto, { throwIfNoEntry: false })?.isFile() && isInside(pkg.dir, proto))) {
      notes.push(
        `${node.container_name}: no proto at ${displayPath(proto)}; the orchestrator Job will refuse the package until it is there`,
      );
      continue;
    }
    // What the proto imports goes along wherever it is in the package; what the Job's loader would refuse is told now.
    try {
      for (const file of checkPackageImports(proto, pkg.dir)) paths.add(inPackage(file));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      notes.push(`${err.message}: the orchestrator Job will refuse the package until that is fixed (${err.hint})`);
      if (!linkedOut(proto)) paths.add(inPackage(proto));
    }
  }
  const taken = new Set<string>([BLUEPRINT_FILE, DOCKERINFO_FILE]);
  const files: ExportFile[] = [
    { key: BLUEPRINT_FILE, path: BLUEPRINT_FILE, ...fileContent(readFileSync(join(pkg.dir, BLUEPRINT_FILE))) },
    { key: DOCKERINFO_FILE, path: DOCKERINFO_FILE, content: JSON.stringify(dockerinfo, null, 2) + '\n', binary: false },
  ];
  for (const path of [...paths].sort()) {
    files.push({ key: keyFor(path, taken), path, ...fileContent(readFileSync(join(pkg.dir, path))) });
  }
  const size = files.reduce((sum, f) => sum + f.key.length + Buffer.byteLength(f.content), 0);
  if (size > CONFIGMAP_MAX_BYTES) {
    throw new UserError(
      'CONFIGMAP_TOO_LARGE',
      `${displayPath(pkg.dir)}: blueprint.json, dockerinfo.json and the protos take ${size} bytes, more than the ${CONFIGMAP_MAX_BYTES} bytes (1 MiB) a ConfigMap holds`,
      {
        file: displayPath(pkg.dir),
        hint: `remove protos no node uses from ${PROTO_DIR}/`,
      },
    );
  }
  return files;
}
