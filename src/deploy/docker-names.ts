// Docker's naming rules, checked when a build script or compose file is generated, so that a bad name is reported
// against the file it came from instead of surfacing later as a cryptic `docker compose` failure (or, for a name like
// `$(id)`, as something worse). Each check returns why a name is invalid, or undefined when it is fine.

// Image references, after github.com/distribution/reference (regexp.go): [domain[:port]/]path[:tag][@digest].
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const imageName = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(`^(${imageName})(?::${tag})?(?:@${digest})?$`);
/** distribution/reference's NameTotalLengthMax. */
const IMAGE_NAME_MAX = 255;

/** Why `ref` is not a valid Docker image reference (`registry:5000/team/app:1.2`), or undefined when it is. */
export function imageReferenceProblem(ref: string): string | undefined {
  if (ref === '') return 'it is empty';
  const match = IMAGE_REFERENCE.exec(ref);
  if (!match) {
    if (IMAGE_REFERENCE.test(ref.toLowerCase())) return 'image names must be lowercase';
    return 'allowed: lowercase letters, digits and the separators ".", "_", "-" between them, "/" between path parts, then an optional ":tag"';
  }
  if (match[1]!.length > IMAGE_NAME_MAX) return `the name is longer than ${IMAGE_NAME_MAX} characters`;
  return undefined;
}

// Compose service names (compose-spec: ^[a-zA-Z0-9._-]+$); Docker container names additionally start with a letter
// or digit and have at least two characters (moby's validContainerNamePattern).
const SERVICE_NAME = /^[a-zA-Z0-9._-]+$/;
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Why `name` is not a valid Docker Compose service name, or undefined when it is. */
export function serviceNameProblem(name: string): string | undefined {
  return SERVICE_NAME.test(name) ? undefined : 'allowed: letters, digits, ".", "_" and "-"';
}

/** Why `name` is not a valid Docker container name, or undefined when it is. */
export function containerNameProblem(name: string): string | undefined {
  if (CONTAINER_NAME.test(name)) return undefined;
  if (name.length < 2 && SERVICE_NAME.test(name)) return 'container names have at least 2 characters';
  return 'allowed: letters, digits, ".", "_" and "-", starting with a letter or digit';
}

// Compose v2 project names (compose-go's projectNameRegexp): they prefix every default image name.
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Why `name` is not a valid Docker Compose project name, or undefined when it is. */
export function projectNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty once characters other than a-z, 0-9, "_" and "-" are dropped';
  return PROJECT_NAME.test(name) ? undefined : 'it must start with a lowercase letter or digit';
}

// A DNS name usable as a network alias: labels of letters, digits, "-" (and "_", which Docker's DNS serves too).
const HOST_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?';
const HOSTNAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

/** How a dockerinfo `ip_address` can be used inside a Compose network. */
export type AddressKind = 'hostname' | 'loopback' | 'ip' | 'invalid';

export function addressKind(address: string): AddressKind {
  const lower = address.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost') || lower === '::1' || lower === '[::1]') return 'loopback';
  if (IPV4.test(address)) return address.startsWith('127.') || address === '0.0.0.0' ? 'loopback' : 'ip';
  if (address.includes(':')) return 'ip';
  return HOSTNAME.test(address) && address.length <= 253 ? 'hostname' : 'invalid';
}
