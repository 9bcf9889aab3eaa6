// The three stages of bench/stream.bench.ts, run in a child process so that they do not share the measured process's
// event loop: flow.Flow/Split streams `n` messages, each carrying the request's `data`; Relay answers each message
// with itself (bidirectional); Collect counts what is written and answers {n: count}. Writes respect backpressure.
// argv: none. Prints the port as JSON on stdout, then serves until killed.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

type Item = { n?: string | number; data?: string };

const proto = fileURLToPath(new URL('../../test/fixtures/protos/flow.proto', import.meta.url));
const def = protoLoader.loadSync(proto, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const service = def['flow.Flow'] as protoLoader.ServiceDefinition;

const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
server.addService(service, {
  Split: (call: grpc.ServerWritableStream<Item, Item>) => {
    const count = Number(call.request.n);
    const data = call.request.data ?? '';
    let i = 0;
    const write = () => {
      while (i < count) {
        i++;
        if (!call.write({ n: i, data })) return void call.once('drain', write);
      }
      call.end();
    };
    write();
  },
  Relay: (call: grpc.ServerDuplexStream<Item, Item>) => {
    call.on('data', (item: Item) => {
      if (!call.write(item)) {
        call.pause();
        call.once('drain', () => call.resume());
      }
    });
    call.on('end', () => call.end());
  },
  Collect: (call: grpc.ServerReadableStream<Item, Item>, done: grpc.sendUnaryData<Item>) => {
    let count = 0;
    call.on('data', () => count++);
    call.on('end', () => done(null, { n: count }));
  },
});
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
    err ? reject(err) : resolve(p),
  ),
);
process.stdout.write(JSON.stringify([port]) + '\n');
