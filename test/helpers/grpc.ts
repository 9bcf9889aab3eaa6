// Real grpc-js servers for tests, on 127.0.0.1 ephemeral ports, from fixture .proto files (test/fixtures/protos).
// Unary handlers are plain async functions of the decoded request; streaming ones come from ./grpc-streams.ts
// (serverStream, clientStream, bidi); throwing grpcError(...) returns a status. Every call is recorded (request,
// order, messages written into a stream), and the standard health service can be added with a settable status.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { StreamHandler } from './grpc-streams.js';

export { bidi, clientStream, serverStream } from './grpc-streams.js';

export const protosDir = fileURLToPath(new URL('../fixtures/protos/', import.meta.url));

export type Message = Record<string, unknown>;
export type UnaryHandler = (
  request: Message,
  call: grpc.ServerUnaryCall<Message, Message>,
) => Message | Promise<Message>;
export type Handler = UnaryHandler | StreamHandler;

/** Echo-proto handler: appends `name` to the trail, adds it to data and counts seq up (shows the path a run took). */
export const step =
  (name: string) =>
  (req: Message): Message => ({
    data: `${String(req.data)}>${name}`,
    seq: String(Number(req.seq) + 1),
    trail: [...(req.trail as string[]), name],
  });

/** An error a handler throws to answer with a gRPC status. */
export function grpcError(code: grpc.status, details: string): Error & { code: grpc.status; details: string } {
  return Object.assign(new Error(details), { code, details });
}

export interface RecordedCall {
  rpc: string;
  /** The request of a unary or server-streaming call ({} for one that takes a stream). */
  request: Message;
  /** What was written into a client-streaming or bidirectional call, as the server read it. */
  messages?: Message[];
}

export interface TestServer {
  port: number;
  address: string;
  calls: RecordedCall[];
  /** Set when `health` was given. */
  health?: HealthImplementation;
  /** Calls in flight now, and the most seen at once. */
  inFlight: () => number;
  maxInFlight: () => number;
  stop: () => Promise<void>;
}

export interface ServerOptions {
  /** Adds grpc.health.v1.Health with this overall ("") status. */
  health?: ServingStatus;
  /** Listen on this port instead of an ephemeral one (e.g. to bring a service up late). */
  port?: number;
  /** Listen on this loopback address instead of 127.0.0.1 (e.g. 127.0.0.2: several servers on one port). */
  host?: string;
}

const LOAD_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The service definitions of a fixture proto (file name in test/fixtures/protos, or a path). */
function loadServices(proto: string): Map<string, protoLoader.ServiceDefinition> {
  const file = proto.includes('/') ? proto : join(protosDir, proto);
  const def = protoLoader.loadSync(file, { ...LOAD_OPTIONS, includeDirs: [dirname(file)] });
  const services = new Map<string, protoLoader.ServiceDefinition>();
  for (const [name, value] of Object.entries(def)) {
    if (typeof (value as { format?: unknown }).format !== 'string') {
      services.set(name, value as protoLoader.ServiceDefinition);
    }
  }
  return services;
}

/**
 * Starts a server for `proto` with unary `handlers` keyed by rpc name (rpcs without one answer UNIMPLEMENTED).
 * The handlers of every service in the proto are looked up by rpc name.
 */
export async function startServer(
  proto: string,
  handlers: Record<string, Handler>,
  options: ServerOptions = {},
): Promise<TestServer> {
  const server = new grpc.Server();
  const calls: RecordedCall[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  for (const [, service] of loadServices(proto)) {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const rpc of Object.keys(service)) {
      const handler = handlers[rpc];
      if (!handler) continue;
      if (typeof handler !== 'function') {
        impl[rpc] = handler.implement(rpc, calls, (delta) => {
          inFlight += delta;
          maxInFlight = Math.max(maxInFlight, inFlight);
        });
        continue;
      }
      impl[rpc] = (call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => {
        calls.push({ rpc, request: call.request });
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        Promise.resolve()
          .then(() => handler(call.request, call))
          .then(
            (response) => callback(null, response),
            (err: Error & { code?: number; details?: string }) =>
              callback({ code: err.code ?? grpc.status.INTERNAL, details: err.details ?? err.message }),
          )
          .finally(() => inFlight--);
      };
    }
    server.addService(service, impl);
  }
  let health: HealthImplementation | undefined;
  if (options.health !== undefined) {
    health = new HealthImplementation({ '': options.health });
    health.addToServer(server);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${options.host ?? '127.0.0.1'}:${options.port ?? 0}`,
      grpc.ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );
  return {
    port,
    address: `${options.host ?? '127.0.0.1'}:${port}`,
    calls,
    health,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Calls still waiting on a test's gate must not hold the shutdown forever.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500).unref();
      }),
  };
}

/** A promise with its resolve function, for handlers that wait on the test (no timing in assertions). */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
