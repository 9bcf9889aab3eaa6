// A finished run as its RunResult: the result of every node that produced one (a message, or for a node that emits
// many the list of its last messages) and a summary per node (status, timing, attempts, calls, messages in and out,
// error), plus the run's status and first failure. Also the UserError a command throws for a failed run.
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.js';
import type { NodeId } from '../graph/types.js';
import type { RunStatus } from './events.js';
import type { NodeRun } from './node-run.js';
import { jsonSafe } from './result.js';
import type { Message, NodeSummary, PreparedRun, RunResult, RunSummary } from './types.js';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const tenths = (ms: number) => Math.round(ms * 10) / 10;

export interface RunTiming {
  start: number;
  startPerf: number;
}

/** The result of a run; `runs` is undefined when no node ran (the services were not ready, or a signal came first). */
export function assemble(
  prepared: PreparedRun,
  runs: NodeRun[] | undefined,
  status: RunStatus,
  timing: RunTiming,
  stoppedBy?: 'duration',
): RunResult {
  const byId = new Map(runs?.map((r) => [r.id, r]));
  const results: Record<NodeId, Message | Message[]> = {};
  const nodes: Record<NodeId, NodeSummary> = {};
  let error: RunSummary['error'];
  let errorAt = Number.POSITIVE_INFINITY;
  // Results and summary list nodes by execution level (then blueprint order): the order a reader follows the run.
  for (const id of prepared.graph.levels.flat()) {
    const run = byId.get(id);
    const summary: NodeSummary = {
      status: run?.status ?? 'skipped',
      attempts: run?.attempts ?? 0,
      calls: run?.calls ?? 0,
      messages_in: run?.messagesIn ?? 0,
      messages_out: run?.messagesOut ?? 0,
    };
    if (run?.start !== undefined) {
      summary.start = iso(run.start);
      if (run.end !== undefined) summary.end = iso(run.end);
      if (run.durationMs !== undefined) summary.duration_ms = tenths(run.durationMs);
    }
    const result = run?.status === 'skipped' ? undefined : run?.result();
    if (result !== undefined) results[id] = result;
    if (run?.error && (run.status === 'failed' || run.status === 'cancelled')) {
      summary.error = run.error.toCallError();
      // The run's error is the failure that happened first; later ones are in their nodes' summaries.
      const at = run.end ?? Number.POSITIVE_INFINITY;
      if (run.status === 'failed' && (!error || at < errorAt)) {
        error = { node: id, code: run.error.code, message: run.error.details, attempts: summary.attempts };
        errorAt = at;
      }
    }
    nodes[id] = summary;
  }
  const summary: RunSummary = {
    ...(prepared.pipeline === undefined ? {} : { pipeline: prepared.pipeline }),
    status,
    start: iso(timing.start),
    end: iso(Date.now()),
    duration_ms: tenths(performance.now() - timing.startPerf),
    ...(stoppedBy ? { stopped_by: stoppedBy } : {}),
    nodes,
    ...(prepared.graph.unwired.length > 0 ? { not_wired: prepared.graph.unwired } : {}),
    ...(error ? { error } : {}),
  };
  return { results, summary };
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
          ? 'the call took longer than --timeout (--stream-timeout for a streaming call)'
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
