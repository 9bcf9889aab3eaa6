// `aieffect run`'s own lines on stderr, around the engine's progress: services starting, ready, exiting and stopping,
// a service's last output lines when it failed, and the table of running services for --keep-running.
import { stderrColor as color } from './color.js';
import type { EngineEvent } from '../engine/events.js';
import type { LocalEvent, LocalServiceInfo } from '../local/runtime.js';
import { createProgress, formatDuration, progressMode } from './progress.js';
import { createStartupTree } from './startup-tree.js';

function exitText(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code ?? '?'}`;
}

/** One line per event. */
export function describeLocalEvent(event: LocalEvent): string {
  switch (event.type) {
    case 'service-starting':
      return `launch ${event.service} ${color.dim(`pid ${event.pid}, ${event.address}: ${event.command}`)}`;
    case 'service-ready':
      return `up     ${event.service} ${color.dim(`${event.via === 'health' ? 'health SERVING' : 'accepting calls'} after ${formatDuration(event.durationMs)}`)}`;
    case 'service-exited':
      return `${color.red('exit')}   ${event.service} ${exitText(event.exit)}`;
    case 'services-stopping':
      return `stop   ${event.services.length} service${event.services.length === 1 ? '' : 's'}`;
    case 'services-stopped':
      return `${color.dim(`stopped in ${formatDuration(event.durationMs)}`)}`;
    case 'build-starting':
      return `build  ${event.services.join(', ')}: ${color.dim(`${event.command} (${event.reason})`)}`;
    case 'build-waiting':
      return `wait   ${event.services.join(', ')}: ${color.dim('another aieffect is building them')}`;
    case 'build-finished':
      return `built  ${event.services.join(', ')} ${color.dim(`in ${formatDuration(event.durationMs)}`)}`;
    case 'build-skipped':
      return `${color.yellow('stale')}  ${event.services.join(', ')}: ${color.dim(`${event.reason}; not built (--no-build)`)}`;
  }
}

/** A service's last output lines, indented under a heading naming it. */
export function renderOutputTail(service: string, lines: string[]): string {
  if (lines.length === 0) return `${service} wrote no output`;
  const body = lines.map((line) => `  ${color.dim('|')} ${line}`).join('\n');
  return `${color.bold(service)} output (last ${lines.length} line${lines.length === 1 ? '' : 's'}):\n${body}`;
}

/**
 * The output blocks a runtime error carries, one per service it is about: the UserError details of SERVICE_EXITED
 * (`service` and `output`), of BUILD_FAILED (`build` and `output`) or of SERVICE_NOT_READY for several services
 * (`not_ready`, each with its output). Empty when the error carries none.
 */
export function renderErrorOutputs(details: Record<string, unknown> = {}): string[] {
  const several = details.not_ready as { service: string; output: string[] }[] | undefined;
  // A failed build (BUILD_FAILED) names its command instead of one service.
  const heading = details.build === undefined ? String(details.service) : `build (${String(details.build)})`;
  const one = Array.isArray(details.output) ? [{ service: heading, output: details.output as string[] }] : [];
  return (several ?? one).map(({ service, output }) => renderOutputTail(service, output));
}

/** The running services, aligned: service, container, address, pid. */
export function renderServiceTable(
  services: Pick<LocalServiceInfo, 'service' | 'container' | 'address' | 'pid'>[],
): string {
  const rows = services.map((s) => [s.service, s.container, s.address, `pid ${s.pid}`]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}`).join('\n');
}

/** stderr of a local run: the engine's progress and the runtime's own lines, which must not tear the task tree. */
export interface RunConsole {
  onLocalEvent(event: LocalEvent): void;
  onEngineEvent(event: EngineEvent): void;
  /** A line a service printed: forwarded (prefixed with its name) while forwarding is on. */
  onOutput(service: string, line: string): void;
  forwardOutput(on: boolean): void;
  /** Waits for the progress renderer's last frame, then writes the lines held back while it drew. */
  done(): Promise<void>;
}

export function createRunConsole(flags: { json: boolean; progress: boolean; logs: boolean }): RunConsole {
  const mode = progressMode(flags);
  // Service output lines would tear the task tree apart: with --logs, progress is plain lines.
  const progress = createProgress(mode === 'tree' && flags.logs ? 'plain' : mode);
  const tree = mode === 'tree' && !flags.logs;
  // On a terminal the start-up is a task with a spinner, ended before the pipeline's tree begins.
  const startup = tree ? createStartupTree() : undefined;
  // Engine events that come while the start-up tree draws its last frame: handled once it has.
  let pending: EngineEvent[] | undefined;
  let flushed: Promise<void> = Promise.resolve();
  // While the task tree is drawn, our own lines wait: written in between, they would land above its last frame.
  let drawing = false;
  const held: string[] = [];
  let forwarding = flags.logs && !flags.json;
  const onEngine = (event: EngineEvent) => {
    if (event.type === 'run-started' && tree) drawing = true;
    progress.onEvent(event);
  };
  return {
    onLocalEvent(event) {
      if (mode === 'none' || startup?.onLocalEvent(event)) return;
      const line = describeLocalEvent(event);
      if (drawing) held.push(line);
      else process.stderr.write(line + '\n');
    },
    onEngineEvent(event) {
      if (startup?.active) {
        const queue: EngineEvent[] = (pending = []);
        flushed = startup.finish(true).then(() => {
          pending = undefined;
          queue.forEach(onEngine);
        });
      }
      if (pending) pending.push(event);
      else onEngine(event);
    },
    onOutput(service, line) {
      if (forwarding) process.stderr.write(`${service} | ${line}\n`);
    },
    forwardOutput(on) {
      forwarding = on;
    },
    async done() {
      // A start-up that never reached the pipeline failed (the command reports why).
      await startup?.finish(false);
      await flushed;
      await progress.done();
      drawing = false;
      for (const line of held.splice(0)) process.stderr.write(line + '\n');
    },
  };
}
