// The typed events of a run. The engine emits them, the UI (src/ui/progress.ts) and tests subscribe; this file is the
// only part of the engine the UI may import.
import type { NodeId } from '../graph/types.js';
import type { ReadyVia } from './health.js';

/**
 * A failed call as the engine reports it (events and the run summary): the gRPC status name (UNAVAILABLE,
 * DEADLINE_EXCEEDED, ...), or INVALID_REQUEST when the request could not be encoded, and its details.
 */
export interface CallError {
  code: string;
  message: string;
}

/**
 * What a node has done so far: calls made (retries not counted), messages taken from its inbound links, messages it
 * emitted. In node-finished / node-failed / node-cancelled and node-progress.
 */
export interface NodeCounters {
  calls: number;
  messagesIn: number;
  messagesOut: number;
}

/**
 * The events of a run, in the order they happen. Types are only ever added (consumers ignore types they do not know),
 * and fields only added, optional where older events lack them.
 */
export type EngineEvent =
  /** `streaming`: the nodes that stream or are called per message (their counters are worth showing). */
  | { type: 'run-started'; at: number; levels: NodeId[][]; nodes: NodeId[]; streaming?: NodeId[] }
  /** Readiness: waiting for a container's service before the first call. */
  | { type: 'service-waiting'; at: number; container: string; address: string }
  | { type: 'service-ready'; at: number; container: string; address: string; via: ReadyVia }
  /** A node's first call starts (a streaming call: it opens). */
  | { type: 'node-started'; at: number; node: NodeId }
  | { type: 'node-retrying'; at: number; node: NodeId; attempt: number; delayMs: number; error: CallError }
  /**
   * Live counters of a node that streams or is called per message, at most every 250 ms while they change (the last
   * counts come with the node's end event).
   */
  | ({ type: 'node-progress'; at: number; node: NodeId } & NodeCounters)
  | ({ type: 'node-finished'; at: number; node: NodeId; durationMs: number; attempts: number } & Partial<NodeCounters>)
  | ({
      type: 'node-failed';
      at: number;
      node: NodeId;
      durationMs: number;
      attempts: number;
      error: CallError;
    } & Partial<NodeCounters>)
  /** A node whose call was cut short: SIGINT/SIGTERM, or another node's failure stopped the run. */
  | ({ type: 'node-cancelled'; at: number; node: NodeId } & Partial<NodeCounters>)
  /** A node that never called: an upstream produced nothing, or the run was halted first. */
  | { type: 'node-skipped'; at: number; node: NodeId; reason: string }
  /**
   * The engine ends calls that can only wait: `idle` (every source finished and nothing is queued or in flight:
   * callback streams are cancelled, client streams half-closed) or `duration` (--duration is up: the sources are
   * stopped and the pipeline drains).
   */
  | { type: 'run-ending'; at: number; reason: 'idle' | 'duration'; nodes: NodeId[] }
  | { type: 'warning'; at: number; node?: NodeId; message: string }
  | { type: 'run-finished'; at: number; status: RunStatus; durationMs: number };

export type RunStatus = 'succeeded' | 'failed' | 'cancelled';
export type NodeStatus = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export type EngineEventHandler = (event: EngineEvent) => void;
