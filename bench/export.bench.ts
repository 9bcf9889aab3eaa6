// `aieffect export` on a generated 200-service use case: the built CLI as a fresh process, as users run it (start-up,
// parsing 200 protos with their imports, checking 199 connections, writing the package atomically).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { median, round, type BenchResult } from './types.js';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const SERVICES = 200;

/** Writes a use case of `count` services chained one after the other; each proto imports a shared types file. */
function generateUseCase(dir: string, count: number): void {
  const names = Array.from({ length: count }, (_, i) => String(i).padStart(3, '0'));
  const services: Record<string, unknown> = {};
  for (const n of names) {
    const folder = join(dir, 'services', `svc_${n}`, 'proto');
    mkdirSync(join(folder, 'common'), { recursive: true });
    writeFileSync(join(dir, 'services', `svc_${n}`, 'Dockerfile'), 'FROM python:3.11-slim\n');
    writeFileSync(
      join(folder, 'common', 'types.proto'),
      'syntax = "proto3";\npackage bench.common;\nmessage Meta {\n  string trace_id = 1;\n  int64 step = 2;\n}\n',
    );
    writeFileSync(
      join(folder, `svc_${n}.proto`),
      `syntax = "proto3";
package bench.svc${n};

import "common/types.proto";
import "google/protobuf/timestamp.proto";

// Input and output share their fields, so each service's output feeds the next one's input.
message Payload {
  string body = 1;
  int32 count = 2;
  repeated double values = 3;
  bench.common.Meta meta = 4;
  google.protobuf.Timestamp at = 5;
}

service Svc${n} {
  rpc Process (Payload) returns (Payload);
  rpc Health (Payload) returns (Payload);
}
`,
    );
    services[`svc-${n}`] = { build: `./services/svc_${n}` };
  }
  writeFileSync(join(dir, 'docker-compose.yml'), yaml.dump({ services }));
  const connections = names.slice(1).map((n, i) => ({
    from_service: `svc-${names[i]}`,
    from_method: 'Process',
    to_service: `svc-${n}`,
    to_method: 'Process',
  }));
  writeFileSync(
    join(dir, 'connections.json'),
    JSON.stringify({ pipeline: { name: 'bench-200', start_service: 'svc-000', connections } }, null, 2),
  );
}

export async function run(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'aieffect-bench-export-'));
  try {
    const useCase = join(root, 'bench_200');
    generateUseCase(useCase, SERVICES);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const out = join(root, `out-${i}`);
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [bin, 'export', useCase, out, '--pipeline-id', 'bench'], {
        encoding: 'utf8',
        env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
      });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`aieffect export failed: ${r.stderr}`);
      if (i >= 1) times.push(ms); // the first run warms the OS file cache
      rmSync(out, { recursive: true, force: true });
    }
    return [{ id: 'export.200_services.ms', value: round(median(times), 1), unit: 'ms', target: '< 2000' }];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
