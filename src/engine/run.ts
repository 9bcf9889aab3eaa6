// Executes a prepared run: builds the start nodes' requests from the initial input, plans how each node is called
// (flow.ts), waits until every service is ready, schedules the graph over gRPC and assembles the RunResult (results
// of the nodes plus a per-node summary), also when a node failed, --duration ended it or the run was cancelled.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { NodeId } from '../graph/types.js';
import type { EngineEvent, EngineEventHandler, RunStatus } from './events.js';
import { planFlow, streams } from './flow.js';
import { startRequests } from './input.js';
import { Channels, DEFAULT_BACKOFF } from './invoker.js';
import type { NodeRun } from './node-run.js';
import { waitForServices } from './readiness.js';
import { schedule } from './scheduler.js';
import { assemble } from './summary.js';
import type { PreparedRun, RunOptions, RunResult } from './types.js';

export const DEFAULT_RETRIES = 3;
export const DEFAULT_WAIT_TIMEOUT_MS = 60_000;
/** Messages a link holds before its producer waits: Node's own default for object streams. */
export const DEFAULT_QUEUE_SIZE = 16;
/** Messages kept as the result of a node that emits many. */
export const DEFAULT_KEEP_MESSAGES = 100;

/**
 * Runs a prepared pipeline. Events go to `onEvent` as they happen. Resolves with the results and a summary, whether
 * the run succeeded, failed (a node's call failed: summary.error) or was cancelled (options.signal). Thrown before any
 * call: UserError UNKNOWN_INPUT_NODE, INVALID_INPUT, SERVICES_NOT_READY.
 */
export async function executeRun(
  prepared: PreparedRun,
  options: RunOptions = {},
  onEvent: EngineEventHandler = () => {},
): Promise<RunResult> {
  const emit = (event: EngineEvent) => onEvent(event);
  const warn = (node: NodeId | undefined, message: string) =>
    emit(
      node === undefined
        ? { type: 'warning', at: Date.now(), message }
        : { type: 'warning', at: Date.now(), node, message },
    );
  const initial = startRequests(prepared, options.input ?? {}, warn);
  const flows = planFlow(prepared, { loop: options.loop });

  // The engine's own signal, following the caller's: every in-flight call listens to it, so it may have many
  // listeners (Node warns past 10 on a signal it does not know to be shared).
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = controller.signal;
  const timing = { start: Date.now(), startPerf: performance.now() };
  emit({
    type: 'run-started',
    at: timing.start,
    levels: prepared.graph.levels,
    nodes: prepared.nodes.map((n) => n.id),
    streaming: prepared.nodes.filter((n) => streams(flows.get(n.id)!)).map((n) => n.id),
  });
  for (const note of prepared.notes) warn(undefined, note);
  for (const link of prepared.links) {
    if (link.skipped.length > 0) {
      warn(
        link.to,
        `link "${link.from}" -> "${link.to}": fields not mapped (types differ): ${link.skipped.join(', ')}`,
      );
    }
  }
  if (options.loop && ![...flows.values()].some((f) => f.loops)) {
    warn(undefined, '--loop: no source takes an empty request (a trigger source), so every source is called once');
  }

  const channels = new Channels(prepared.endpoints);
  let runs: NodeRun[] | undefined;
  let stoppedBy: 'duration' | undefined;
  let status: RunStatus = 'failed';
  try {
    const ready = await waitForServices(
      channels,
      prepared.endpoints,
      options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
      signal,
      emit,
    );
    if (ready) {
      ({ runs, stoppedBy } = await schedule(
        prepared,
        flows,
        {
          channels,
          signal,
          initial,
          emit,
          warn,
          settings: {
            timeoutMs: options.timeoutMs || undefined,
            streamTimeoutMs: options.streamTimeoutMs || undefined,
            retries: options.retries ?? DEFAULT_RETRIES,
            backoff: options.backoff ?? DEFAULT_BACKOFF,
            keepMessages: options.keepMessages ?? DEFAULT_KEEP_MESSAGES,
          },
        },
        {
          concurrency: options.concurrency,
          queueSize: options.queueSize ?? DEFAULT_QUEUE_SIZE,
          durationMs: options.durationMs,
        },
      ));
    }
    status = signal.aborted ? 'cancelled' : runs?.some((r) => r.status === 'failed') ? 'failed' : 'succeeded';
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    channels.close();
    emit({ type: 'run-finished', at: Date.now(), status, durationMs: performance.now() - timing.startPerf });
  }
  return assemble(prepared, runs, status, timing, stoppedBy);
}
