// The flags of every command that runs a pipeline (`orchestrate`, `run`), defined once so both parse, document and
// default them the same way, plus the translation of parsed flags into engine options.
import { Flags } from '@oclif/core';
import { DEFAULT_RETRIES, DEFAULT_WAIT_TIMEOUT_MS, parseAddressFlags, parseInputFlags } from '../engine/index.js';
import type { RunOptions } from '../engine/index.js';

/** Parses a duration: a number of seconds (`30`, `0.5`) or with a unit (`500ms`, `30s`, `2m`). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration (e.g. 30, 30s, 500ms, 2m)`);
  const value = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000);
}

const duration = Flags.custom<number>({ parse: async (input) => parseDuration(input) });

export const engineFlags = {
  input: Flags.string({
    char: 'i',
    multiple: true,
    helpValue: '<json|@file|node=json|node=@file>',
    summary: 'Request of the start nodes: a JSON object or @file.json for all of them, node=... for one.',
    description:
      'Repeatable. `node` is container:operation or a container. Values for the same node merge, per-node values ' +
      'over the shared one. Fields not given keep their proto3 defaults.',
  }),
  address: Flags.string({
    char: 'a',
    multiple: true,
    helpValue: '<container=host:port>',
    summary: "Override a container's address from dockerinfo.json (e.g. a published port on this host).",
  }),
  timeout: duration({
    helpValue: '<duration>',
    summary: 'Deadline of each call (e.g. 30s, 500ms, 2m; a bare number is seconds). Default: none.',
  }),
  retries: Flags.integer({
    min: 0,
    default: DEFAULT_RETRIES,
    summary: 'Retries of a call failing with UNAVAILABLE, with exponential backoff (200 ms doubling, at most 5 s).',
  }),
  'wait-timeout': duration({
    helpValue: '<duration>',
    default: DEFAULT_WAIT_TIMEOUT_MS,
    defaultHelp: async () => '60s',
    summary: 'How long to wait for every service to be ready (channel READY, or health SERVING) before the first call.',
  }),
  concurrency: Flags.integer({
    min: 1,
    summary: 'At most this many calls in flight. Default: unbounded (every ready node starts at once).',
  }),
  output: Flags.string({
    char: 'o',
    helpValue: '<file>',
    summary: 'Also write the results and a per-node run summary to this file (JSON, written atomically).',
  }),
  report: Flags.string({
    helpValue: '<file.html>',
    exclusive: ['plan'],
    summary: 'Also write a report of the run: one self-contained HTML page with the pipeline graph and a timeline.',
    description:
      'Written atomically whatever ends the run (success, a failed node, services not ready, a signal). The page ' +
      'needs no network: styles, graph (SVG) and script are inline.',
  }),
  progress: Flags.boolean({
    allowNo: true,
    default: true,
    summary: 'Progress on stderr: a task tree on a terminal, plain lines otherwise. --no-progress prints none.',
  }),
  plan: Flags.boolean({
    summary: 'Print the execution levels, the links and the addresses, and exit without calling anything.',
  }),
};

export interface EngineFlagValues {
  input?: string[];
  address?: string[];
  timeout?: number;
  retries: number;
  'wait-timeout': number;
  concurrency?: number;
}

/** Engine options from parsed flags (the --input files resolve against `cwd`). */
export function runOptionsFromFlags(flags: EngineFlagValues, signal?: AbortSignal, cwd = process.cwd()): RunOptions {
  return {
    input: parseInputFlags(flags.input, cwd),
    timeoutMs: flags.timeout,
    retries: flags.retries,
    waitTimeoutMs: flags['wait-timeout'],
    concurrency: flags.concurrency,
    signal,
  };
}

/** `--address` values as the container -> host:port map prepareRun takes. */
export function addressesFromFlags(flags: Pick<EngineFlagValues, 'address'>): Record<string, string> {
  return parseAddressFlags(flags.address);
}
