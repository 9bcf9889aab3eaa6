// Compute resources of a container (`--requests`, `--limits`): lists like `cpu=500m,memory=1Gi,nvidia.com/gpu=1`,
// checked the way the API server checks them, so that `kubectl apply` does not refuse what we wrote: known resource
// names or vendor ones (domain/name), quantities in Kubernetes' notation, requests not above limits, and GPUs and
// other vendor resources (which cannot be overcommitted) given as limits, with any request equal to the limit.
import { UserError } from '../../errors.js';

/** Resource name -> quantity, as typed (`500m`, `1Gi`). */
export type ResourceList = Record<string, string>;

export interface Resources {
  requests?: ResourceList;
  limits?: ResourceList;
}

const STANDARD = ['cpu', 'memory', 'ephemeral-storage'];
const HUGEPAGES = /^hugepages-[0-9]+[KMGTPE]i?$/;
// A vendor resource: a DNS subdomain prefix, "/", a name (e.g. nvidia.com/gpu, amd.com/gpu).
const EXTENDED =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
// apimachinery's quantity grammar (resource.Quantity), without the sign: a decimal number and a binary suffix
// (Ki..Ei), a decimal suffix (n, u, m, k, M..E) or an exponent.
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const EXAMPLE = 'e.g. --requests cpu=250m,memory=512Mi or --limits my-model1=nvidia.com/gpu=1';

/** Resources that cannot be overcommitted: requests, when given, must equal limits. */
function isOvercommitForbidden(name: string): boolean {
  return name.includes('/') || HUGEPAGES.test(name);
}

/** The value of a quantity, in base units (cores, bytes), for comparing a request with a limit. */
export function quantityValue(quantity: string): number {
  const m = QUANTITY.exec(quantity);
  if (!m) return Number.NaN;
  const number = Number(m[1]);
  const suffix = m[3];
  if (suffix === undefined) return number;
  if (/^[eE]/.test(suffix)) return number * 10 ** Number(suffix.slice(1));
  return number * SUFFIX[suffix]!;
}

/**
 * Parses `name=quantity[,name=quantity...]` of `flag` (shown as typed in messages). Thrown: a usage error naming the
 * part that is wrong.
 */
export function parseResourceList(text: string, flag: string): ResourceList {
  const list: ResourceList = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part.trim() : part.slice(0, eq).trim();
    const quantity = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (eq < 0 || name === '' || quantity === '') {
      throw usage(`${flag}: "${part}" is not name=quantity`, EXAMPLE);
    }
    if (!STANDARD.includes(name) && !HUGEPAGES.test(name) && !EXTENDED.test(name)) {
      throw usage(
        `${flag}: "${name}" is not a resource Kubernetes knows`,
        'use cpu, memory, ephemeral-storage, hugepages-<size>, or a vendor resource such as nvidia.com/gpu',
      );
    }
    if (!QUANTITY.test(quantity)) {
      throw usage(
        `${flag}: ${name}=${quantity}: "${quantity}" is not a Kubernetes quantity`,
        'e.g. cpu=500m (half a core), cpu=2, memory=512Mi, memory=4Gi',
      );
    }
    if (name.includes('/') && !/^\d+$/.test(quantity)) {
      throw usage(`${flag}: ${name}=${quantity}: ${name} is counted in whole units`, 'e.g. nvidia.com/gpu=1');
    }
    if (name in list) throw usage(`${flag}: ${name} is given twice`, 'give each resource once');
    list[name] = quantity;
  }
  return list;
}

/**
 * Checks what the API server would refuse in one container's resources: a request above its limit, a GPU (or other
 * vendor resource, or huge pages) requested without a limit or with a request other than the limit. `who` names the
 * container in messages.
 */
export function checkResources(resources: Resources, who: string): void {
  const requests = resources.requests ?? {};
  const limits = resources.limits ?? {};
  for (const [name, request] of Object.entries(requests)) {
    const limit = limits[name];
    if (isOvercommitForbidden(name)) {
      if (limit === undefined) {
        throw usage(
          `--requests ${who}: ${name}=${request} without a limit; Kubernetes cannot overcommit ${name}`,
          `give it as --limits ${name}=${request} (the request is then the same)`,
        );
      }
      if (quantityValue(limit) !== quantityValue(request)) {
        throw usage(
          `--requests ${who}: ${name}=${request} differs from its limit ${limit}; Kubernetes cannot overcommit ${name}`,
          `give it only as --limits ${name}=${limit}`,
        );
      }
      continue;
    }
    if (limit !== undefined && quantityValue(request) > quantityValue(limit)) {
      throw usage(
        `--requests ${who}: ${name}=${request} is more than its limit ${name}=${limit}`,
        'a request must not exceed the limit: raise --limits or lower --requests',
      );
    }
  }
}

function usage(message: string, hint: string): UserError {
  return new UserError('INVALID_RESOURCES', message, { exit: 2, hint });
}
