// What every service of this use case shares: load its .proto, serve it on GRPC_PORT with the standard gRPC health
// service, turn thrown RpcErrors into gRPC statuses, and shut down cleanly on SIGTERM/SIGINT (the signal both
// `docker stop` and `aieffect run` send). The services themselves only implement their rpcs.
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation } from 'grpc-health-check';

/** An error with the gRPC status the caller should see (INVALID_ARGUMENT for a bad request, NOT_FOUND, ...). */
export class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

export type UnaryHandler<Req, Res> = (request: Req) => Res | Promise<Res>;

export interface ServeOptions {
  /** The name used in log lines (the service folder). */
  name: string;
  /** Absolute path of the service's .proto. */
  protoFile: string;
  /** The fully qualified service name in that proto, e.g. `data_generator.DataGenerator`. */
  service: string;
  /** One handler per rpc of the service. */
  handlers: Record<string, grpc.UntypedHandleCall>;
}

// Field names as written in the .proto (num_records, not numRecords) and every field present with its default, so
// handlers see exactly the message the orchestrator sent.
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true };

// The use case folder, where the protos and data files are. The services run compiled, as
// dist/services/<folder>/server.js (locally and in their images alike), with this module as dist/lib/serve.js; run
// through a TypeScript loader (`node --import tsx services/<folder>/server.ts`, in a debugger say), it is lib/serve.ts.
const libDir = dirname(fileURLToPath(import.meta.url));
const useCaseDir =
  basename(dirname(libDir)) === 'dist' && import.meta.url.endsWith('.js') ? dirname(dirname(libDir)) : dirname(libDir);

/** The absolute path of a file of this use case, given relative to its folder (`services/x/proto/x.proto`). */
export function useCaseFile(path: string): string {
  return join(useCaseDir, path);
}

/** Logs to stderr, one line per event: `aieffect run` keeps the tail of it for its error messages. */
export function log(name: string, message: string): void {
  process.stderr.write(`${name}: ${message}\n`);
}

/** Wraps a handler: its result is the response, an RpcError its status, anything else INTERNAL (and logged). */
export function unary<Req, Res>(
  name: string,
  rpc: string,
  handler: UnaryHandler<Req, Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (response) => callback(null, response),
        (err: unknown) => {
          const known = err instanceof RpcError;
          const message = err instanceof Error ? err.message : String(err);
          log(name, `${rpc} failed: ${known ? grpc.status[err.code] : 'INTERNAL'}: ${message}`);
          if (!known && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
          callback({ code: known ? err.code : grpc.status.INTERNAL, details: message });
        },
      );
  };
}

function lookupService(definition: grpc.GrpcObject, fullName: string): grpc.ServiceDefinition {
  let node: unknown = definition;
  for (const part of fullName.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  const constructor = node as { service?: grpc.ServiceDefinition } | undefined;
  if (!constructor?.service) throw new Error(`the proto declares no service ${fullName}`);
  return constructor.service;
}

/** The port to listen on: GRPC_PORT, 50051 by default (every service's port inside its container). */
export function grpcPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GRPC_PORT ?? '50051';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new Error(`GRPC_PORT="${raw}" is not a port number`);
  return port;
}

/**
 * Starts the server and resolves once it listens and reports SERVING. GRPC_HOST (default 0.0.0.0, which a
 * container needs) lets a local run listen on 127.0.0.1 only.
 */
export async function serve(options: ServeOptions): Promise<grpc.Server> {
  const packageDefinition = protoLoader.loadSync(options.protoFile, LOADER_OPTIONS);
  const definition = lookupService(grpc.loadPackageDefinition(packageDefinition), options.service);
  const server = new grpc.Server();
  server.addService(definition, options.handlers);
  const health = new HealthImplementation({ '': 'NOT_SERVING', [options.service]: 'NOT_SERVING' });
  health.addToServer(server);

  const host = process.env.GRPC_HOST || '0.0.0.0';
  const port = grpcPort();
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  // Only now can calls succeed: report SERVING so that orchestrators waiting on the health service go ahead.
  health.setStatus('', 'SERVING');
  health.setStatus(options.service, 'SERVING');
  log(options.name, `listening on ${host}:${port}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(options.name, `${signal}: shutting down`);
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(options.service, 'NOT_SERVING');
    // Let calls in flight finish, but not forever: an orchestrator waiting on us would hang with us.
    const force = setTimeout(() => server.forceShutdown(), 5000);
    force.unref();
    server.tryShutdown(() => clearTimeout(force));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}

/** Runs `serve` as a program's main: a start-up failure is printed and ends the process with exit code 1. */
export function main(options: ServeOptions): void {
  serve(options).catch((err: unknown) => {
    log(options.name, `cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
