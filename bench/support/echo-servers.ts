// Echo servers for bench/orchestrate.bench.ts, run in a child process so that the services do not share the
// measured process's event loop. argv: one delay in ms per server. Each server answers echo.Echo/Echo and Step with
// the request, after its delay; with AIEFFECT_BENCH_HEALTH=SERVING each also serves the standard health service. Prints
// the ports as a JSON array on stdout, then serves until killed.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation } from 'grpc-health-check';
import { fileURLToPath } from 'node:url';

const proto = fileURLToPath(new URL('../../test/fixtures/protos/echo.proto', import.meta.url));
const def = protoLoader.loadSync(proto, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const service = def['echo.Echo'] as protoLoader.ServiceDefinition;

const delays = process.argv.slice(2).map(Number);
const ports: number[] = [];
for (const delay of delays) {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const answer = (call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
    if (delay > 0) setTimeout(() => callback(null, call.request), delay);
    else callback(null, call.request);
  };
  server.addService(service, { Echo: answer, Step: answer });
  if (process.env.AIEFFECT_BENCH_HEALTH === 'SERVING') new HealthImplementation({ '': 'SERVING' }).addToServer(server);
  ports.push(
    await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    ),
  );
}
process.stdout.write(JSON.stringify(ports) + '\n');
