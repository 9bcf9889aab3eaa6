// e2e: `aieffect run` as a process on the two examples. The data are deterministic, so the results are asserted
// exactly and recomputed here, independently, from the files the services wrote; every test also checks that no
// process of the run is left (each run gets its own data folder, which every service has as DATA_DIR).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { listFiles, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { expectJsonContract } from '../helpers/json-contract.js';
import { ENERGY_RESULTS } from '../helpers/energy-example.js';
import { POLYGLOT_RESULTS } from '../helpers/polyglot-example.js';
import { isRunning, processesWithEnv, pythonWithGrpc, startCli, startUseCaseServices } from '../helpers/local.js';

const energy = join(repoRoot, 'examples', 'file_based_energy_pipeline');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dataDir(): string {
  const tmp = tempDir('aieffect-run-data-');
  cleanups.push(tmp.cleanup);
  return tmp.dir;
}

type ComposeDoc = { services: Record<string, Record<string, unknown>> };

/**
 * A copy of an example with its docker-compose.yml edited. It lives under the repository's .tmp/ (git-ignored) so
 * that the copied TypeScript services still find typescript and @grpc/grpc-js in the repository's node_modules. Its
 * files keep their times, so a fresh dist/ stays fresh (a test that edits a source rebuilds its copy).
 */
function exampleCopy(source: string, edit: (compose: ComposeDoc) => void): string {
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
  const root = mkdtempSync(join(repoRoot, '.tmp', 'run-test-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'use_case');
  cpSync(source, dir, {
    recursive: true,
    preserveTimestamps: true,
    filter: (src) => !src.startsWith(join(source, 'data')),
  });
  const file = join(dir, 'docker-compose.yml');
  const compose = yaml.load(readFileSync(file, 'utf8')) as ComposeDoc;
  edit(compose);
  writeFileSync(file, yaml.dump(compose));
  return dir;
}

/** The pids of the services the run launched, from its `launch <service> pid <n>, ...` lines. */
function launchedPids(stderr: string): number[] {
  return [...stderr.matchAll(/^launch \S+ pid (\d+),/gm)].map((m) => Number(m[1]));
}

function expectNothingLeft(data: string, stderr: string): void {
  for (const pid of launchedPids(stderr)) expect(isRunning(pid), `pid ${pid} still runs`).toBe(false);
  expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
}

/** Reads a CSV file written by the services into rows of strings. */
function csvRows(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
}

/** The analysis the energy pipeline should have made, recomputed from the raw readings. */
function recomputeEnergy(
  readings: { power_consumption: number; voltage: number; current: number }[],
  threshold: number,
) {
  const eff = readings.map((r) => Math.round(((r.power_consumption * 1000) / (r.voltage * r.current)) * 1e4) / 1e4);
  const mean = eff.reduce((a, b) => a + b, 0) / eff.length;
  const std = Math.sqrt(eff.reduce((a, e) => a + (e - mean) ** 2, 0) / eff.length);
  const anomalous = eff.map((e) => Math.abs(e - mean) / std > threshold);
  const normal = eff.filter((_, i) => !anomalous[i]);
  const power = readings.map((r) => r.power_consumption);
  return {
    anomalies: anomalous.filter(Boolean).length,
    averageEfficiency: normal.reduce((a, b) => a + b, 0) / normal.length,
    averagePower: power.reduce((a, b) => a + b, 0) / power.length,
    peak: Math.max(...power),
    energyKwh: power.reduce((a, b) => a + b, 0) * 0.25,
  };
}

describe('aieffect run: the energy pipeline', () => {
  it('runs the four services with the defaults: exact results, the files they wrote, no process left', async () => {
    const data = dataDir();
    const r = await runCli(['run', 'examples/file_based_energy_pipeline', '--data-dir', data]);
    expect(r.stderr).toContain('run succeeded in ');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(ENERGY_RESULTS);

    for (const [service, folder] of [
      ['data-analyzer', 'data_analyzer'],
      ['data-generator', 'data_generator'],
      ['input-provider', 'input_provider'],
      ['report-generator', 'report_generator'],
    ]) {
      expect(r.stderr).toMatch(
        new RegExp(`^launch ${service} pid \\d+, 127\\.0\\.0\\.1:\\d+: node dist/services/${folder}/server\\.js$`, 'm'),
      );
      expect(r.stderr).toMatch(new RegExp(`^up     ${service} health SERVING after `, 'm'));
    }
    expect(r.stderr).toContain('\nstop   4 services\n');
    expect(r.stderr).toContain(`files of the run are in ${data}\n`);
    expect(listFiles(data)).toEqual(['analyzed_energy_data.csv', 'energy_data.csv', 'energy_report.json']);

    // The numbers, recomputed from the generated readings.
    const readings = csvRows(join(data, 'energy_data.csv')).map((row) => ({
      power_consumption: Number(row.power_consumption),
      voltage: Number(row.voltage),
      current: Number(row.current),
    }));
    expect(readings).toHaveLength(100);
    const expected = recomputeEnergy(readings, 2);
    const report = JSON.parse(readFileSync(join(data, 'energy_report.json'), 'utf8')) as {
      summary: (typeof ENERGY_RESULTS)['report_generator1:GenerateReport']['summary'];
      households: { household_id: string; records: number; anomalies: number }[];
      anomalies: { efficiency: number }[];
    };
    expect(report.summary).toEqual(ENERGY_RESULTS['report_generator1:GenerateReport'].summary);
    expect(report.summary.anomaly_count).toBe(expected.anomalies);
    expect(report.summary.average_efficiency).toBeCloseTo(expected.averageEfficiency, 4);
    expect(report.summary.average_power_consumption).toBeCloseTo(expected.averagePower, 3);
    expect(report.summary.peak_power_consumption).toBe(expected.peak);
    expect(report.summary.total_energy_kwh).toBeCloseTo(expected.energyKwh, 3);
    expect(report.households.map((h) => [h.household_id, h.records])).toEqual(
      Array.from({ length: 10 }, (_, i) => [`H${String(i + 1).padStart(3, '0')}`, 10]),
    );
    expect(report.households.reduce((a, h) => a + h.anomalies, 0)).toBe(7);
    // Every anomaly is a metering spike: more power than voltage and current allow.
    expect(report.anomalies.every((a) => a.efficiency > 1)).toBe(true);
    const analyzed = csvRows(join(data, 'analyzed_energy_data.csv'));
    expect(analyzed.filter((row) => row.is_anomaly === 'true')).toHaveLength(7);

    expectNothingLeft(data, r.stderr);
  });

  it('--input overrides the configuration, --json gives the results with the services that ran', async () => {
    const data = dataDir();
    const out = dataDir();
    const input = { num_records: 500, seed: 7, output_format: 'json', report_format: 'html', anomaly_threshold: 2.5 };
    const r = await runCli([
      'run',
      'examples/file_based_energy_pipeline',
      '--data-dir',
      data,
      '--input',
      JSON.stringify(input),
      '--json',
      '--output',
      join(out, 'result.json'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = expectJsonContract<{
      results: Record<string, Record<string, unknown>>;
      summary: { status: string };
      data_dir: string;
      running: boolean;
      services: { service: string; container: string; address: string; pid: number }[];
    }>('run', r.stdout);
    expect(doc.summary.status).toBe('succeeded');
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toEqual(doc);
    expect(doc.data_dir).toBe(data);
    expect(doc.running).toBe(false);
    expect(doc.services.map((s) => [s.service, s.container])).toEqual([
      ['data-analyzer', 'data_analyzer1'],
      ['data-generator', 'data_generator1'],
      ['input-provider', 'input_provider1'],
      ['report-generator', 'report_generator1'],
    ]);
    expect(doc.results['input_provider1:GetConfiguration']).toEqual(input);
    expect(doc.results['data_generator1:GenerateData']).toMatchObject({
      file_path: 'energy_data.json',
      record_count: 500,
    });

    const readings = JSON.parse(readFileSync(join(data, 'energy_data.json'), 'utf8')) as {
      power_consumption: number;
      voltage: number;
      current: number;
    }[];
    const expected = recomputeEnergy(readings, 2.5);
    const report = doc.results['report_generator1:GenerateReport'] as {
      report_path: string;
      summary: Record<string, number | string>;
    };
    expect(report.report_path).toBe('energy_report.html');
    expect(report.summary).toEqual({
      total_records: 500,
      anomaly_count: 25,
      anomaly_rate: 0.05,
      average_efficiency: 0.8972,
      average_power_consumption: 2.52,
      peak_power_consumption: 12.545,
      total_energy_kwh: 314.978,
      household_count: 10,
      period_start: '2024-01-01T00:00:00Z',
      period_end: '2024-01-06T04:45:00Z',
    });
    expect(report.summary.anomaly_count).toBe(expected.anomalies);
    expect(report.summary.average_efficiency).toBeCloseTo(expected.averageEfficiency, 4);
    const html = readFileSync(join(data, 'energy_report.html'), 'utf8');
    expect(html).toContain('<h1>Energy consumption report</h1>');
    expect(html).toContain('<tr><td>anomaly_count</td><td>25</td></tr>');
    expect(listFiles(data)).toEqual(['analyzed_energy_data.csv', 'energy_data.json', 'energy_report.html']);

    for (const s of doc.services) expect(isRunning(s.pid)).toBe(false);
    expectNothingLeft(data, r.stderr);
  });

  it('a node that fails: its error, its service output, exit 1, everything stopped, no data written', async () => {
    const data = dataDir();
    const r = await runCli([
      'run',
      'examples/file_based_energy_pipeline',
      '--data-dir',
      data,
      '--input',
      '{"report_format": "pdf"}',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('{}\n');
    expect(r.stderr).toMatch(
      /^input-provider output \(last 3 lines\):\n {2}\| input_provider: listening on 127\.0\.0\.1:\d+\n/m,
    );
    expect(r.stderr).toContain(
      '  | input_provider: GetConfiguration failed: INVALID_ARGUMENT: report_format "pdf" is not one of csv, json, html\n' +
        '  | input_provider: SIGTERM: shutting down\n' +
        'error node "input_provider1:GetConfiguration" failed: INVALID_ARGUMENT: report_format "pdf" is not one of csv, json, html\n' +
        "  hint: see the service's own logs for why it returned this status\n",
    );
    expect(listFiles(data)).toEqual([]);
    expectNothingLeft(data, r.stderr);
  });

  it('--address uses a service run elsewhere instead of starting it', async () => {
    const data = dataDir();
    const own = await startUseCaseServices(
      energy,
      [{ container_name: 'data_analyzer1', compose_service: 'data-analyzer' }],
      { dataDir: data, readyTimeoutMs: 30_000 },
    );
    cleanups.push(() => own.stop());
    const address = own.addresses.data_analyzer1!;
    const r = await runCli([
      'run',
      'examples/file_based_energy_pipeline',
      '--data-dir',
      data,
      '--address',
      `data_analyzer1=${address}`,
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(ENERGY_RESULTS);
    expect(r.stderr).not.toContain('launch data-analyzer');
    expect(r.stderr).toContain(`ready data_analyzer1 at ${address}`);
    expect(r.stderr).toContain('\nstop   3 services\n');
    expect(own.output('data-analyzer').join('\n')).toContain('AnalyzeData: 100 readings, 7 anomalies');
    await own.stop();
    expectNothingLeft(data, r.stderr);
  });

  it('--keep-running leaves the services up, prints their addresses, and Ctrl-C stops them (exit 0)', async () => {
    const data = dataDir();
    const cli = startCli(['run', 'examples/file_based_energy_pipeline', '--data-dir', data, '--keep-running']);
    cleanups.push(() => (isRunning(cli.pid) ? process.kill(cli.pid, 'SIGKILL') : undefined));
    await cli.waitFor('stdout', /services running \(Ctrl-C stops them\):\n(.*\n){4}/);
    const table = cli.stdout().split('services running (Ctrl-C stops them):\n')[1]!;
    const rows = table
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['data-analyzer', 'data_analyzer1'],
      ['data-generator', 'data_generator1'],
      ['input-provider', 'input_provider1'],
      ['report-generator', 'report_generator1'],
    ]);
    const pids = rows.map((r) => Number(r[4]));
    for (const pid of pids) expect(isRunning(pid)).toBe(true);
    expect(JSON.parse(cli.stdout().split('\nservices running')[0]!)).toEqual(ENERGY_RESULTS);

    // The services still answer: run the pipeline again against them with orchestrate-style address overrides.
    const again = await runCli([
      'run',
      'examples/file_based_energy_pipeline',
      '--data-dir',
      data,
      ...rows.flatMap((r) => ['--address', `${r[1]}=${r[2]}`]),
    ]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('launch ');
    expect(JSON.parse(again.stdout)).toEqual(ENERGY_RESULTS);

    process.kill(cli.pid, 'SIGINT');
    const r = await cli.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('stop   4 services\n');
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    expectNothingLeft(data, r.stderr);
  });

  it('Ctrl-C while the services start: everything stopped, exit 130', async () => {
    const data = dataDir();
    const cli = startCli(['run', 'examples/file_based_energy_pipeline', '--data-dir', data]);
    cleanups.push(() => (isRunning(cli.pid) ? process.kill(cli.pid, 'SIGKILL') : undefined));
    await cli.waitFor('stderr', /^launch report-generator pid/m);
    process.kill(cli.pid, 'SIGINT');
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('SIGINT: stopping the services (again to quit at once)\n');
    expect(r.stderr).toContain('cancelled by SIGINT\n');
    expect(r.stdout).toBe('');
    expect(launchedPids(r.stderr)).toHaveLength(4);
    expectNothingLeft(data, r.stderr);
  });
});

describe('aieffect run: services that do not start', () => {
  it('a service that crashes at start-up: its name, exit code and output; the others stopped; nothing run', async () => {
    const crash = `node -e "console.error('data_analyzer: cannot load model.bin'); process.exit(2)"`;
    const dir = exampleCopy(energy, (c) => {
      c.services['data-analyzer']!['x-aieffect'] = { run: crash };
    });
    const data = dataDir();
    const r = await runCli(['run', '.', '--data-dir', data], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'data-analyzer output (last 1 line):\n' +
        '  | data_analyzer: cannot load model.bin\n' +
        `error service "data-analyzer" exited with code 2 before it was ready (command: ${crash})\n` +
        '  hint: its last output lines show why; x-aieffect.run in docker-compose.yml is the command that started it\n',
    );
    expect(r.stderr).toContain('stop   4 services\n');
    expect(r.stderr).not.toContain('run: 4 nodes');
    expect(listFiles(data)).toEqual([]);
    expectNothingLeft(data, r.stderr);
  });

  it('a service that dies during the run: the run is cancelled, the error names it, partial results printed', async () => {
    const dir = exampleCopy(energy, () => {});
    // The analyzer of this copy dies on its first call, as a service hitting a fatal bug would (typed `any`, so that
    // the copy's build, which type-checks, still passes).
    writeFileSync(
      join(dir, 'services', 'data_analyzer', 'analyze.ts'),
      "export function analyze(..._args: unknown[]): any {\n  console.error('data_analyzer: out of memory');\n  process.exit(9);\n}\n",
    );
    const data = dataDir();
    const r = await runCli(['run', '.', '--data-dir', data], { cwd: dir });
    expect(r.code).toBe(1);
    const partial = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(partial).sort()).toEqual(['data_generator1:GenerateData', 'input_provider1:GetConfiguration']);
    expect(r.stderr).toContain('exit   data-analyzer exited with code 9\n');
    expect(r.stderr).toContain(
      '  | data_analyzer: out of memory\n' +
        'error service "data-analyzer" exited with code 9 after it was ready (command: node dist/services/data_analyzer/server.js)\n',
    );
    expect(listFiles(data)).toEqual(['energy_data.csv']);
    expectNothingLeft(data, r.stderr);
  });

  it('a service that never turns ready: the timeout, why, its output; nothing left running', async () => {
    const idle = `node -e "console.log('report_generator: warming up'); setInterval(() => {}, 1000)"`;
    const dir = exampleCopy(energy, (c) => {
      c.services['report-generator']!['x-aieffect'] = { run: idle };
    });
    const data = dataDir();
    // Long enough for the TypeScript services to start on a loaded machine: only the idle one may miss it.
    const r = await runCli(['run', '.', '--data-dir', data, '--wait-timeout', '20s', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const { error } = expectJsonContract<{ error: Record<string, unknown> }>('error', r.stdout);
    expect(error).toMatchObject({
      code: 'SERVICE_NOT_READY',
      service: 'report-generator',
      container: 'report_generator1',
      command: idle,
      output: ['report_generator: warming up'],
      readiness: { state: 'connecting' },
    });
    expect(error.message).toBe(
      `service "report-generator" was not ready within 20 s: no gRPC server answered on ${String(error.address)}`,
    );
    expect(listFiles(data)).toEqual([]);
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });

  it('services without x-aieffect: one message naming them, exit 1, nothing started or written', async () => {
    const dir = exampleCopy(energy, (c) => {
      delete c.services['data-analyzer']!['x-aieffect'];
      delete c.services['report-generator']!['x-aieffect'];
    });
    const before = listFiles(dir);
    const r = await runCli(['run', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error docker-compose.yml /services/data-analyzer: no x-aieffect extension, so `aieffect run` cannot start services data-analyzer, report-generator\n' +
        '  hint: add `x-aieffect: {run: "<command that starts it>"}` to each (the service listens on $GRPC_PORT), or pass --address data_analyzer1=host:port for a service you run yourself\n',
    );
    expect(listFiles(dir)).toEqual(before);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});

describe('aieffect run: a Python service next to a TypeScript one', () => {
  const python = pythonWithGrpc();

  it('runs the polyglot pipeline: exact statistics, recomputed from the readings', async () => {
    expect(
      python,
      'no python3 with grpcio found: install python3-grpcio and python3-protobuf, or set PYTHON',
    ).toBeDefined();
    const data = dataDir();
    const r = await runCli(['run', 'examples/polyglot_pipeline', '--data-dir', data, '--logs'], {
      env: { PYTHON: python },
    });
    expect(r.stderr).toContain('run succeeded in ');
    // --logs: every service's lines as they come, prefixed with its name.
    expect(r.stderr).toContain('\nstatistics | statistics: Summarize: 72 samples from 3 sensors -> statistics.json\n');
    expect(r.stderr).toContain(
      '\nsensor-source | sensor_source: ReadSensors: 72 samples from 3 sensors (seed 7) -> readings.csv\n',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^launch statistics pid \d+, 127\.0\.0\.1:\d+: "\$\{PYTHON:-python3\}" server\.py$/m);
    expect(r.stderr).toMatch(/^up {5}statistics health SERVING after /m);
    const results = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    expect(results).toEqual(POLYGLOT_RESULTS);
    const summary = results['statistics1:Summarize']!;

    // Recomputed from what the TypeScript service wrote.
    const rows = csvRows(join(data, 'readings.csv'));
    const values = rows.map((row) => Number(row.temperature_c));
    expect(summary.mean_temperature).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 3);
    expect(summary.min_temperature).toBe(Math.min(...values));
    expect(summary.max_temperature).toBe(Math.max(...values));
    expect(JSON.parse(readFileSync(join(data, 'statistics.json'), 'utf8'))).toEqual(summary);
    expect(listFiles(data)).toEqual(['readings.csv', 'statistics.json']);
    expectNothingLeft(data, r.stderr);
  });

  it('a Python without grpcio: the service says so, the run stops with its output', async () => {
    expect(python).toBeDefined();
    // The same interpreter without its site packages, where Debian's grpcio lives.
    const bin = dataDir();
    const noGrpc = join(bin, 'python-without-grpc');
    writeFileSync(noGrpc, `#!/bin/sh\nexec ${python} -S "$@"\n`, { mode: 0o755 });
    const data = dataDir();
    const r = await runCli(['run', 'examples/polyglot_pipeline', '--data-dir', data], { env: { PYTHON: noGrpc } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /\n {2}\| statistics: cannot import grpc: \S+ lacks grpcio\/protobuf \(Debian: apt install python3-grpcio python3-protobuf\); set PYTHON to an interpreter that has them, e\.g\. PYTHON=\/usr\/bin\/python3\nerror service "statistics" exited with code 1 before it was ready \(command: "\$\{PYTHON:-python3\}" server\.py\)\n/,
    );
    expectNothingLeft(data, r.stderr);
  });
});
