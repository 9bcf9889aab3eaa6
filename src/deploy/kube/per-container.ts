// Flags that take a value for every container or for one: `--replicas 2` and `--replicas my-model1=3`, likewise
// `--probe`, `--requests` and `--limits`. A value for one container wins over the value for all (for resource lists,
// key by key); each target is given once; a container must be one of the blueprint's container_name values.
import { UserError } from '../../errors.js';

export interface Targeted<T> {
  /** Absent: every container. */
  container?: string;
  value: T;
  /** The flag value as typed, for messages. */
  text: string;
}

/**
 * Splits `[container=]value` and parses the value. When the value itself holds "=" (`cpu=1,memory=2Gi`), a container
 * is there only when the first comma-separated part holds two of them (`my-model1=cpu=1,memory=2Gi`).
 */
export function parseTargeted<T>(text: string, parseValue: (value: string) => T, valueHasEquals = false): Targeted<T> {
  const eq = text.indexOf('=');
  const firstPart = text.split(',')[0]!;
  const targeted = valueHasEquals ? firstPart.indexOf('=') !== firstPart.lastIndexOf('=') : eq >= 0;
  if (!targeted) return { value: parseValue(text), text };
  return { container: text.slice(0, eq), value: parseValue(text.slice(eq + 1)), text };
}

/**
 * The value of each container, by `values` of `flag`: a container's own over the value for all, merged by `merge`
 * (default: the container's own replaces it). Containers without any value are left out. Thrown: usage errors for
 * a container that is not in `containers` and for a target given twice.
 */
export function resolveTargeted<T>(
  flag: string,
  values: readonly Targeted<T>[],
  containers: readonly string[],
  merge: (all: T, own: T) => T = (_all, own) => own,
): Map<string, T> {
  const known = new Set(containers);
  const byTarget = new Map<string | undefined, T>();
  for (const v of values) {
    if (v.container !== undefined && !known.has(v.container)) {
      throw new UserError(
        'UNKNOWN_CONTAINER',
        `${flag} ${v.text}: no container ${JSON.stringify(v.container)} in the blueprint (containers: ${[...known].sort().join(', ')})`,
        { exit: 2, hint: `give a container_name of blueprint.json, or leave out "container=" for every container` },
      );
    }
    if (byTarget.has(v.container)) {
      throw new UserError(
        'DUPLICATE_FLAG_VALUE',
        `${flag} ${v.text}: ${v.container === undefined ? 'a value for every container' : `container ${JSON.stringify(v.container)}`} is given twice`,
        { exit: 2, hint: 'give each container (and the value for all of them) once' },
      );
    }
    byTarget.set(v.container, v.value);
  }
  const all = byTarget.get(undefined);
  const result = new Map<string, T>();
  for (const container of containers) {
    const own = byTarget.get(container);
    if (own !== undefined) result.set(container, all === undefined ? own : merge(all, own));
    else if (all !== undefined) result.set(container, all);
  }
  return result;
}
