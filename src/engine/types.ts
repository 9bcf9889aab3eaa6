// The stages of a run as types: an export package is prepared once (graph, protos, addresses, how each link maps
// messages), then executed with run options into a RunResult. `orchestrate` and `run` share all of it.
import type { NodeId, PipelineGraph, PipelineNode } from '../graph/types.js';
import type { ResolvedOperation, RuntimeProto } from '../proto/runtime.js';
import type { CallError, NodeStatus, RunStatus } from './events.js';

export type Message = Record<string, unknown>;

/** How an rpc is called, from the proto's stream flags. */
export type CallKind = 'unary' | 'server-stream' | 'client-stream' | 'bidi';

/** A node resolved against its proto. */
export interface PreparedNode extends PipelineNode {
  proto: RuntimeProto;
  call: ResolvedOperation;
  kind: CallKind;
}

export interface Endpoint {
  container: string;
  /** host:port */
  address: string;
  source: 'dockerinfo' | 'override';
}

/** How an edge turns the upstream's output into (part of) the downstream's request. */
export interface LinkPlan {
  from: NodeId;
  to: NodeId;
  /** pass-through: the output message is the request (same type); mapped: fields copied by name. */
  mode: 'pass-through' | 'mapped';
  /** Request fields filled from this upstream (every field for pass-through). */
  fields: string[];
  /** Same-named fields left out because their types differ (e.g. "count: string vs int32"). */
  skipped: string[];
  /** Request fields the output does not have: left at their proto3 default (empty for pass-through). */
  absent: string[];
}

export interface PreparedRun {
  /** Absolute path of the export package. */
  dir: string;
  /** blueprint.json's name, when it has one. */
  pipeline?: string;
  graph: PipelineGraph;
  /** Every node the run calls (the wired ones), in blueprint order. */
  nodes: PreparedNode[];
  byId: Map<NodeId, PreparedNode>;
  /** One per container the run calls, in blueprint order. */
  endpoints: Endpoint[];
  /** One per edge, in blueprint order. */
  links: LinkPlan[];
  /** What the package says that is not used as said (stream flags the proto contradicts), for warnings. */
  notes: string[];
}

export interface PrepareOptions {
  /** container -> host:port, overriding dockerinfo.json (e.g. published ports, or locally started services). */
  addresses?: Record<string, string>;
}

/** The initial request of start nodes: `all` for every start node, overlaid per node id or container. */
export interface InitialInput {
  all?: Message;
  nodes?: Record<string, Message>;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

export interface RunOptions {
  input?: InitialInput;
  /** Deadline of each unary call attempt; undefined or 0: none. */
  timeoutMs?: number;
  /** Deadline of each streaming call attempt; undefined or 0: none. */
  streamTimeoutMs?: number;
  /** How many times an UNAVAILABLE call is retried (default 3); a stream only before a message went through it. */
  retries?: number;
  /** Retry delays (default 200 ms doubling up to 5 s). */
  backoff?: BackoffOptions;
  /** How long to wait for every service to be ready before the first call (default 60 s). */
  waitTimeoutMs?: number;
  /** At most this many unary calls in flight (default: unbounded). */
  concurrency?: number;
  /** Trigger sources (a request without fields) are called again each time they finish. */
  loop?: boolean;
  /** Stop the sources after this long and let the pipeline drain (ms). */
  durationMs?: number;
  /** Messages a link holds before its producer waits (default 16). */
  queueSize?: number;
  /** Messages kept as the result of a node that emits many: the last ones (default 100). */
  keepMessages?: number;
  /** Aborting cancels in-flight calls; the result is partial, with status "cancelled". */
  signal?: AbortSignal;
}

export interface NodeSummary {
  status: NodeStatus;
  /** ISO 8601, when the node's first call started. */
  start?: string;
  end?: string;
  duration_ms?: number;
  /** Calls made, plus one per UNAVAILABLE retry. */
  attempts: number;
  /** Calls made (a streaming call counts once). */
  calls: number;
  /** Messages taken from its inbound links. */
  messages_in: number;
  /** Messages it emitted (all of them, however many the result keeps). */
  messages_out: number;
  error?: CallError;
}

export interface RunSummary {
  pipeline?: string;
  status: RunStatus;
  start: string;
  end: string;
  duration_ms: number;
  /** Set when --duration ended the run (it stopped the sources, then the pipeline drained). */
  stopped_by?: 'duration';
  /** Per node the run calls, in level order. */
  nodes: Record<NodeId, NodeSummary>;
  /** Operations no link touches (in a blueprint with links): not called. */
  not_wired?: NodeId[];
  /** Why the run failed: the first node that failed. */
  error?: CallError & { node: NodeId; attempts: number };
}

export interface RunResult {
  /**
   * The result of every node that produced one, keyed `container:operation`, in level order: its output message, or
   * for a node that emits many (a stream, or calls per message) the list of its last messages (--keep-messages).
   */
  results: Record<NodeId, Message | Message[]>;
  summary: RunSummary;
}
