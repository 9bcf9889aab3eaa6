// The limit for any Node orchestrator (bench/process.bench.ts): a plain script that loads grpc-js and the package's
// protos and makes the same calls as `aieffect orchestrate` of a chain, each output passed on as the next request.
// argv[2]: JSON {protos: [file per stage], addresses: [host:port per stage], input}. Prints the last output.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const spec = JSON.parse(process.argv[2]);
const options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const clients = spec.protos.map((file, i) => {
  const Echo = grpc.loadPackageDefinition(protoLoader.loadSync(file, options)).echo.Echo;
  return new Echo(spec.addresses[i], grpc.credentials.createInsecure());
});
let message = spec.input;
for (const client of clients) {
  message = await new Promise((resolve, reject) =>
    client.Echo(message, (err, out) => (err ? reject(err) : resolve(out))),
  );
}
for (const client of clients) client.close();
process.stdout.write(JSON.stringify(message) + '\n');
