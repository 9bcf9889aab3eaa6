// Kubernetes' naming rules, and the deterministic mapping of blueprint names onto them. A container_name may be
// anything (the platform allows "Data_Generator 1"); a Service name must be an RFC 1035 label (lowercase letters,
// digits and "-", starting with a letter, at most 63 characters), and that name is also the node's DNS name inside the
// cluster. Names that already fit are kept; the others are mapped (lowercased, other characters to "-"), and a short
// hash of the original is added when the mapped name is too long or taken, so two names never end up the same and the
// same blueprint always gives the same names. Names given on the command line (namespace, secrets, storage class) are
// not mapped but checked: the user typed them, so a wrong one is refused.
import { createHash } from 'node:crypto';

/** The longest DNS label: names of Services, containers, namespaces, label values. */
export const MAX_LABEL = 63;
/** The longest DNS subdomain: names of Secrets, StorageClasses, ConfigMap keys. */
export const MAX_SUBDOMAIN = 253;

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` is not an RFC 1035 label (a Service name), or undefined when it is. */
export function dns1035LabelProblem(name: string): string | undefined {
  if (name.length > MAX_LABEL) return `longer than ${MAX_LABEL} characters`;
  if (!DNS1035_LABEL.test(name)) {
    return 'allowed: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit';
  }
  return undefined;
}

/** Why `name` is not an RFC 1123 label (a namespace), or undefined when it is. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length > MAX_LABEL) return `longer than ${MAX_LABEL} characters`;
  if (!DNS1123_LABEL.test(name)) {
    return 'allowed: lowercase letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Why `name` is not an RFC 1123 subdomain (a Secret or StorageClass name), or undefined when it is. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length > MAX_SUBDOMAIN) return `longer than ${MAX_SUBDOMAIN} characters`;
  if (name === '' || !name.split('.').every((part) => DNS1123_LABEL.test(part))) {
    return 'allowed: lowercase letters, digits, "-" and ".", each "."-separated part starting and ending with a letter or digit';
  }
  return undefined;
}

/** Hex digits of the SHA-256 of `text` (six unless more are asked for): what tells apart two names mapped alike. */
function shortHash(text: string, length = 6): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** `base` cut so that `-<suffix>` fits in `max` characters, without a trailing "-". */
function withSuffix(base: string, suffix: string, max: number): string {
  return `${base.slice(0, max - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

/**
 * `name` as an RFC 1035 label without the length limit: lowercase, runs of other characters as one "-", no "-" at
 * either end, a leading digit prefixed (`1st` -> `n-1st`). Empty when nothing usable is left.
 */
function simpleLabel(name: string): string {
  const lower = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[0-9]/.test(lower) ? `n-${lower}` : lower;
}

/** One name as mapped: `name` is what Kubernetes sees, `original` what the blueprint says. */
export interface MappedName {
  original: string;
  name: string;
  /** Why it was changed; absent when `name === original`. */
  reason?: string;
}

/**
 * Maps every name in `originals` (distinct) to a distinct RFC 1035 label of at most `max` characters (63, or less to
 * leave room for a suffix). Names that already fit keep themselves and win over mapped ones; mapped names are handled
 * in sorted order, so the result does not depend on the order of `originals`.
 */
export function mapLabels(originals: readonly string[], max = MAX_LABEL): Map<string, MappedName> {
  const result = new Map<string, MappedName>();
  const taken = new Set<string>();
  const toMap: string[] = [];
  for (const original of originals) {
    if (dns1035LabelProblem(original) === undefined && original.length <= max) {
      result.set(original, { original, name: original });
      taken.add(original);
    } else {
      toMap.push(original);
    }
  }
  for (const original of [...toMap].sort()) {
    let reason = dns1035LabelProblem(original) ?? `longer than ${max} characters`;
    const simple = simpleLabel(original);
    let name = simple;
    if (simple === '' || simple.length > max || taken.has(simple)) {
      const base = simple === '' ? 'node' : simple;
      // Six digits tell names apart in practice; more are taken only if a kept name happens to look like the result.
      for (let digits = 6; digits === 6 || taken.has(name); digits += 2) {
        name = withSuffix(base, shortHash(original, digits), max);
      }
      if (simple !== '' && simple.length > max && reason.startsWith('allowed')) reason += `, and too long`;
      if (simple !== '' && simple.length <= max) reason += `, and "${simple}" is taken`;
    }
    result.set(original, { original, name, reason });
    taken.add(name);
  }
  return result;
}
