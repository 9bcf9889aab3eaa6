// The run's command-line inputs as data: `--input` values (JSON, @file, node=JSON, node=@file) and `--address`
// overrides (container=host:port). Shared by `orchestrate` and `run`; errors are usage errors (exit 2) or, for a
// file's content, input errors (exit 1), each naming the flag.
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseJson, readTextFile } from '../util/json-file.js';
import type { InitialInput, Message } from './types.js';

function isObject(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text or @file, which must hold a JSON object. */
function parseMessage(text: string, flag: string, cwd: string): Message {
  let value: unknown;
  let label = flag;
  if (text.startsWith('@')) {
    const path = resolve(cwd, text.slice(1));
    label = text.slice(1);
    value = parseJson(readTextFile(path, label, `${flag} @FILE reads a JSON file`), label);
  } else {
    try {
      value = parseJson(text, flag);
    } catch (err) {
      // parseJson's message names line and column; exit 2 because the command line itself is wrong.
      throw new UserError('USAGE', (err as Error).message, {
        exit: 2,
        hint: `${flag.split(' ')[0]} takes a JSON object, @file.json, or node=<json|@file>`,
      });
    }
  }
  if (!isObject(value)) {
    throw new UserError('INVALID_INPUT', `${label}: expected a JSON object (the request's fields by name)`, {
      exit: text.startsWith('@') ? 1 : 2,
      hint: 'e.g. --input \'{"num_records": 100}\'',
    });
  }
  return value;
}

/**
 * Parses `--input` values: `<json>` or `@file.json` for every start node, `node=<json>` or `node=@file` for one
 * start node (node = container:operation, or a container). Later values for the same target are merged over earlier
 * ones. Relative files resolve against `cwd`.
 */
export function parseInputFlags(values: string[] = [], cwd = process.cwd()): InitialInput {
  const input: InitialInput = {};
  for (const raw of values) {
    const text = raw.trim();
    // A JSON object or @file applies to every start node; anything else must be node=value.
    const eq = text.indexOf('=');
    if (text.startsWith('{') || text.startsWith('@') || text.startsWith('[') || eq <= 0) {
      input.all = { ...input.all, ...parseMessage(text, '--input', cwd) };
      continue;
    }
    const node = text.slice(0, eq).trim();
    const message = parseMessage(text.slice(eq + 1).trim(), `--input ${node}`, cwd);
    input.nodes = { ...input.nodes, [node]: { ...input.nodes?.[node], ...message } };
  }
  return input;
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** Checks `host:port` (IPv6 in brackets); thrown as a usage error naming `flag`. */
export function checkAddress(address: string, flag: string, exit: 1 | 2 = 2): string {
  const m = HOST_PORT.exec(address);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) {
    throw new UserError('INVALID_ADDRESS', `${flag}: "${address}" is not host:port`, {
      exit,
      hint: 'e.g. --address data-generator1=localhost:50051',
    });
  }
  return address;
}

/** Parses `--address container=host:port` values into a map (the last one for a container wins). */
export function parseAddressFlags(values: string[] = []): Record<string, string> {
  const addresses: Record<string, string> = {};
  for (const raw of values) {
    const eq = raw.indexOf('=');
    if (eq <= 0) {
      throw new UserError('INVALID_ADDRESS', `--address ${raw}: expected container=host:port`, {
        exit: 2,
        hint: 'e.g. --address data-generator1=localhost:50051',
      });
    }
    const container = raw.slice(0, eq).trim();
    addresses[container] = checkAddress(raw.slice(eq + 1).trim(), `--address ${container}`);
  }
  return addresses;
}
