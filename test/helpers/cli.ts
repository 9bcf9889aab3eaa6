// Runs the built CLI (bin/run.js over dist/) as a separate process, the way users run it.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = join(repoRoot, 'bin', 'run.js');
/**
 * The shared fixtures (the Graphene sample: read-only data, never copied into the repo) in `shared/fixtures` of the
 * nearest folder above the repository that has one: beside a clone, or beside the folder holding a git worktree.
 */
export const sharedFixtures = findShared(dirname(repoRoot));

function findShared(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'fixtures');
    if (existsSync(candidate)) return candidate;
  }
  return join(from, 'shared', 'fixtures');
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  /** Called once the process is spawned (e.g. to send it a signal later). */
  onSpawn?: (pid: number) => void;
  /** A command line that runs the CLI's own (e.g. `setpriv ... --`, test/helpers/fs-faults.ts). */
  wrap?: string[];
}

/**
 * Spawns the built CLI with the environment tests rely on: no colour, no DEBUG, from the repository root, and without
 * vitest's NODE_ENV=test, with which oclif would look for TypeScript sources beside dist/ (and warn): as users run it.
 */
export function spawnCli(
  args: string[],
  options: Pick<CliOptions, 'cwd' | 'env' | 'wrap'>,
  stdin: 'pipe' | 'ignore',
): ChildProcessByStdio<Writable | null, Readable, Readable> {
  const [command, ...prefix] = [...(options.wrap ?? []), process.execPath];
  return spawn(command!, [...prefix, binPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: {
      ...process.env,
      NO_COLOR: '1',
      FORCE_COLOR: undefined,
      DEBUG: undefined,
      NODE_ENV: undefined,
      ...options.env,
    },
    stdio: [stdin, 'pipe', 'pipe'],
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli(args, options, 'pipe');
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('spawn', () => options.onSpawn?.(child.pid!));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'aieffect-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file below `dir`, relative, sorted: for asserting "nothing was written". */
export function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length + 1))
    .sort();
}
