// Adds a service to a use case's docker-compose.yml as text, at the end of its `services:` block, so that the user's
// comments, order and quoting stay as they were (a YAML round trip would drop every comment). The result is parsed
// again and must hold exactly the services it held plus the new one; a layout this cannot edit safely (services in
// flow style, a different indentation scheme) is refused with the entry to paste by hand.
import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../errors.js';
import { parseYaml } from '../usecase/compose.js';

type Doc = { services?: Record<string, unknown> | null } & Record<string, unknown>;

function servicesOf(text: string, file: string): Record<string, unknown> {
  const doc = (parseYaml(text, file) ?? {}) as Doc;
  return doc.services ?? {};
}

const SERVICES_KEY = /^services:[ \t]*(#.*)?$/;
const TOP_LEVEL = /^[^\s#]/;

/** The host ports the compose file publishes (`ports:` short and long syntax). */
export function publishedPorts(text: string, file: string): number[] {
  const ports: number[] = [];
  for (const service of Object.values(servicesOf(text, file))) {
    const list = (service as { ports?: unknown } | null)?.ports;
    if (!Array.isArray(list)) continue;
    for (const port of list) {
      const published =
        typeof port === 'object' && port !== null
          ? (port as { published?: unknown }).published
          : String(port).split(':').slice(-2, -1)[0];
      const n = Number(published);
      if (Number.isInteger(n) && n > 0) ports.push(n);
    }
  }
  return ports;
}

/** The first host port from 50051 up above every port the file publishes. */
export function nextHostPort(text: string, file: string): number {
  return Math.max(50050, ...publishedPorts(text, file)) + 1;
}

/**
 * `text` with `entry` (a service's mapping under `services:`, written with two-space indentation) appended to the
 * services block, re-indented to the file's own indentation. Thrown: UserError COMPOSE_LAYOUT when the file's layout
 * does not allow it.
 */
export function addComposeService(text: string, entry: string, service: string, file: string): string {
  const before = servicesOf(text, file);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const start = lines.findIndex((line) => SERVICES_KEY.test(line));
  const cannot = (why: string) =>
    new UserError('COMPOSE_LAYOUT', `${file}: cannot add service "${service}": ${why}`, {
      file,
      hint: `add it under services: by hand:\n${entry.trimEnd()}`,
    });
  if (start === -1) {
    if (Object.keys(before).length > 0 || lines.some((line) => /^["']?services["']?\s*:/.test(line))) {
      throw cannot('its services are not a block mapping under "services:"');
    }
    lines.push('services:');
  }
  const at = start === -1 ? lines.length - 1 : start;
  // The block runs until the next top-level key; blank and comment lines at its end belong to what follows.
  let end = lines.findIndex((line, i) => i > at && TOP_LEVEL.test(line));
  if (end === -1) end = lines.length;
  while (end - 1 > at && /^\s*(#.*)?$/.test(lines[end - 1]!)) end--;
  const firstChild = lines.slice(at + 1, end).find((line) => !/^\s*(#.*)?$/.test(line));
  const indent = firstChild === undefined ? 2 : firstChild.length - firstChild.trimStart().length;
  const reindented = entry
    .trimEnd()
    .split('\n')
    .map((line) => {
      const spaces = line.length - line.trimStart().length;
      return line === '' ? '' : ' '.repeat((spaces / 2) * indent) + line.trimStart();
    });
  const insert = firstChild === undefined ? reindented : ['', ...reindented];
  const out = [...lines.slice(0, end), ...insert, ...lines.slice(end)].join('\n') + '\n';

  const after = servicesOf(out, file);
  const expected = { ...before, ...servicesOf(`services:\n${entry}`, file) };
  if (!isDeepStrictEqual(after, expected)) throw cannot('its layout is not one this edit understands');
  return out;
}
