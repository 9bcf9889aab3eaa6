// The local runtime (src/local) with real processes: services started in their own process groups, found ready by
// the gRPC health service, and stopped without leaving anything behind — also when one crashes at start-up, never
// turns ready, crashes later, ignores SIGTERM, started children of its own, or the start is cancelled.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  startLocalServices,
  type LocalEvent,
  type LocalServiceSpec,
  type StartOptions,
} from '../../src/local/index.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { isRunning, processGroup, processesWithEnv } from '../helpers/local.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'local');
const SERVICE = 'node service.mjs';
const CRASH = `node -e "console.error('boom: cannot read config.yaml'); process.exit(3)"`;
const IDLE = `node -e "console.log('waiting for nothing'); setInterval(() => {}, 1000)"`;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fresh data folder: DATA_DIR is also the marker that finds every process of the test. */
function dataDir(): string {
  const tmp = tempDir('aieffect-local-');
  cleanups.push(tmp.cleanup);
  return tmp.dir;
}

function spec(service: string, command: string, env: Record<string, string> = {}): LocalServiceSpec {
  return { service, container: `${service}1`, command, cwd: fixtures, env: { SERVICE_NAME: service, ...env } };
}

async function startFailure(specs: LocalServiceSpec[], options: StartOptions): Promise<UserError> {
  const err = await startLocalServices(specs, options).then(
    () => {
      throw new Error('expected the start to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('local runtime: start and stop', () => {
  it('gives each service its port, host and data folder, waits for health SERVING, and stops every process', async () => {
    const data = dataDir();
    const events: LocalEvent[] = [];
    const services = await startLocalServices(
      [spec('alpha', SERVICE, { EXTRA: 'from x-aieffect' }), spec('beta', SERVICE)],
      { dataDir: data, readyTimeoutMs: 20_000, onEvent: (e) => events.push(e) },
    );
    cleanups.push(() => services.stop());

    expect(services.services.map((s) => [s.service, s.container, s.command, s.cwd])).toEqual([
      ['alpha', 'alpha1', SERVICE, fixtures],
      ['beta', 'beta1', SERVICE, fixtures],
    ]);
    const [alpha, beta] = services.services;
    expect(alpha!.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(alpha!.address).not.toBe(beta!.address);
    expect(services.addresses).toEqual({ alpha1: alpha!.address, beta1: beta!.address });
    expect(services.output('alpha')).toEqual([
      `alpha: env GRPC_HOST=127.0.0.1 DATA_DIR=${data} EXTRA=from x-aieffect`,
      'alpha: listening',
    ]);
    expect(events.filter((e) => e.type === 'service-ready').map((e) => [e.service, e.via])).toEqual(
      expect.arrayContaining([
        ['alpha', 'health'],
        ['beta', 'health'],
      ]),
    );
    // The group leaders (the shells running the commands) and the services they started.
    expect(processesWithEnv('DATA_DIR', data)).toEqual(expect.arrayContaining([alpha!.pid, beta!.pid]));

    await services.stop();
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'services-stopped', services: ['alpha', 'beta'] });
  });

  it('counts a server without the health service as ready once a call reaches it', async () => {
    const data = dataDir();
    const events: LocalEvent[] = [];
    const services = await startLocalServices([spec('plain', SERVICE, { HEALTH: 'none' })], {
      dataDir: data,
      readyTimeoutMs: 20_000,
      onEvent: (e) => events.push(e),
    });
    cleanups.push(() => services.stop());
    expect(events.find((e) => e.type === 'service-ready')).toMatchObject({ service: 'plain', via: 'channel' });
    await services.stop();
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });

  it('stops the children a service started (the whole process group)', async () => {
    const data = dataDir();
    const services = await startLocalServices([spec('parent', SERVICE, { SPAWN_CHILD: '1' })], {
      dataDir: data,
      readyTimeoutMs: 20_000,
    });
    cleanups.push(() => services.stop());
    const child = Number(/child (\d+)/.exec(services.output('parent').join('\n'))![1]);
    expect(isRunning(child)).toBe(true);
    await services.stop();
    expect(isRunning(child)).toBe(false);
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });

  it.each([
    ['stops a daemon that left the process group with setsid (found by its environment marker)', '1'],
    ['kills such a daemon that ignores SIGTERM once the grace period is over', 'stubborn'],
  ])('%s', async (_what, mode) => {
    const data = dataDir();
    const services = await startLocalServices([spec('daemonizer', SERVICE, { SETSID_CHILD: mode })], {
      dataDir: data,
      readyTimeoutMs: 20_000,
      graceMs: 300,
    });
    cleanups.push(() => services.stop());
    const daemon = Number(/daemon (\d+)/.exec(services.output('daemonizer').join('\n'))![1]);
    expect(isRunning(daemon)).toBe(true);
    // It really left: a session and process group of its own, which the group signal would never reach.
    const [leader] = services.services;
    expect(processGroup(daemon)).toBe(daemon);
    expect(processGroup(daemon)).not.toBe(leader!.pid);
    await services.stop();
    expect(isRunning(daemon)).toBe(false);
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });

  it('kills a service that ignores SIGTERM once the grace period is over', async () => {
    const data = dataDir();
    const services = await startLocalServices([spec('stubborn', SERVICE, { IGNORE_SIGTERM: '1' })], {
      dataDir: data,
      readyTimeoutMs: 20_000,
      graceMs: 300,
    });
    cleanups.push(() => services.stop());
    await services.stop();
    expect(services.output('stubborn')).toContain('stubborn: SIGTERM ignored');
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });

  it('reports a service that exits after it was ready, with its output', async () => {
    const data = dataDir();
    const services = await startLocalServices(
      [spec('flaky', SERVICE, { CRASH_ON_USR1: '1' }), spec('steady', SERVICE)],
      {
        dataDir: data,
        readyTimeoutMs: 20_000,
      },
    );
    cleanups.push(() => services.stop());
    const pid = Number(/pid (\d+)/.exec(services.output('flaky').join('\n'))![1]);
    process.kill(pid, 'SIGUSR1');
    const err = await services.unexpectedExit;
    expect(err.code).toBe('SERVICE_EXITED');
    expect(err.message).toBe(`service "flaky" exited with code 4 after it was ready (command: ${SERVICE})`);
    expect(err.details?.output).toEqual([
      `flaky: env GRPC_HOST=127.0.0.1 DATA_DIR=${data} EXTRA=`,
      'flaky: listening',
      `flaky: pid ${pid}`,
      'flaky: giving up',
    ]);
    await services.stop();
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });
});

describe('local runtime: failures at start-up', () => {
  it('a service that crashes: SERVICE_EXITED with its last output lines, the other services stopped', async () => {
    const data = dataDir();
    const events: LocalEvent[] = [];
    const err = await startFailure([spec('good', SERVICE), spec('crashy', CRASH)], {
      dataDir: data,
      readyTimeoutMs: 20_000,
      onEvent: (e) => events.push(e),
    });
    expect(err.code).toBe('SERVICE_EXITED');
    expect(err.message).toBe(`service "crashy" exited with code 3 before it was ready (command: ${CRASH})`);
    expect(err.hint).toBe(
      'its last output lines show why; x-aieffect.run in docker-compose.yml is the command that started it',
    );
    expect(err.details).toMatchObject({
      service: 'crashy',
      container: 'crashy1',
      exit_code: 3,
      signal: null,
      output: ['boom: cannot read config.yaml'],
    });
    expect(events.map((e) => e.type)).toContain('services-stopped');
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });

  it('a command that does not exist: the shell says so, exit code 127', async () => {
    const data = dataDir();
    const err = await startFailure([spec('ghost', 'no-such-command-aieffect --serve')], {
      dataDir: data,
      readyTimeoutMs: 20_000,
    });
    expect(err.message).toBe(
      'service "ghost" exited with code 127 before it was ready (command: no-such-command-aieffect --serve)',
    );
    expect((err.details?.output as string[]).join('\n')).toMatch(/no-such-command-aieffect: .*not found/);
  });

  it('a service that never listens: SERVICE_NOT_READY after the timeout, with its output, nothing left running', async () => {
    const data = dataDir();
    const err = await startFailure([spec('idle', IDLE)], { dataDir: data, readyTimeoutMs: 1500 });
    expect(err.code).toBe('SERVICE_NOT_READY');
    expect(err.message).toMatch(
      /^service "idle" was not ready within 1\.5 s: no gRPC server answered on 127\.0\.0\.1:\d+$/,
    );
    expect(err.hint).toBe(
      'a service must listen on the port in GRPC_PORT and report SERVING on the gRPC health service (if it has one); --wait-timeout waits longer',
    );
    expect(err.details?.output).toEqual(['waiting for nothing']);
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });

  it("several services not ready: one message naming each, each one's output in not_ready", async () => {
    const data = dataDir();
    const err = await startFailure([spec('one', IDLE), spec('two', IDLE)], { dataDir: data, readyTimeoutMs: 1500 });
    const [one, two] = err.details?.not_ready as { service: string; address: string; output: string[] }[];
    expect(err.message).toBe(
      `services not ready within 1.5 s: "one" (no gRPC server answered on ${one!.address}), "two" (no gRPC server answered on ${two!.address})`,
    );
    expect([one!.service, two!.service]).toEqual(['one', 'two']);
    expect(one!.output).toEqual(['waiting for nothing']);
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });

  it('a service whose health stays NOT_SERVING: SERVICE_NOT_READY naming the status', async () => {
    const data = dataDir();
    // The server itself must have started by the deadline: give node time on a loaded machine.
    const err = await startFailure([spec('sick', SERVICE, { HEALTH: 'NOT_SERVING' })], {
      dataDir: data,
      readyTimeoutMs: 5000,
    });
    expect(err.message).toBe('service "sick" was not ready within 5 s: its health status is NOT_SERVING');
    expect(err.details?.output).toEqual([`sick: env GRPC_HOST=127.0.0.1 DATA_DIR=${data} EXTRA=`, 'sick: listening']);
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });

  it('a working directory that does not exist: SERVICE_START_FAILED', async () => {
    const data = dataDir();
    const missing = join(data, 'nowhere');
    const err = await startFailure([{ ...spec('lost', SERVICE), cwd: missing }], {
      dataDir: data,
      readyTimeoutMs: 1500,
    });
    expect(err.code).toBe('SERVICE_START_FAILED');
    expect(err.message).toBe(`service "lost": cannot start "${SERVICE}" in ${missing}: spawn /bin/sh ENOENT`);
  });

  it('cancelled while starting: CANCELLED, every service stopped', async () => {
    const data = dataDir();
    const controller = new AbortController();
    const err = await startFailure([spec('idle', IDLE), spec('other', IDLE)], {
      dataDir: data,
      readyTimeoutMs: 20_000,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'service-starting' && e.service === 'other') controller.abort();
      },
    });
    expect(err.code).toBe('CANCELLED');
    expect(err.message).toBe('cancelled while starting the services');
    expect(processesWithEnv('DATA_DIR', data)).toEqual([]);
  });
});
