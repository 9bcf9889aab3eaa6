// Calling the services: one grpc-js channel per container, unary calls with a per-attempt deadline and cancellation
// by AbortSignal, and UNAVAILABLE retried with exponential backoff (the streaming calls, streams.ts, share the retry
// loop and the request encoder).
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
  // grpc-js's channelz bookkeeping (a trace entry and counters per call and state change) is for a channelz admin
  // service, which the engine does not serve: it would only cost time on every call.
  'grpc.enable_channelz': 0,
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

export function toFailure(err: unknown): CallFailure {
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

/**
 * The request serializer of a method, keeping the encoder's reason: grpc-js reports a request it cannot serialize as
 * INTERNAL (or cancels a stream with it), `failure` turns that back into INVALID_REQUEST with protobufjs's words.
 */
export function encoder(method: MethodDefinition): {
  serialize: (value: Message) => Buffer;
  failure: (err: unknown) => CallFailure;
} {
  let encodeError: Error | undefined;
  return {
    serialize: (value) => {
      try {
        return method.requestSerialize(value);
      } catch (err) {
        encodeError = err as Error;
        throw err;
      }
    },
    failure: (err) =>
      encodeError
        ? new CallFailure('INVALID_REQUEST', `cannot encode the request: ${encodeError.message.replace(/^\./, '')}`)
        : toFailure(err),
  };
}

/** grpc-js call options: a deadline `timeoutMs` from now, when given. */
export function deadline(timeoutMs: number | undefined): grpc.CallOptions {
  return timeoutMs ? { deadline: new Date(Date.now() + timeoutMs) } : {};
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
    let call: grpc.ClientUnaryCall;
    const onAbort = () => call.cancel();
    const { serialize, failure } = encoder(method);
    try {
      call = client.makeUnaryRequest<Message, Message>(
        method.path,
        serialize,
        method.responseDeserialize as (value: Buffer) => Message,
        request,
        new grpc.Metadata(),
        deadline(options.timeoutMs),
        (err, response) => {
          options.signal?.removeEventListener('abort', onAbort);
          if (err) reject(failure(err));
          else resolve(response ?? {});
        },
      );
    } catch (err) {
      reject(failure(err));
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

export interface RetryOptions {
  retries: number;
  backoff: BackoffOptions;
  signal?: AbortSignal;
  /** Counted busy while waiting to retry (the run is not idle then). */
  busy?: { add(): void; done(): void };
  /** Called before each retry's delay. */
  onRetry?: (attempt: number, delayMs: number, error: CallFailure) => void;
}

/** The delay before retry `n` (1-based): initial * multiplier^(n-1), capped. No jitter, so runs are reproducible. */
function backoffDelay(n: number, backoff: BackoffOptions): number {
  return Math.min(backoff.maxMs, Math.round(backoff.initialMs * backoff.multiplier ** (n - 1)));
}

/**
 * Makes attempts until one succeeds: a failure with UNAVAILABLE is retried up to `retries` times with backoff, as
 * long as `mayRetry()` (a stream that already passed a message on is not). Resolves with the value and the number of
 * attempts; rejects with a CallFailure carrying `attempts`.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: RetryOptions,
  mayRetry: () => boolean = () => true,
): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(), attempts: n };
    } catch (err) {
      const failure = toFailure(err);
      const retryable =
        failure.code === 'UNAVAILABLE' && n <= options.retries && !options.signal?.aborted && mayRetry();
      if (!retryable) {
        failure.attempts = n;
        throw failure;
      }
      const delay = backoffDelay(n, options.backoff);
      options.onRetry?.(n, delay, failure);
      options.busy?.add();
      try {
        await sleep(delay, options.signal);
      } catch (cancelled) {
        const failed = toFailure(cancelled);
        failed.attempts = n;
        throw failed;
      } finally {
        options.busy?.done();
      }
    }
  }
}

/** A unary call retried on UNAVAILABLE (withRetries). */
export async function callWithRetry(
  client: grpc.Client,
  method: MethodDefinition,
  request: Message,
  options: RetryOptions & CallOptions,
): Promise<{ output: Message; attempts: number }> {
  const { value, attempts } = await withRetries(() => callUnary(client, method, request, options), options);
  return { output: value, attempts };
}
