// The bad-input corpus: every command run as a process on inputs that are wrong in one way each (and on injected
// faults: services that die or hang, file systems that refuse writes, signals). One case is one table row; the
// harness asserts for every row the same four things:
//   1. the exact message: stderr holds exactly one `error` line, the row's (or, for a signal, no error line and the
//      row's line among the others), and no stack trace,
//   2. the exit code,
//   3. that nothing was written or changed in the case's folder (every file's bytes and mode, every folder), except
//      the files the row allows (the --output document, whose content it may check too),
//   4. that no process remains: every process the command started carries the case's marker in its environment
//      (services inherit it, and whatever they start), and none may be left once the command has exited.
// Each case runs in a folder of its own, which is the command's working folder, so messages name short relative
// paths; `{dir}` in a row stands for the folder's absolute path.
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSchema } from '../../src/schema/validate.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { processesWithEnv, startCli } from '../helpers/local.js';

/**
 * How long a case may take: far more than any needs, for a machine busy with the other rows (they run concurrently).
 * The CLI is killed 10 s before, so that its output is still seen.
 */
const CASE_TIMEOUT_MS = 180_000;

/** The marker every process of a case carries (the CLI, its services, their children). */
export const CASE_MARKER = 'AIEFFECT_CORPUS_CASE';

export interface CaseContext {
  /** The case's folder (absolute): the command's working folder, removed after the case. */
  dir: string;
  /** A folder beside it for what the case itself keeps (a fault's listing), not part of the comparison. */
  aside: string;
  /** Values a setup learns (a free port), each standing for `{name}` in the row's message. */
  values: Record<string, string>;
}

export interface Case {
  /** What is wrong, in a few words: the test's title. */
  name: string;
  /** Prepares the case's folder: copy a fixture, break one thing. May return how to run the CLI (a fault's wrap). */
  setup?: (ctx: CaseContext) => void | { wrap?: string[] } | Promise<void | { wrap?: string[] }>;
  /** The command line (after `aieffect`), run in the case's folder. */
  args: string[] | ((ctx: CaseContext) => string[]);
  /** The exit code. */
  exit: number;
  /**
   * The exact error line without `error ` (exit 1 and 2); for a signal (130, 143) a line stderr must hold. `{dir}` is
   * the case's folder, `{name}` a value its setup learnt. A pattern only where a part is not ours to fix (timings a
   * library writes into its message).
   */
  message: string | RegExp;
  /** Files (relative to the case's folder) the command may write, e.g. its --output document. */
  writes?: string[];
  /** The --output document (the first of `writes`): its summary's status and error code. */
  document?: { status: string; code?: string };
  /** What stdout holds exactly (default: nothing), or a check of it. */
  stdout?: string | ((stdout: string) => void);
  /** A signal to send once stderr matches `after`. */
  signal?: { after: RegExp; send: NodeJS.Signals };
  /** Why the case cannot run on this machine (it is then skipped, saying so). */
  skip?: string;
  /** Extra environment for the CLI. */
  env?: Record<string, string>;
  /** Another time limit for this case (default CASE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Further checks once the command has exited. */
  check?: (ctx: CaseContext, result: CliResult) => void;
}

/** Every entry below `dir`: path -> kind, mode and (for files) a hash of the bytes. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const rel = path.slice(dir.length + 1);
    const st = lstatSync(path);
    const mode = (st.mode & 0o7777).toString(8);
    if (entry.isFile()) out.set(rel, `file ${mode} ${createHash('sha1').update(readFileSync(path)).digest('hex')}`);
    else out.set(rel, `${entry.isDirectory() ? 'dir' : 'other'} ${mode}`);
  }
  return out;
}

/** Makes `dir` and every folder below it writable again, so that it can be removed. */
function unlock(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) chmodSync(join(entry.parentPath, entry.name), 0o755);
  }
}

function fill(text: string, ctx: CaseContext): string {
  return Object.entries({ ...ctx.values, dir: ctx.dir }).reduce((t, [k, v]) => t.replaceAll(`{${k}}`, v), text);
}

async function runCase(c: Case): Promise<void> {
  const work = tempDir('aieffect-corpus-');
  const aside = tempDir('aieffect-corpus-aside-');
  const marker = randomUUID();
  try {
    await runIn(c, { dir: work.dir, aside: aside.dir, values: {} }, marker);
  } finally {
    // A failed assertion must not leave processes behind for the next cases (the last check found them already).
    for (const pid of processesWithEnv(CASE_MARKER, marker)) process.kill(pid, 'SIGKILL');
    // A permission fault may have left folders read-only.
    unlock(work.dir);
    work.cleanup();
    aside.cleanup();
  }
}

async function runIn(c: Case, ctx: CaseContext, marker: string): Promise<void> {
  const prepared = (await c.setup?.(ctx)) ?? {};
  const before = snapshot(ctx.dir);
  // The CLI's temporary folder (TMPDIR) is the case's too: what the CLI leaves there counts as left behind. Open to
  // every user, for the cases that run the CLI as another one.
  const tmp = join(ctx.aside, 'tmp');
  mkdirSync(tmp);
  chmodSync(ctx.aside, 0o755);
  chmodSync(tmp, 0o1777);
  const args = typeof c.args === 'function' ? c.args(ctx) : c.args;
  const timeoutMs = (c.timeoutMs ?? CASE_TIMEOUT_MS) - 10_000;
  const env = { [CASE_MARKER]: marker, TMPDIR: tmp, ...c.env };
  const options = { cwd: ctx.dir, env, wrap: prepared.wrap, timeoutMs };
  let r: CliResult;
  if (c.signal) {
    const cli = startCli(args, options);
    await cli.waitFor('stderr', c.signal.after);
    process.kill(cli.pid, c.signal.send);
    r = await cli.done;
  } else {
    r = await runCli(args, options);
  }
  const context = `stderr:\n${r.stderr}\nstdout:\n${r.stdout}`;

  // 1. the message
  const errors = r.stderr.split('\n').filter((line) => line.startsWith('error '));
  if (c.exit === 1 || c.exit === 2) {
    if (c.message instanceof RegExp) {
      expect(errors, context).toHaveLength(1);
      expect(errors[0]!.slice('error '.length), context).toMatch(c.message);
    } else expect(errors, context).toEqual([`error ${fill(c.message, ctx)}`]);
  } else {
    expect(errors, context).toEqual([]);
    expect(r.stderr.split('\n'), context).toContain(fill(String(c.message), ctx));
  }
  // ...and no stack trace (oclif's `Error: ...` block or V8's `    at f (file:1:2)` frames)
  expect(r.stderr, context).not.toMatch(/^\s*(›\s*)?(\w*Error\b.*:|at .*:\d+:\d+\)?$)/m);
  // 2. the exit code
  expect(r.code, context).toBe(c.exit);
  if (typeof c.stdout === 'function') c.stdout(r.stdout);
  else expect(r.stdout, context).toBe(c.stdout ?? '');

  // 3. nothing written or changed but what the row allows
  const after = snapshot(ctx.dir);
  for (const allowed of c.writes ?? []) {
    expect(after.has(allowed), `${allowed} was not written\n${context}`).toBe(true);
    after.delete(allowed);
  }
  expect(Object.fromEntries(after), context).toEqual(Object.fromEntries(before));
  expect(readdirSync(tmp), `left in TMPDIR\n${context}`).toEqual([]);
  if (c.document) {
    const { data_dir, services, running, ...doc } = JSON.parse(readFileSync(join(ctx.dir, c.writes![0]!), 'utf8')) as {
      summary: { status: string; error?: { code: string } };
      data_dir?: unknown;
      services?: unknown;
      running?: unknown;
    };
    // run adds where its services ran once they were started (README: --output); the rest is the run result.
    if (data_dir !== undefined) {
      expect(typeof data_dir).toBe('string');
      expect(Array.isArray(services)).toBe(true);
      expect(running).toBe(false);
    }
    assertSchema('run-result', doc, c.writes![0]!);
    expect(doc.summary.status).toBe(c.document.status);
    expect(doc.summary.error?.code).toBe(c.document.code);
  }

  c.check?.(ctx, r);

  // 4. no process left
  expect(processesWithEnv(CASE_MARKER, marker), context).toEqual([]);
}

/**
 * Registers the table of one command: one test per row. The rows of a table run concurrently (each in a folder of
 * its own, its processes told apart by their marker): the CLI mostly waits, so a 2-core machine takes several at once.
 */
export function corpus(command: string, cases: Case[]): void {
  describe.concurrent(`corpus: aieffect ${command}`, () => {
    for (const c of cases) {
      const title = `${c.name} (exit ${c.exit})`;
      if (c.skip) it.skip(`${title} [skipped: ${c.skip}]`, () => {});
      else it(title, () => runCase(c), c.timeoutMs ?? CASE_TIMEOUT_MS);
    }
  });
}
