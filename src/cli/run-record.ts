// What a command knows about its run at any moment, so that `--output` gets a run result document whatever ends the
// command: the engine's own document once it returned, otherwise one built from what is known so far (the pipeline,
// its nodes and what the engine's events said of each) with the error that ended the run.
import type { EngineEvent, NodeCounters, NodeSummary, RunResultDocument, RunSummary } from '../engine/index.js';
import { isUserError } from '../errors.js';

/**
 * The run result document as --output gets it: the engine's, whose `summary.error` names the node that failed, or one
 * of a command that ended otherwise (services not ready, a service that died, a package that does not load), whose
 * error has the code and message of the command's error and no node.
 */
export interface RunOutputDocument extends Omit<RunResultDocument, 'summary'> {
  summary: Omit<RunSummary, 'error'> & { error?: { code: string; message: string; node?: string; attempts?: number } };
}

type Status = RunSummary['status'];

interface Known {
  status: NodeSummary['status'] | 'running';
  start?: number;
  end?: number;
  attempts: number;
  /** The node's counters as its last event gave them. */
  counters: NodeCounters;
  error?: { code: string; message: string };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export class RunRecord {
  private readonly started = Date.now();
  private readonly startedPerf = performance.now();
  private pipeline: string | undefined;
  private readonly nodes = new Map<string, Known>();
  private result: RunOutputDocument | undefined;

  /** The pipeline and its nodes, in level order, once they are known (before anything runs). */
  plan(pipeline: string | undefined, nodes: string[]): void {
    this.pipeline = pipeline;
    for (const node of nodes)
      if (!this.nodes.has(node)) {
        this.nodes.set(node, { status: 'skipped', attempts: 0, counters: { calls: 0, messagesIn: 0, messagesOut: 0 } });
      }
  }

  /** Follows the engine's events. */
  onEvent = (event: EngineEvent): void => {
    const known = 'node' in event && event.node !== undefined ? this.nodes.get(event.node) : undefined;
    if (known && 'calls' in event && event.calls !== undefined) {
      known.counters = { calls: event.calls, messagesIn: event.messagesIn ?? 0, messagesOut: event.messagesOut ?? 0 };
    }
    switch (event.type) {
      case 'run-started':
        this.plan(this.pipeline, event.levels.flat());
        break;
      case 'node-started':
        if (known) {
          Object.assign(known, { status: 'running', start: event.at, attempts: 1 });
          known.counters.calls = Math.max(known.counters.calls, 1);
        }
        break;
      case 'node-retrying':
        if (known) known.attempts = event.attempt + 1;
        break;
      case 'node-finished':
        if (known) Object.assign(known, { status: 'succeeded', end: event.at, attempts: event.attempts });
        break;
      case 'node-failed':
        if (known)
          Object.assign(known, { status: 'failed', end: event.at, attempts: event.attempts, error: event.error });
        break;
      case 'node-cancelled':
        if (known) Object.assign(known, { status: 'cancelled', end: event.at });
        break;
      default:
        break;
    }
  };

  /** The engine's document, once the run returned: from then on it is what --output gets. */
  finished(document: RunOutputDocument): void {
    this.result = document;
  }

  /**
   * The document for --output now. The engine's when it returned (its status turned to `failed` with `error` when
   * the command fails for another reason, e.g. a service that died), else the summary so far: nodes that never
   * started are skipped, calls still in flight cancelled, and results only what the error carries.
   */
  document(status: Status, error?: unknown): RunOutputDocument {
    const cause = error === undefined ? undefined : errorOf(error);
    const carried = isUserError(error) ? (error.details as { results?: unknown; summary?: unknown } | undefined) : {};
    const base =
      this.result ??
      (carried?.summary !== undefined
        ? ({ results: carried.results ?? {}, summary: carried.summary } as RunOutputDocument)
        : undefined);
    if (base) {
      if (!cause || base.summary.error) return base;
      return { results: base.results, summary: { ...base.summary, status, error: cause } };
    }
    const end = Date.now();
    const nodes: Record<string, NodeSummary> = {};
    for (const [id, known] of this.nodes) {
      const summary: NodeSummary = {
        status: known.status === 'running' ? 'cancelled' : known.status,
        attempts: known.attempts,
        calls: known.counters.calls,
        messages_in: known.counters.messagesIn,
        messages_out: known.counters.messagesOut,
      };
      if (known.start !== undefined) {
        summary.start = iso(known.start);
        summary.end = iso(known.end ?? end);
        summary.duration_ms = (known.end ?? end) - known.start;
      }
      if (known.error) summary.error = known.error;
      nodes[id] = summary;
    }
    return {
      results: {},
      summary: {
        ...(this.pipeline === undefined ? {} : { pipeline: this.pipeline }),
        status,
        start: iso(this.started),
        end: iso(end),
        duration_ms: Math.round((performance.now() - this.startedPerf) * 10) / 10,
        nodes,
        ...(cause ? { error: cause } : {}),
      },
    };
  }
}

/** The summary's error for what ended the command: a UserError's code and message, the node when it names one. */
function errorOf(error: unknown): { code: string; message: string; node?: string } {
  if (isUserError(error)) {
    const node = typeof error.details?.node === 'string' ? error.details.node : undefined;
    return { code: error.code, message: error.message, ...(node === undefined ? {} : { node }) };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
