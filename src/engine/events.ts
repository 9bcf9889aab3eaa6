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

export type EngineEvent =
  | { type: 'run-started'; at: number; levels: NodeId[][]; nodes: NodeId[] }
  /** Readiness: waiting for a container's service before the first call. */
  | { type: 'service-waiting'; at: number; container: string; address: string }
  | { type: 'service-ready'; at: number; container: string; address: string; via: ReadyVia }
  | { type: 'node-started'; at: number; node: NodeId }
  | { type: 'node-retrying'; at: number; node: NodeId; attempt: number; delayMs: number; error: CallError }
  | { type: 'node-finished'; at: number; node: NodeId; durationMs: number; attempts: number }
  | { type: 'node-failed'; at: number; node: NodeId; durationMs: number; attempts: number; error: CallError }
  /** An in-flight call cancelled by SIGINT/SIGTERM (AbortSignal). */
  | { type: 'node-cancelled'; at: number; node: NodeId }
  /** A node that never started: an upstream failed or the run was halted first. */
  | { type: 'node-skipped'; at: number; node: NodeId; reason: string }
  | { type: 'warning'; at: number; node?: NodeId; message: string }
  | { type: 'run-finished'; at: number; status: RunStatus; durationMs: number };

export type RunStatus = 'succeeded' | 'failed' | 'cancelled';
export type NodeStatus = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export type EngineEventHandler = (event: EngineEvent) => void;
