// Calling the services: one grpc-js channel per container, unary calls with a per-attempt deadline and cancellation
// by AbortSignal, and UNAVAILABLE retried with exponential backoff.
//
// Retries are done here rather than by grpc-js's retry service config because (1) every attempt must be visible
// (node-retrying events, `attempts` in the summary), which grpc-js does not report; (2) gRPC caps maxAttempts at 5;
// (3) grpc-js stops retrying silently once a request exceeds its retry buffer (256 KB by default), which large
// messages do. grpc-js's channel still reconnects by itself; its reconnect backoff is shortened so a service that
// comes back is seen quickly.
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '../proto/runtime.js';
import { BALANCING_OPTIONS, channelTarget } from './balancing.js';
import type { CallError } from './events.js';
import type { BackoffOptions, Endpoint, Message } from './types.js';

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 5000, multiplier: 2 };

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2000,
  // Pipelines pass whole datasets between services: no 4 MB ceiling on what the engine sends or accepts.
  'grpc.max_send_message_length': -1,
  'grpc.max_receive_message_length': -1,
  ...BALANCING_OPTIONS,
};

/** The gRPC status name of a code (UNAVAILABLE for 14). */
function statusName(code: number): string {
  return grpc.status[code] ?? `STATUS_${code}`;
}

/** A gRPC error as the engine reports it. */
export class CallFailure extends Error {
  /** How many attempts were made before giving up (set by callWithRetry). */
  attempts = 1;

  constructor(
    readonly code: string,
    readonly details: string,
  ) {
    super(`${code}: ${details}`);
  }

  toCallError(): CallError {
    return { code: this.code, message: this.details };
  }
}

function toFailure(err: unknown): CallFailure {
  if (err instanceof CallFailure) return err;
  const e = err as Partial<grpc.ServiceError>;
  if (typeof e.code === 'number') return new CallFailure(statusName(e.code), e.details || e.message || '');
  return new CallFailure('INVALID_REQUEST', (err as Error).message ?? String(err));
}

/**
 * One channel (grpc.Client) per distinct address: containers served by one server share its connection, and calls to
 * a name with several addresses (replicas) are spread over all of them (balancing.ts).
 */
export class Channels {
  private readonly byAddress = new Map<string, grpc.Client>();
  private readonly byContainer = new Map<string, grpc.Client>();

  constructor(endpoints: Endpoint[]) {
    for (const e of endpoints) {
      let client = this.byAddress.get(e.address);
      if (!client) {
        client = new grpc.Client(channelTarget(e.address), grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
        this.byAddress.set(e.address, client);
      }
      this.byContainer.set(e.container, client);
    }
  }

  get(container: string): grpc.Client {
    const client = this.byContainer.get(container);
    if (!client) throw new Error(`no channel for container ${container}`);
    return client;
  }

  /** The channel of an address. */
  at(address: string): grpc.Client {
    const client = this.byAddress.get(address);
    if (!client) throw new Error(`no channel for address ${address}`);
    return client;
  }

  close(): void {
    for (const client of this.byAddress.values()) client.close();
    this.byAddress.clear();
    this.byContainer.clear();
  }
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One unary call. Rejects with CallFailure (CANCELLED when the signal aborts it). */
export function callUnary(
  client: grpc.Client,
  method: MethodDefinition,
  request: Message,
  options: CallOptions = {},
): Promise<Message> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new CallFailure('CANCELLED', 'cancelled before the call started'));
      return;
    }
    const callOptions: grpc.CallOptions = {};
    if (options.timeoutMs) callOptions.deadline = new Date(Date.now() + options.timeoutMs);
    let call: grpc.ClientUnaryCall;
    const onAbort = () => call.cancel();
    // grpc-js reports a request it cannot serialize as INTERNAL; keep the encoder's reason to report it as ours.
    let encodeError: Error | undefined;
    const serialize = (value: Message): Buffer => {
      try {
        return method.requestSerialize(value);
      } catch (err) {
        encodeError = err as Error;
        throw err;
      }
    };
    const failed = (err: unknown) =>
      encodeError
        ? new CallFailure('INVALID_REQUEST', `cannot encode the request: ${encodeError.message.replace(/^\./, '')}`)
        : toFailure(err);
    try {
      call = client.makeUnaryRequest<Message, Message>(
        method.path,
        serialize,
        method.responseDeserialize as (value: Buffer) => Message,
        request,
        new grpc.Metadata(),
        callOptions,
        (err, response) => {
          options.signal?.removeEventListener('abort', onAbort);
          if (err) reject(failed(err));
          else resolve(response ?? {});
        },
      );
    } catch (err) {
      reject(failed(err));
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves after `ms`, or rejects with CANCELLED as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CallFailure('CANCELLED', 'cancelled'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CallFailure('CANCELLED', 'cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions extends CallOptions {
  retries: number;
  backoff: BackoffOptions;
  /** Called before each retry's delay. */
  onRetry?: (attempt: number, delayMs: number, error: CallFailure) => void;
}

/** The delay before retry `n` (1-based): initial * multiplier^(n-1), capped. No jitter, so runs are reproducible. */
function backoffDelay(n: number, backoff: BackoffOptions): number {
  return Math.min(backoff.maxMs, Math.round(backoff.initialMs * backoff.multiplier ** (n - 1)));
}

/**
 * A unary call retried on UNAVAILABLE up to `retries` times. Resolves with the output and the number of attempts;
 * rejects with a CallFailure carrying `attempts`.
 */
export async function callWithRetry(
  client: grpc.Client,
  method: MethodDefinition,
  request: Message,
  options: RetryOptions,
): Promise<{ output: Message; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const output = await callUnary(client, method, request, options);
      return { output, attempts: attempt };
    } catch (err) {
      const failure = toFailure(err);
      const retryable = failure.code === 'UNAVAILABLE' && attempt <= options.retries && !options.signal?.aborted;
      if (!retryable) {
        failure.attempts = attempt;
        throw failure;
      }
      const delay = backoffDelay(attempt, options.backoff);
      options.onRetry?.(attempt, delay, failure);
      try {
        await sleep(delay, options.signal);
      } catch (cancelled) {
        const failed = toFailure(cancelled);
        failed.attempts = attempt;
        throw failed;
      }
    }
  }
}
