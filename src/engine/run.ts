// Executes a prepared run: checks what cannot run yet (streaming), builds the start nodes' requests from the initial
// input, waits until every service is ready, schedules the graph over gRPC and assembles the RunResult (outputs of
// the nodes that finished plus a per-node summary), also when a node failed or the run was cancelled.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.js';
import type { NodeId } from '../graph/types.js';
import type { EngineEvent, EngineEventHandler, RunStatus } from './events.js';
import { CallFailure, Channels, DEFAULT_BACKOFF, callWithRetry } from './invoker.js';
import { waitForServices } from './readiness.js';
import { startRequests } from './input.js';
import { buildRequest } from './request.js';
import { jsonSafe } from './result.js';
import { schedule, type Outcome } from './scheduler.js';
import type {
  LinkPlan,
  Message,
  NodeSummary,
  PreparedNode,
  PreparedRun,
  RunOptions,
  RunResult,
  RunSummary,
} from './types.js';

export const DEFAULT_RETRIES = 3;
export const DEFAULT_WAIT_TIMEOUT_MS = 60_000;

/** Thrown at run start when the pipeline has streaming rpcs (they plan, but the engine runs unary calls only). */
function checkStreaming(prepared: PreparedRun): void {
  const streaming = prepared.nodes.filter((n) => n.streaming).map((n) => n.id);
  if (streaming.length > 0) {
    throw new UserError(
      'STREAMING_UNSUPPORTED',
      `streaming operations are not supported yet: ${streaming.join(', ')}`,
      {
        hint: '`--plan` shows the pipeline; running streaming rpcs comes with a later version',
        details: { nodes: streaming },
      },
    );
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

interface Timing {
  start: number;
  startPerf: number;
  end?: number;
  durationMs?: number;
  attempts: number;
}

/** The UserError of a failed run, for commands to throw after writing the partial results. */
export function runFailure(result: RunResult): UserError | undefined {
  const err = result.summary.error;
  if (result.summary.status !== 'failed' || !err) return undefined;
  const attempts = err.attempts > 1 ? ` (after ${err.attempts} attempts)` : '';
  return new UserError('NODE_FAILED', `node "${err.node}" failed: ${err.code}: ${err.message}${attempts}`, {
    hint:
      err.code === 'UNAVAILABLE'
        ? 'the service stopped answering: check that it is running; --retries retries longer'
        : err.code === 'DEADLINE_EXCEEDED'
          ? 'the call took longer than --timeout'
          : "see the service's own logs for why it returned this status",
    // The partial results travel with the error, so `--json` consumers get them in {"error": ...} too.
    details: {
      node: err.node,
      status: err.code,
      details: err.message,
      attempts: err.attempts,
      results: jsonSafe(result.results),
      summary: result.summary,
    },
  });
}

/**
 * Runs a prepared pipeline. Events go to `onEvent` as they happen. Resolves with the outputs of the nodes that
 * finished and a summary, whether the run succeeded, failed (a node's call failed: summary.error) or was cancelled
 * (options.signal). Thrown before any call: UserError STREAMING_UNSUPPORTED, UNKNOWN_INPUT_NODE, INVALID_INPUT,
 * SERVICES_NOT_READY.
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
  checkStreaming(prepared);
  const initial = startRequests(prepared, options.input ?? {}, warn);

  // The engine's own signal, following the caller's: every in-flight call listens to it, so it may have many
  // listeners (Node warns past 10 on a signal it does not know to be shared).
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = controller.signal;
  const runStart = Date.now();
  const runStartPerf = performance.now();
  const { graph } = prepared;
  emit({ type: 'run-started', at: runStart, levels: graph.levels, nodes: prepared.nodes.map((n) => n.id) });
  for (const note of prepared.notes) warn(undefined, note);
  for (const link of prepared.links) {
    if (link.skipped.length > 0) {
      warn(
        link.to,
        `link "${link.from}" -> "${link.to}": fields not mapped (types differ): ${link.skipped.join(', ')}`,
      );
    }
  }

  const channels = new Channels(prepared.endpoints);
  const timings = new Map<NodeId, Timing>();
  let outcomes: Map<NodeId, Outcome<Message>> | undefined;
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
      const linksTo = new Map<NodeId, Map<NodeId, LinkPlan>>();
      for (const link of prepared.links) {
        if (!linksTo.has(link.to)) linksTo.set(link.to, new Map());
        linksTo.get(link.to)!.set(link.from, link);
      }
      outcomes = await schedule<Message>({
        nodes: prepared.nodes.map((n) => n.id),
        upstream: graph.upstream,
        downstream: graph.downstream,
        concurrency: options.concurrency,
        signal,
        onSkip: (node, reason) => emit({ type: 'node-skipped', at: Date.now(), node, reason }),
        run: (id, inputs, callSignal) =>
          runNode(prepared.byId.get(id)!, inputs, callSignal, {
            initial,
            linksTo,
            prepared,
            channels,
            options,
            timings,
            emit,
            warn,
          }),
      });
    }
    status = signal.aborted
      ? 'cancelled'
      : [...(outcomes?.values() ?? [])].some((o) => o.status === 'failed')
        ? 'failed'
        : 'succeeded';
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    channels.close();
    emit({ type: 'run-finished', at: Date.now(), status, durationMs: performance.now() - runStartPerf });
  }
  return assemble(prepared, outcomes, timings, status, runStart, runStartPerf);
}

interface NodeContext {
  initial: Map<NodeId, Message>;
  linksTo: Map<NodeId, Map<NodeId, LinkPlan>>;
  prepared: PreparedRun;
  channels: Channels;
  options: RunOptions;
  timings: Map<NodeId, Timing>;
  emit: EngineEventHandler;
  warn: (node: NodeId | undefined, message: string) => void;
}

/** One node: its request from upstream outputs (or the initial input), the call with retries, and its events. */
async function runNode(
  node: PreparedNode,
  inputs: { from: NodeId; output: Message }[],
  signal: AbortSignal,
  ctx: NodeContext,
): Promise<Message> {
  const request =
    inputs.length === 0
      ? (ctx.initial.get(node.id) ?? {})
      : buildRequest(
          node.id,
          inputs.map(({ from, output }) => ({
            from,
            output,
            message: ctx.prepared.byId.get(from)!.call.response,
            link: ctx.linksTo.get(node.id)!.get(from)!,
          })),
          (message) => ctx.warn(node.id, message),
        );
  const timing: Timing = { start: Date.now(), startPerf: performance.now(), attempts: 1 };
  ctx.timings.set(node.id, timing);
  ctx.emit({ type: 'node-started', at: timing.start, node: node.id });
  const done = () => {
    timing.end = Date.now();
    timing.durationMs = performance.now() - timing.startPerf;
  };
  try {
    const { output, attempts } = await callWithRetry(ctx.channels.get(node.container), node.call.method, request, {
      timeoutMs: ctx.options.timeoutMs,
      signal,
      retries: ctx.options.retries ?? DEFAULT_RETRIES,
      backoff: ctx.options.backoff ?? DEFAULT_BACKOFF,
      onRetry: (attempt, delayMs, error) => {
        timing.attempts = attempt + 1;
        ctx.emit({
          type: 'node-retrying',
          at: Date.now(),
          node: node.id,
          attempt,
          delayMs,
          error: error.toCallError(),
        });
      },
    });
    done();
    timing.attempts = attempts;
    ctx.emit({ type: 'node-finished', at: timing.end!, node: node.id, durationMs: timing.durationMs!, attempts });
    return output;
  } catch (err) {
    done();
    const failure = err as CallFailure;
    timing.attempts = failure.attempts;
    if (signal.aborted) ctx.emit({ type: 'node-cancelled', at: timing.end!, node: node.id });
    else {
      ctx.emit({
        type: 'node-failed',
        at: timing.end!,
        node: node.id,
        durationMs: timing.durationMs!,
        attempts: failure.attempts,
        error: failure.toCallError(),
      });
    }
    throw failure;
  }
}

function assemble(
  prepared: PreparedRun,
  outcomes: Map<NodeId, Outcome<Message>> | undefined,
  timings: Map<NodeId, Timing>,
  status: RunStatus,
  runStart: number,
  runStartPerf: number,
): RunResult {
  const results: Record<NodeId, Message> = {};
  const nodes: Record<NodeId, NodeSummary> = {};
  let error: RunSummary['error'];
  let errorAt = Number.POSITIVE_INFINITY;
  // Results and summary list nodes by execution level (then blueprint order): the order a reader follows the run.
  for (const id of prepared.graph.levels.flat()) {
    const node = prepared.byId.get(id)!;
    const outcome = outcomes?.get(node.id) ?? { status: 'skipped' as const, reason: 'the run was cancelled' };
    const timing = timings.get(node.id);
    const summary: NodeSummary = { status: outcome.status, attempts: timing?.attempts ?? 0 };
    if (timing) {
      summary.start = iso(timing.start);
      if (timing.end !== undefined) summary.end = iso(timing.end);
      if (timing.durationMs !== undefined) summary.duration_ms = Math.round(timing.durationMs * 10) / 10;
    }
    if (outcome.status === 'succeeded') results[node.id] = outcome.output;
    if (outcome.status === 'failed' || outcome.status === 'cancelled') {
      const failure =
        outcome.error instanceof CallFailure ? outcome.error : new CallFailure('INTERNAL', String(outcome.error));
      summary.error = { code: failure.code, message: failure.details };
      // The run's error is the failure that happened first; later ones are in their nodes' summaries.
      const at = timing?.end ?? Number.POSITIVE_INFINITY;
      if (outcome.status === 'failed' && (!error || at < errorAt)) {
        error = { node: node.id, code: failure.code, message: failure.details, attempts: summary.attempts };
        errorAt = at;
      }
    }
    nodes[node.id] = summary;
  }
  const end = Date.now();
  const summary: RunSummary = {
    ...(prepared.pipeline === undefined ? {} : { pipeline: prepared.pipeline }),
    status,
    start: iso(runStart),
    end: iso(end),
    duration_ms: Math.round((performance.now() - runStartPerf) * 10) / 10,
    nodes,
    ...(error ? { error } : {}),
  };
  return { results, summary };
}
