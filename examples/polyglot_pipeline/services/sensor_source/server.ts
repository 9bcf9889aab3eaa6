// sensor_source: ReadSensors writes synthetic temperature readings (readings.ts) as readings.csv to the data folder
// (DATA_DIR, default ./data) and answers with its path, relative to that folder. Serves on GRPC_PORT (default 50051)
// with the standard gRPC health service, and stops cleanly on SIGTERM/SIGINT.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation } from 'grpc-health-check';
import { generateReadings } from './readings.js';

const SERVICE = 'sensor_source.SensorSource';
const MAX_SAMPLES = 1_000_000;

interface ReadRequest {
  sensor_count: number;
  samples_per_sensor: number;
  seed: number;
}

interface Readings {
  file_path: string;
  sample_count: number;
  sensor_count: number;
}

function log(message: string): void {
  process.stderr.write(`sensor_source: ${message}\n`);
}

function readSensors(request: ReadRequest): Readings {
  // proto3 cannot tell 0 from "not given": 0 takes the default.
  const sensors = request.sensor_count || 3;
  const samples = request.samples_per_sensor || 24;
  const seed = request.seed || 7;
  if (sensors < 1 || samples < 1 || sensors * samples > MAX_SAMPLES) {
    throw Object.assign(new Error(`sensor_count x samples_per_sensor must be between 1 and ${MAX_SAMPLES}`), {
      code: grpc.status.INVALID_ARGUMENT,
    });
  }
  const readings = generateReadings(sensors, samples, seed);
  const dataDir = resolve(process.env.DATA_DIR || './data');
  mkdirSync(dataDir, { recursive: true });
  const lines = [
    'sensor_id,timestamp,temperature_c',
    ...readings.map((r) => `${r.sensor_id},${r.timestamp},${r.temperature_c}`),
  ];
  // Written under a temporary name first: the next service never sees half a file.
  const file = join(dataDir, 'readings.csv');
  writeFileSync(`${file}.tmp`, lines.join('\n') + '\n');
  renameSync(`${file}.tmp`, file);
  log(`ReadSensors: ${readings.length} samples from ${sensors} sensors (seed ${seed}) -> readings.csv`);
  return { file_path: 'readings.csv', sample_count: readings.length, sensor_count: sensors };
}

const definition = grpc.loadPackageDefinition(
  protoLoader.loadSync(fileURLToPath(new URL('../proto/sensor_source.proto', import.meta.url)), {
    keepCase: true,
    defaults: true,
  }),
) as unknown as { sensor_source: { SensorSource: { service: grpc.ServiceDefinition } } };

const server = new grpc.Server();
server.addService(definition.sensor_source.SensorSource.service, {
  ReadSensors: (call: grpc.ServerUnaryCall<ReadRequest, Readings>, callback: grpc.sendUnaryData<Readings>) => {
    try {
      callback(null, readSensors(call.request));
    } catch (err) {
      const code = (err as { code?: grpc.status }).code ?? grpc.status.INTERNAL;
      log(`ReadSensors failed: ${(err as Error).message}`);
      callback({ code, details: (err as Error).message });
    }
  },
});
const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE]: 'NOT_SERVING' });
health.addToServer(server);

const host = process.env.GRPC_HOST || '0.0.0.0';
const port = process.env.GRPC_PORT || '50051';
server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) {
    log(`cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  }
  health.setStatus('', 'SERVING');
  health.setStatus(SERVICE, 'SERVING');
  log(`listening on ${host}:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log(`${signal}: shutting down`);
    health.setStatus('', 'NOT_SERVING');
    const force = setTimeout(() => server.forceShutdown(), 5000);
    force.unref();
    server.tryShutdown(() => clearTimeout(force));
  });
}
