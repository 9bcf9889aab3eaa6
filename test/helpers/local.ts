// Helpers for tests of `aieffect run` and the local runtime: which processes are still running for a run (found by
// an environment marker, so grandchildren count too), the CLI as a process whose output can be awaited line by line
// (to send it a signal at the right moment), a use case's services built and started without the CLI, and a Python
// interpreter that has grpcio.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import {
  localServiceSpecs,
  runBuilds,
  startLocalServices,
  type LocalServices,
  type StartOptions,
  type UseCaseNode,
} from '../../src/local/index.js';
import { spawnCli, type CliResult } from './cli.js';

/**
 * Starts services of a use case as `aieffect run` does: each one's x-aieffect.build first (when stale; a lock keeps
 * test files that run at the same time from building one use case twice at once), then x-aieffect.run.
 */
export async function startUseCaseServices(
  useCaseDir: string,
  nodes: UseCaseNode[],
  options: StartOptions,
): Promise<LocalServices> {
  const specs = localServiceSpecs(useCaseDir, nodes);
  await runBuilds(specs);
  return startLocalServices(specs, options);
}

/**
 * PIDs of running processes whose environment holds `name=value` exactly. A zombie (finished, not yet reaped) has no
 * environment left and does not count: it no longer runs.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue; // gone meanwhile, or not ours
    }
    if (environ.split('\0').includes(wanted)) found.push(Number(entry));
  }
  return found.sort((a, b) => a - b);
}

/** The process group of a running process (from /proc/<pid>/stat). */
export function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Whether a process with this PID still runs (a zombie does not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export interface StreamingCli {
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once the stream's text matches `pattern` (rejects if the process ends first). */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray>;
  done: Promise<CliResult>;
}

/** Starts the built CLI like runCli does, but with its output observable while it runs. */
export function startCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number; wrap?: string[] } = {},
): StreamingCli {
  const child = spawnCli(args, options, 'ignore');
  const text = { stdout: '', stderr: '' };
  const waiters: { stream: 'stdout' | 'stderr'; pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = text[w.stream].match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => ((text.stdout += d), check()));
  child.stderr.setEncoding('utf8').on('data', (d: string) => ((text.stderr += d), check()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: text.stdout, stderr: text.stderr });
    }),
  );
  return {
    pid: child.pid!,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    waitFor: (stream, pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ stream, pattern, resolve });
        check();
        void done.then((r) =>
          reject(new Error(`the CLI ended (code ${r.code}) before ${stream} matched ${pattern}:\n${r.stderr}`)),
        );
      }),
    done,
  };
}

/**
 * A Python interpreter that can import grpc and google.protobuf: $PYTHON, the first python3 on PATH, or Debian's
 * /usr/bin/python3 (where python3-grpcio installs). Undefined when none can.
 */
export function pythonWithGrpc(): string | undefined {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((c) => spawnSync(c, ['-c', 'import grpc, google.protobuf'], { stdio: 'ignore' }).status === 0);
}
