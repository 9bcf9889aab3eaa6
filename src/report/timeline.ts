// The timeline of a run, recorded from the engine's events (and, for `aieffect run`, the local runtime's): when each
// service was waited for or started, when each node started and ended, its attempts and retries, its status, and the
// run's outcome. Plain data, so the report page is a pure function of it; the engine is only known by its event types.
import type { CallError, EngineEvent, NodeCounters, NodeStatus, RunStatus } from '../engine/events.js';
import type { LocalEvent } from '../local/runtime.js';

/** A node as the run left it: its final status, or `not run` when the run ended before it started. */
export type TimelineNodeStatus = NodeStatus | 'running' | 'not run';

export interface TimelineNode {
  id: string;
  /** Execution level (0: start nodes). */
  level: number;
  status: TimelineNodeStatus;
  /** Epoch milliseconds of the first call's start and of the last attempt's end. */
  start?: number;
  end?: number;
  durationMs?: number;
  attempts: number;
  retries: { at: number; attempt: number; delayMs: number; error: CallError }[];
  error?: CallError;
  /** Why it did not run (skipped). */
  reason?: string;
  /** A node that streams or is called per message: its calls and messages in and out, as last reported. */
  counters?: NodeCounters;
}

/** A step before the calls: a service waited for (orchestrate) or started (run), or a build. */
export interface TimelineStep {
  kind: 'wait' | 'start' | 'build';
  /** The container, service or build command it is about. */
  name: string;
  detail?: string;
  start: number;
  end?: number;
  status: 'done' | 'failed' | 'unfinished';
}

export interface RunTimeline {
  /** Epoch milliseconds of the first event and of the run's end (or the last event). */
  start?: number;
  end?: number;
  /** From run-finished; undefined when the run never started or never finished (an error before or around it). */
  status?: RunStatus;
  durationMs?: number;
  levels: string[][];
  nodes: TimelineNode[];
  steps: TimelineStep[];
  warnings: { at: number; node?: string; message: string }[];
}

export interface RunRecorder {
  onEvent(event: EngineEvent): void;
  onLocalEvent(event: LocalEvent): void;
  /** The command ends at `at` (an error, a signal): what is still open never finished. */
  close(at: number): void;
  /** The timeline so far (a copy: recording goes on). */
  timeline(): RunTimeline;
}

export function createRunRecorder(): RunRecorder {
  const nodes = new Map<string, TimelineNode>();
  const steps: TimelineStep[] = [];
  const warnings: RunTimeline['warnings'] = [];
  let levels: string[][] = [];
  let start: number | undefined;
  let last: number | undefined;
  let finished: { at: number; status: RunStatus; durationMs: number } | undefined;

  const seen = (at: number) => {
    start = start === undefined ? at : Math.min(start, at);
    last = last === undefined ? at : Math.max(last, at);
  };
  /** The open step of this kind and name, if any. */
  const open = (kind: TimelineStep['kind'], name: string) =>
    steps.find((s) => s.kind === kind && s.name === name && s.status === 'unfinished');
  const node = (id: string): TimelineNode => {
    let n = nodes.get(id);
    if (!n) {
      n = { id, level: levels.findIndex((l) => l.includes(id)), status: 'not run', attempts: 0, retries: [] };
      nodes.set(id, n);
    }
    return n;
  };
  /** The last counts of a node whose counters are worth showing (run-started's `streaming`); others keep none. */
  const count = (id: string, c: Partial<NodeCounters>) => {
    const was = nodes.get(id)?.counters;
    if (!was) return;
    node(id).counters = {
      calls: c.calls ?? was.calls,
      messagesIn: c.messagesIn ?? was.messagesIn,
      messagesOut: c.messagesOut ?? was.messagesOut,
    };
  };

  /** Steps still open when the run ends never finished: services not ready, builds cut short. */
  const closeSteps = (at: number) => {
    for (const step of steps) {
      if (step.status !== 'unfinished') continue;
      const why = step.kind === 'build' ? 'did not finish' : 'not ready';
      Object.assign(step, { end: at, status: 'failed', detail: `${step.detail ?? ''}; ${why}` });
    }
  };

  return {
    close(at) {
      seen(at);
      closeSteps(at);
    },

    onEvent(event) {
      seen(event.at);
      switch (event.type) {
        case 'run-started':
          levels = event.levels.map((l) => [...l]);
          levels.forEach((level, i) => level.forEach((id) => (node(id).level = i)));
          for (const id of event.nodes) node(id);
          for (const id of event.streaming ?? []) node(id).counters = { calls: 0, messagesIn: 0, messagesOut: 0 };
          break;
        case 'service-waiting':
          steps.push({
            kind: 'wait',
            name: event.container,
            detail: event.address,
            start: event.at,
            status: 'unfinished',
          });
          break;
        case 'service-ready': {
          const step = open('wait', event.container);
          if (step)
            Object.assign(step, { end: event.at, status: 'done', detail: `${event.address}, ready (${event.via})` });
          break;
        }
        case 'node-started': {
          const n = node(event.node);
          Object.assign(n, { status: 'running', start: event.at, attempts: 1 });
          break;
        }
        case 'node-retrying': {
          const n = node(event.node);
          n.retries.push({ at: event.at, attempt: event.attempt, delayMs: event.delayMs, error: event.error });
          n.attempts = event.attempt + 1;
          break;
        }
        case 'node-progress':
          count(event.node, event);
          break;
        case 'node-finished':
          count(event.node, event);
          Object.assign(node(event.node), {
            status: 'succeeded',
            end: event.at,
            durationMs: event.durationMs,
            attempts: event.attempts,
          });
          break;
        case 'node-failed':
          count(event.node, event);
          Object.assign(node(event.node), {
            status: 'failed',
            end: event.at,
            durationMs: event.durationMs,
            attempts: event.attempts,
            error: event.error,
          });
          break;
        case 'node-cancelled': {
          count(event.node, event);
          const n = node(event.node);
          Object.assign(n, { status: 'cancelled', end: event.at });
          if (n.start !== undefined) n.durationMs = event.at - n.start;
          break;
        }
        case 'node-skipped':
          Object.assign(node(event.node), { status: 'skipped', reason: event.reason });
          break;
        case 'warning':
          warnings.push({
            at: event.at,
            ...(event.node === undefined ? {} : { node: event.node }),
            message: event.message,
          });
          break;
        case 'run-finished':
          finished = { at: event.at, status: event.status, durationMs: event.durationMs };
          closeSteps(event.at);
          break;
      }
    },

    onLocalEvent(event) {
      seen(event.at);
      switch (event.type) {
        case 'build-starting':
          steps.push({
            kind: 'build',
            name: event.command,
            detail: `${event.services.join(', ')}: ${event.reason}`,
            start: event.at,
            status: 'unfinished',
          });
          break;
        case 'build-finished': {
          const step = open('build', event.command);
          if (step) Object.assign(step, { end: event.at, status: 'done' });
          break;
        }
        case 'service-starting':
          steps.push({
            kind: 'start',
            name: event.service,
            detail: `${event.container} at ${event.address}: ${event.command}`,
            start: event.at,
            status: 'unfinished',
          });
          break;
        case 'service-ready': {
          const step = open('start', event.service);
          if (step) Object.assign(step, { end: event.at, status: 'done' });
          break;
        }
        case 'service-exited': {
          const step = open('start', event.service);
          const exit = event.exit.signal
            ? `killed by ${event.exit.signal}`
            : `exited with code ${event.exit.code ?? '?'}`;
          if (step) Object.assign(step, { end: event.at, status: 'failed', detail: `${step.detail ?? ''}; ${exit}` });
          else
            steps.push({
              kind: 'start',
              name: event.service,
              detail: exit,
              start: event.at,
              end: event.at,
              status: 'failed',
            });
          break;
        }
        default:
          break;
      }
    },

    timeline() {
      const ordered = [...nodes.values()].sort((a, b) => order(levels, a.id) - order(levels, b.id));
      return {
        ...(start === undefined ? {} : { start }),
        ...(finished ? { end: finished.at, status: finished.status, durationMs: finished.durationMs } : {}),
        ...(!finished && last !== undefined ? { end: last } : {}),
        levels: levels.map((l) => [...l]),
        nodes: ordered.map((n) => ({ ...n, retries: [...n.retries] })),
        steps: steps.map((s) => ({ ...s })),
        warnings: [...warnings],
      };
    },
  };
}

/** A node's position in level order (levels, then the order within a level); unknown nodes last. */
function order(levels: string[][], id: string): number {
  let i = 0;
  for (const level of levels) {
    const at = level.indexOf(id);
    if (at >= 0) return i + at;
    i += level.length;
  }
  return Number.MAX_SAFE_INTEGER;
}
