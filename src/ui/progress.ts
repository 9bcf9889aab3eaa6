// Progress of a pipeline run on stderr, driven only by the engine's events: a listr2 task tree (readiness, then the
// nodes grouped by level, each with its status and duration, streaming nodes with live counters) on a terminal, plain
// lines otherwise; with --no-progress (and with --json) none at all. stdout stays for results.
import type { ListrTask, ListrTaskWrapper, SimpleRenderer } from 'listr2';
import type { EngineEvent, EngineEventHandler, NodeCounters } from '../engine/events.js';
import { stderrColor as color } from './color.js';
import type { StderrTreeRenderer } from './tree.js';

type Wrapper = ListrTaskWrapper<unknown, typeof StderrTreeRenderer, typeof SimpleRenderer>;
type Task = ListrTask<unknown, typeof StderrTreeRenderer, typeof SimpleRenderer>;

export type ProgressMode = 'tree' | 'plain' | 'none';

/** listr2 and our tree renderer, loaded only when a tree is drawn: plain lines, --no-progress and --json never do. */
export function loadTree() {
  return Promise.all([import('listr2'), import('./tree.js')]).then(([{ Listr }, tree]) => ({ Listr, ...tree }));
}

/** The tree needs a terminal on stderr; --json or --no-progress print nothing. */
export function progressMode(
  flags: { json: boolean; progress: boolean },
  stream: { isTTY?: boolean } = process.stderr,
): ProgressMode {
  if (flags.json || !flags.progress) return 'none';
  return stream.isTTY && process.env.TERM !== 'dumb' ? 'tree' : 'plain';
}

export interface Progress {
  onEvent: EngineEventHandler;
  /** Waits for the renderer to draw its last frame. */
  done(): Promise<void>;
}

/** `12 ms`, `1.50 s`, `12.5 s`; from a minute on a compact clock: `1m30s`, `2h05m00s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const total = Math.floor(ms / 1000);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${two(m)}m${two(s)}s` : `${m}m${two(s)}s`;
}

/** How often plain progress says which nodes are still running: long calls would otherwise look like a hang. */
export const STILL_RUNNING_INTERVAL_MS = 30_000;

/** The still-running interval: AIEFFECT_STILL_RUNNING_MS when set (a number of milliseconds), else 30 s. */
export function stillRunningInterval(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.AIEFFECT_STILL_RUNNING_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : STILL_RUNNING_INTERVAL_MS;
}

export interface ProgressOptions {
  /** Plain progress: how often to write a `still running: <node>, 1m30s` line per running node. */
  stillRunningMs?: number;
}

export function createProgress(
  mode: ProgressMode,
  write: (line: string) => void = defaultWrite,
  options: ProgressOptions = {},
): Progress {
  if (mode === 'tree') return treeProgress();
  if (mode === 'plain') return plainProgress(write, options.stillRunningMs ?? stillRunningInterval());
  return { onEvent: () => {}, done: async () => {} };
}

function defaultWrite(line: string): void {
  process.stderr.write(line + '\n');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `3 attempts` when retries were made (more attempts than calls). */
const retried = (e: { attempts: number; calls?: number }) => e.attempts > (e.calls ?? 1) && `${e.attempts} attempts`;

/** A streaming node's counters: `3 calls, 12 in, 12 out`. */
export function formatCounters(c: Partial<NodeCounters>): string {
  return `${plural(c.calls ?? 0, 'call')}, ${c.messagesIn ?? 0} in, ${c.messagesOut ?? 0} out`;
}

/**
 * One line per event, for logs and CI. `streaming`: the nodes whose counters are shown (run-started names them);
 * node-progress has no line of its own (the still-running lines carry the counters).
 */
export function describeEvent(event: EngineEvent, streaming: ReadonlySet<string> = new Set()): string | undefined {
  const counts = (e: { node: string } & Partial<NodeCounters>) =>
    streaming.has(e.node) && e.calls !== undefined ? formatCounters(e) : undefined;
  const extra = (...parts: (string | false | undefined)[]) => {
    const text = parts.filter(Boolean).join(', ');
    return text ? ` (${text})` : '';
  };
  switch (event.type) {
    case 'run-started':
      return `run: ${event.nodes.length} node${event.nodes.length === 1 ? '' : 's'} in ${event.levels.length} level${event.levels.length === 1 ? '' : 's'}`;
    case 'service-waiting':
      return `wait  ${event.container} at ${event.address}`;
    case 'service-ready':
      return `ready ${event.container} at ${event.address}${event.via === 'health' ? ' (health SERVING)' : ''}`;
    case 'node-started':
      return `start ${event.node}`;
    case 'node-retrying':
      return `${color.yellow('retry')} ${event.node}: ${event.error.code}: ${event.error.message} (attempt ${event.attempt + 1} in ${formatDuration(event.delayMs)})`;
    case 'node-progress':
      return undefined;
    case 'node-finished':
      return `${color.green('done')}  ${event.node} ${color.dim(formatDuration(event.durationMs))}${extra(counts(event), retried(event))}`;
    case 'node-failed':
      return `${color.red('fail')}  ${event.node}: ${event.error.code}: ${event.error.message}${extra(counts(event), retried(event))}`;
    case 'node-cancelled':
      return `${color.yellow('cancel')} ${event.node}${extra(counts(event))}`;
    case 'run-ending':
      return event.reason === 'idle'
        ? `end   nothing left in flight: closing ${event.nodes.join(', ')}`
        : `end   --duration is up: stopping ${event.nodes.join(', ') || 'no source (all ended)'}; the rest drains`;
    case 'node-skipped':
      return `${color.dim('skip')}  ${event.node} (${event.reason})`;
    case 'warning':
      return `${color.yellow('warning')} ${event.message}`;
    case 'run-finished': {
      const paint = event.status === 'succeeded' ? color.green : event.status === 'failed' ? color.red : color.yellow;
      return `run ${paint(event.status)} in ${formatDuration(event.durationMs)}`;
    }
  }
}

/**
 * One line per event and, while nodes run, a `still running: <node>, <elapsed>` line for each of them every
 * `stillRunningMs`, so that a log shows a long call is alive.
 */
function plainProgress(write: (line: string) => void, stillRunningMs: number): Progress {
  const running = new Map<string, number>();
  let streaming = new Set<string>();
  const counters = new Map<string, NodeCounters>();
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
  };
  const tick = () => {
    const now = Date.now();
    for (const [node, since] of running) {
      const c = counters.get(node);
      write(
        `${color.dim('still running:')} ${node}, ${formatDuration(now - since)}${c ? ` (${formatCounters(c)})` : ''}`,
      );
    }
  };
  return {
    onEvent: (event) => {
      if (event.type === 'run-started') streaming = new Set(event.streaming);
      if (event.type === 'node-progress') counters.set(event.node, event);
      const line = describeEvent(event, streaming);
      if (line !== undefined) write(line);
      if (event.type === 'node-started') {
        running.set(event.node, event.at);
        // Never keeps the process alive by itself.
        timer ??= setInterval(tick, stillRunningMs).unref();
      } else if (event.type === 'node-finished' || event.type === 'node-failed' || event.type === 'node-cancelled') {
        running.delete(event.node);
        if (running.size === 0) stop();
      } else if (event.type === 'run-finished') {
        running.clear();
        stop();
      }
    },
    done: async () => stop(),
  };
}

interface Deferred {
  /** Resolved or rejected already (a node that finished, failed or was skipped). */
  settled: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
  promise: Promise<void>;
  task?: Wrapper;
  /** Applied when listr2 creates the task, if the event came first. */
  title?: string;
  skip?: string;
  /** Drawn as waiting (no spinner) until its work starts. */
  waiting?: boolean;
  /** listr2's task object, once created. */
  listrTask?: object;
}

function setTitle(d: Deferred | undefined, title: string): void {
  if (!d) return;
  d.title = title;
  if (d.task) d.task.title = title;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The tree shows the failure; the rejection must not surface as unhandled.
  promise.catch(() => {});
  const d: Deferred = {
    settled: false,
    resolve: () => {
      d.settled = true;
      resolve();
    },
    reject: (err) => {
      d.settled = true;
      reject(err);
    },
    promise,
  };
  return d;
}

/** The listr2 tree: built on run-started, each node task settled by its events. */
function treeProgress(): Progress {
  // Loading starts now; events that come before it ends are kept on the deferred tasks (titles, skips, settling).
  const loading = loadTree();
  let tree: Awaited<typeof loading> | undefined;
  const nodes = new Map<string, Deferred>();
  const ready = deferred();
  const containers = new Set<string>();
  let readyCount = 0;
  let running: Promise<unknown> = Promise.resolve();
  let finished: EngineEvent | undefined;

  /** A task settled by `d`, taking the title (and skip) its events set before listr2 created it. */
  const deferredTask = (title: string, d: Deferred): Task => ({
    title,
    task: (_ctx, task) => {
      d.task = task;
      if (d.title !== undefined) task.title = d.title;
      if (d.skip !== undefined) task.skip(d.skip);
      return d.promise;
    },
  });
  const nodeTask = (id: string): Task => deferredTask(`${id} ${color.dim('waiting')}`, nodes.get(id)!);
  const working = (d: Deferred | undefined) => {
    if (!d) return;
    d.waiting = false;
    if (d.listrTask) tree?.markWaiting(d.listrTask, false);
  };
  let streaming = new Set<string>();
  const counts = (e: { node: string } & Partial<NodeCounters>) =>
    streaming.has(e.node) && e.calls !== undefined ? ` ${color.dim(formatCounters(e))}` : '';

  const settleAll = () => {
    ready.resolve();
    for (const d of nodes.values()) d.resolve();
  };

  return {
    onEvent: (event) => {
      switch (event.type) {
        case 'run-started': {
          streaming = new Set(event.streaming);
          for (const id of event.nodes) {
            const d = deferred();
            d.waiting = true;
            nodes.set(id, d);
          }
          const build = (t: Awaited<typeof loading>) =>
            new t.Listr(
              [
                deferredTask('services', ready),
                ...event.levels.map((level, i): Task => ({
                  title: `level ${i}`,
                  task: (_ctx, task) => {
                    const sub = task.newListr(level.map(nodeTask), { concurrent: true, exitOnError: false });
                    // Marked before they start, so a node whose call has not begun never shows the spinner.
                    sub.tasks.forEach((t, j) => {
                      const d = nodes.get(level[j]!)!;
                      d.listrTask = t;
                      if (d.waiting) tree?.markWaiting(t);
                    });
                    return sub;
                  },
                })),
              ],
              t.treeOptions(),
            );
          running = loading
            .then((t) => {
              tree = t;
              return build(t).run();
            })
            .catch(() => {});
          break;
        }
        case 'service-waiting':
          containers.add(event.container);
          setTitle(ready, `services: waiting for ${containers.size - readyCount} of ${containers.size}`);
          break;
        case 'service-ready':
          readyCount++;
          setTitle(ready, `services: ${readyCount} of ${containers.size} ready`);
          break;
        case 'node-started': {
          ready.resolve();
          working(nodes.get(event.node));
          setTitle(nodes.get(event.node), event.node);
          break;
        }
        case 'node-retrying': {
          const d = nodes.get(event.node);
          if (d?.task)
            d.task.output = `retry ${event.attempt + 1} in ${formatDuration(event.delayMs)}: ${event.error.code}`;
          break;
        }
        case 'node-progress':
          setTitle(nodes.get(event.node), `${event.node}${counts(event)}`);
          break;
        case 'node-finished': {
          const d = nodes.get(event.node);
          setTitle(d, `${event.node} ${color.dim(formatDuration(event.durationMs))}${counts(event)}`);
          d?.resolve();
          break;
        }
        case 'node-failed':
          nodes
            .get(event.node)
            ?.reject(new Error(`${event.node}: ${event.error.code}: ${event.error.message}${counts(event)}`));
          break;
        case 'node-cancelled':
          nodes.get(event.node)?.reject(new Error(`${event.node}: cancelled${counts(event)}`));
          break;
        case 'node-skipped': {
          const d = nodes.get(event.node);
          if (d) {
            d.skip = `${event.node}: ${event.reason}`;
            d.task?.skip(d.skip);
            d.resolve();
          }
          break;
        }
        case 'warning':
          process.stderr.write(`${describeEvent(event)}\n`);
          break;
        case 'run-finished':
          finished = event;
          if (event.status !== 'succeeded') {
            ready.reject(new Error('services: not ready'));
            // Nodes the run never reached (services not ready, a failure upstream): shown as not run, not as done.
            for (const [id, d] of nodes) {
              if (d.settled) continue;
              d.skip = `${id}: not run`;
              d.task?.skip(d.skip);
            }
          }
          settleAll();
          break;
      }
    },
    done: async () => {
      settleAll();
      await running;
      // Below the tree's last frame, the total: `run succeeded in 1.02 s`.
      if (finished) process.stderr.write(`${describeEvent(finished)}\n`);
      finished = undefined;
    },
  };
}
