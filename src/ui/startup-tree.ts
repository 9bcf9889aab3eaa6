// `aieffect run`'s start-up on a terminal: one task with a spinner while the services build and start, each service's
// state below it (address, pid, when it came up), and when all are up a line with the count and the time it took.
// It ends before the pipeline's own tree (progress.ts) begins, so the two never draw at once.
import type { ListrTaskWrapper, SimpleRenderer } from 'listr2';
import type { LocalEvent } from '../local/runtime.js';
import { stderrColor as color } from './color.js';
import { formatDuration, loadTree } from './progress.js';
import type { StderrTreeRenderer } from './tree.js';

type Wrapper = ListrTaskWrapper<unknown, typeof StderrTreeRenderer, typeof SimpleRenderer>;

export interface StartupTree {
  /** Whether the tree is drawing: it takes the start-up events until finish(). */
  readonly active: boolean;
  /** Takes a start-up event (build, start, ready, exit); false for the others, which it leaves to the caller. */
  onLocalEvent(event: LocalEvent): boolean;
  /** Ends the task (succeeded, or failed when the start-up failed) and resolves once its last frame is drawn. */
  finish(ok: boolean): Promise<void>;
}

export function createStartupTree(now: () => number = Date.now): StartupTree {
  let list: Promise<unknown> | undefined;
  let task: Wrapper | undefined;
  let startedAt = 0;
  let finished = false;
  let title = 'services: starting';
  let failure: string | undefined;
  const builds: string[] = [];
  const services = new Map<string, { address: string; pid: number; state: string; up: boolean }>();
  let settle: (ok: boolean) => void = () => {};
  const done = new Promise<boolean>((resolve) => (settle = resolve));

  const render = () => {
    if (!task) return;
    task.title = title;
    const width = Math.max(0, ...[...services.keys()].map((name) => name.length));
    task.output = [
      ...builds,
      ...[...services].map(([name, s]) => `${name.padEnd(width)}  ${s.address}  pid ${s.pid}  ${s.state}`),
    ].join('\n');
  };
  const upCount = () => [...services.values()].filter((s) => s.up).length;

  const start = () => {
    if (list) return;
    startedAt = now();
    list = loadTree()
      .then(({ Listr, treeOptions }) =>
        new Listr(
          [
            {
              title,
              task: async (_ctx, wrapper) => {
                task = wrapper;
                render();
                if (!(await done)) throw new Error(failure ?? 'services: not started');
              },
              // The output is the whole table each time: only the latest one is shown.
              rendererOptions: { persistentOutput: true, outputBar: 1 },
            },
          ],
          treeOptions(),
        ).run(),
      )
      .catch(() => {});
  };

  return {
    get active() {
      return list !== undefined && !finished;
    },
    onLocalEvent(event) {
      if (finished) return false;
      switch (event.type) {
        case 'build-starting':
        case 'build-waiting':
          start();
          title = `services: building ${event.services.join(', ')}`;
          builds.push(
            event.type === 'build-waiting'
              ? `build  ${event.services.join(', ')}: another aieffect is building them`
              : `build  ${event.services.join(', ')}: ${event.command} (${event.reason})`,
          );
          break;
        case 'build-finished':
          builds.push(`built  ${event.services.join(', ')} in ${formatDuration(event.durationMs)}`);
          break;
        case 'build-skipped':
          builds.push(`stale  ${event.services.join(', ')}: ${event.reason}; not built (--no-build)`);
          break;
        case 'service-starting':
          start();
          services.set(event.service, { address: event.address, pid: event.pid, state: 'starting', up: false });
          title = `services: ${upCount()} of ${services.size} up`;
          break;
        case 'service-ready': {
          const s = services.get(event.service);
          if (!s) return false;
          s.up = true;
          s.state = `${event.via === 'health' ? 'health SERVING' : 'accepting calls'} after ${formatDuration(event.durationMs)}`;
          title = `services: ${upCount()} of ${services.size} up`;
          break;
        }
        case 'service-exited': {
          const s = services.get(event.service);
          if (!s) return false;
          s.state = color.red(
            event.exit.signal ? `killed by ${event.exit.signal}` : `exited with code ${event.exit.code}`,
          );
          failure = `services: ${event.service} ${event.exit.signal ? `was killed by ${event.exit.signal}` : `exited with code ${event.exit.code}`}`;
          break;
        }
        default:
          return false;
      }
      render();
      return true;
    },
    async finish(ok) {
      if (!list || finished) return;
      finished = true;
      if (ok)
        title = `services: ${upCount()} of ${services.size} up ${color.dim(`in ${formatDuration(now() - startedAt)}`)}`;
      render();
      settle(ok && failure === undefined);
      await list;
    },
  };
}
