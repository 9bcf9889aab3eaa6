// One node during a run: its links, what it has done (calls, messages in and out, timing, the messages it keeps as
// its result) and how it ended, with the events that report it. The drivers (drivers/*) make the calls; this is the
// bookkeeping they share, and the context of the run they all see.
import { performance } from 'node:perf_hooks';
import type { NodeId } from '../graph/types.js';
import type { EngineEventHandler, NodeCounters, NodeStatus } from './events.js';
import type { NodeFlow } from './flow.js';
import { CallFailure, toFailure, type Channels } from './invoker.js';
import type { Activity, Arrival, Inbox, Outbox, Slots } from './queue.js';
import { buildRequest } from './request.js';
import type { BackoffOptions, LinkPlan, Message, PreparedNode } from './types.js';
import type { RuntimeMessage } from '../proto/runtime.js';

/** The run options the drivers use, defaults applied. */
export interface RunSettings {
  /** Deadline of each unary call attempt (ms); undefined: none. */
  timeoutMs?: number;
  /** Deadline of each streaming call attempt (ms); undefined: none. */
  streamTimeoutMs?: number;
  retries: number;
  backoff: BackoffOptions;
  /** How many messages a node that emits many keeps as its result (the last ones). */
  keepMessages: number;
}

/** What every driver of a run shares. */
export interface RunContext {
  channels: Channels;
  /** The run's signal: SIGINT/SIGTERM cancel every call. */
  signal: AbortSignal;
  /** The --concurrency bound on unary calls. */
  slots: Slots;
  /** Messages queued and calls in flight; the end-of-run rule runs when it drops to zero. */
  activity: Activity;
  settings: RunSettings;
  /** The requests of the start nodes (--input). */
  initial: Map<NodeId, Message>;
  emit: EngineEventHandler;
  warn(node: NodeId | undefined, message: string): void;
  /** Why no new call may start (a node failed, the run was cancelled), or undefined. */
  halted(): string | undefined;
  halt(reason: string): void;
}

/** An inbound link of a node: how its messages map onto the node's request, and their type. */
export interface InboundLink {
  plan: LinkPlan;
  message: RuntimeMessage;
}

export class NodeRun implements NodeCounters {
  readonly id: NodeId;
  calls = 0;
  attempts = 0;
  messagesIn = 0;
  messagesOut = 0;
  start?: number;
  end?: number;
  durationMs?: number;
  status?: NodeStatus;
  error?: CallFailure;
  /** Why it made no call, when skipped. */
  skipReason?: string;
  /** A streaming call of it is open; `halfClosed` once nothing more will be written into it. */
  open = false;
  halfClosed = false;
  /** The engine ended it (end of run, --duration): ending that way is a normal end. */
  closedByRun = false;
  /** Stopped with input left over (another node failed): cancelled rather than succeeded. */
  interrupted = false;
  /** Messages still queued for it when it ended, discarded. */
  discarded = 0;
  /** Aborting cancels its streaming calls (halt, end of run, --duration); follows the run's signal. */
  readonly stop = new AbortController();
  private startPerf = 0;
  private readonly kept: Message[] = [];
  private keptNext = 0;
  private last?: Message;
  private reported = '';

  constructor(
    readonly node: PreparedNode,
    readonly flow: NodeFlow,
    readonly inbox: Inbox | undefined,
    readonly outbox: Outbox,
    private readonly inbound: InboundLink[],
    private readonly ctx: RunContext,
  ) {
    this.id = node.id;
  }

  /** Notes the start of a call (the first one starts the node). */
  called(): void {
    this.calls++;
    if (this.start !== undefined) return;
    this.start = Date.now();
    this.startPerf = performance.now();
    this.ctx.emit({ type: 'node-started', at: this.start, node: this.id });
  }

  /** An emitted message: counted, kept, copied to every downstream link. False: wait for outbox.whenWritable. */
  output(message: Message): boolean {
    this.messagesOut++;
    if (!this.flow.many) this.last = message;
    else if (this.ctx.settings.keepMessages > 0) {
      if (this.kept.length < this.ctx.settings.keepMessages) this.kept.push(message);
      else {
        this.kept[this.keptNext] = message;
        this.keptNext = (this.keptNext + 1) % this.kept.length;
      }
    }
    return this.outbox.push(message);
  }

  /** The request a message arriving on an inbound link makes: passed through, or mapped field by field. */
  request(arrival: Arrival): Message {
    this.messagesIn++;
    const link = this.inbound[arrival.link]!;
    if (link.plan.mode === 'pass-through') return arrival.message;
    return buildRequest(
      this.id,
      [{ from: link.plan.from, output: arrival.message, message: link.message, link: link.plan }],
      () => {},
    );
  }

  /** The request of a join: one message from each inbound link, merged in blueprint order. */
  joinRequest(arrivals: Arrival[]): Message {
    this.messagesIn += arrivals.length;
    const byLink = [...arrivals].sort((a, b) => a.link - b.link);
    return buildRequest(
      this.id,
      byLink.map((a) => {
        const link = this.inbound[a.link]!;
        return { from: link.plan.from, output: a.message, message: link.message, link: link.plan };
      }),
      (message) => this.ctx.warn(this.id, message),
    );
  }

  get inboundLinks(): number {
    return this.inbound.length;
  }

  /** The upstream node of an inbound link. */
  upstream(link: number): NodeId {
    return this.inbound[link]!.plan.from;
  }

  /** What the run result shows: the message list of a node that emits many (the last ones kept), else its output. */
  result(): Message | Message[] | undefined {
    if (this.flow.many) return [...this.kept.slice(this.keptNext), ...this.kept.slice(0, this.keptNext)];
    return this.status === 'succeeded' ? this.last : undefined;
  }

  /** The engine ends this node's calls (they can only wait, or --duration is up); that end is a normal one. */
  closeByRun(): void {
    this.closedByRun = true;
    this.stop.abort();
  }

  /** A node-progress event when the counters changed since the last one. */
  progress(): void {
    const now = `${this.calls}/${this.messagesIn}/${this.messagesOut}`;
    if (now === this.reported || this.start === undefined || this.status !== undefined) return;
    this.reported = now;
    this.ctx.emit({ type: 'node-progress', at: Date.now(), node: this.id, ...this.counters() });
  }

  counters(): NodeCounters {
    return { calls: this.calls, messagesIn: this.messagesIn, messagesOut: this.messagesOut };
  }

  /** Settles the node: its status from how the driver ended (`err`: what it threw), and the event that says so. */
  finish(err?: unknown): void {
    this.end = Date.now();
    if (this.start !== undefined) this.durationMs = performance.now() - this.startPerf;
    const at = this.end;
    const node = this.id;
    const timing = { durationMs: this.durationMs ?? 0, attempts: this.attempts, ...this.counters() };
    const halted = this.ctx.halted();
    if (err !== undefined && !this.closedByRun) {
      const failure = toFailure(err);
      this.attempts = Math.max(this.attempts, failure.attempts);
      const cutShort = this.ctx.signal.aborted || (halted !== undefined && failure.code === 'CANCELLED');
      if (cutShort && this.calls === 0) return this.skip(halted ?? 'the run was cancelled');
      this.error = failure;
      if (cutShort) {
        this.status = 'cancelled';
        this.ctx.emit({ type: 'node-cancelled', at, node, ...this.counters() });
        return;
      }
      this.status = 'failed';
      this.ctx.emit({ type: 'node-failed', at, node, ...timing, error: failure.toCallError() });
      this.ctx.halt(`not started: "${node}" failed`);
      return;
    }
    if (this.calls === 0) return this.skip(this.skipReason ?? halted ?? 'no message arrived');
    if (this.interrupted) {
      this.status = 'cancelled';
      this.error = new CallFailure('CANCELLED', `stopped with input left: ${halted ?? 'the run ended'}`);
      this.ctx.emit({ type: 'node-cancelled', at, node, ...this.counters() });
      return;
    }
    this.status = 'succeeded';
    this.ctx.emit({ type: 'node-finished', at, node, ...timing });
  }

  private skip(reason: string): void {
    this.status = 'skipped';
    this.skipReason = reason;
    this.ctx.emit({ type: 'node-skipped', at: this.end!, node: this.id, reason });
  }
}
