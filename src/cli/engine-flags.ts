// The flags of every command that runs a pipeline (`orchestrate`, `run`), defined once so both parse, document and
// default them the same way, plus the translation of parsed flags into engine options.
import * as Flags from '@oclif/core/flags';
import {
  DEFAULT_KEEP_MESSAGES,
  DEFAULT_QUEUE_SIZE,
  DEFAULT_RETRIES,
  DEFAULT_WAIT_TIMEOUT_MS,
  parseAddressFlags,
  parseInputFlags,
} from '../engine/index.js';
import type { RunOptions } from '../engine/index.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Parses a duration: a number of seconds (`30`, `0.5`) or with a unit (`500ms`, `30s`, `2m`, `1h`). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration (e.g. 30, 30s, 500ms, 2m, 1h)`);
  return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? 's') as keyof typeof UNIT_MS]);
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
    summary: 'Deadline of each unary call (e.g. 30s, 500ms, 2m; a bare number is seconds). Default: none.',
  }),
  'stream-timeout': duration({
    helpValue: '<duration>',
    summary: 'Deadline of each streaming call, from its start to its end. Default: none.',
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
    summary: 'At most this many unary calls in flight. Default: unbounded (every ready node starts at once).',
  }),
  loop: Flags.boolean({
    summary: 'Call trigger sources (a request without fields, e.g. Empty) again each time they finish.',
    description:
      'As the platform does: the run then goes on until --duration, a signal or a failure. Other sources are called once.',
  }),
  duration: duration({
    helpValue: '<duration>',
    summary: 'Stop the sources after this long, let the messages on their way through, and end the run (exit 0).',
  }),
  'queue-size': Flags.integer({
    min: 1,
    default: DEFAULT_QUEUE_SIZE,
    summary: 'Messages a link holds before its producer is paused (backpressure).',
  }),
  'keep-messages': Flags.integer({
    min: 0,
    default: DEFAULT_KEEP_MESSAGES,
    summary: 'How many messages of a streaming node its result keeps (the last ones); the summary counts all.',
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
    summary:
      'Print the levels, how each node is called, the links and the addresses, and exit without calling anything.',
  }),
};

export interface EngineFlagValues {
  input?: string[];
  address?: string[];
  timeout?: number;
  'stream-timeout'?: number;
  retries: number;
  'wait-timeout': number;
  concurrency?: number;
  loop?: boolean;
  duration?: number;
  'queue-size'?: number;
  'keep-messages'?: number;
}

/** Engine options from parsed flags (the --input files resolve against `cwd`). */
export function runOptionsFromFlags(flags: EngineFlagValues, signal?: AbortSignal, cwd = process.cwd()): RunOptions {
  return {
    input: parseInputFlags(flags.input, cwd),
    timeoutMs: flags.timeout,
    retries: flags.retries,
    streamTimeoutMs: flags['stream-timeout'],
    waitTimeoutMs: flags['wait-timeout'],
    concurrency: flags.concurrency,
    loop: flags.loop,
    durationMs: flags.duration,
    queueSize: flags['queue-size'],
    keepMessages: flags['keep-messages'],
    signal,
  };
}

/** `--address` values as the container -> host:port map prepareRun takes. */
export function addressesFromFlags(flags: Pick<EngineFlagValues, 'address'>): Record<string, string> {
  return parseAddressFlags(flags.address);
}
