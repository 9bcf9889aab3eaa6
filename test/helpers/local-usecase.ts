// A small use case whose services start in a moment (test/fixtures/local/service.mjs serving the echo proto), for
// tests of `aieffect run` that need real local processes but not the examples' work: `first` (Echo) feeds `second`
// (Step). Each service's behaviour is set through its x-aieffect env (see service.mjs: ON_CALL, HEALTH, SETSID_CHILD...).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from './cli.js';
import { protosDir } from './grpc.js';

export const LOCAL_SERVICE = join(repoRoot, 'test', 'fixtures', 'local', 'service.mjs');

export interface LocalUseCaseOptions {
  /** Extra x-aieffect env per service (`first`, `second`). */
  env?: { first?: Record<string, string>; second?: Record<string, string> };
  /** Leave x-aieffect out for these services. */
  withoutLocal?: string[];
  /** x-aieffect.cwd per service (default: services/<name>). */
  cwd?: Record<string, string>;
}

/** Writes the use case into `dir` (created) and returns `dir`. */
export function writeLocalUseCase(dir: string, options: LocalUseCaseOptions = {}): string {
  const services: Record<string, unknown> = {};
  for (const name of ['first', 'second'] as const) {
    const folder = join(dir, 'services', name);
    mkdirSync(join(folder, 'proto'), { recursive: true });
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    copyFileSync(join(protosDir, 'echo.proto'), join(folder, 'proto', 'echo.proto'));
    services[name] = {
      build: `./services/${name}`,
      ...(options.withoutLocal?.includes(name)
        ? {}
        : {
            'x-aieffect': {
              run: `node ${JSON.stringify(LOCAL_SERVICE)}`,
              cwd: options.cwd?.[name] ?? `services/${name}`,
              env: { SERVICE_NAME: name, PROTO: 'proto/echo.proto', ...options.env?.[name] },
            },
          }),
    };
  }
  writeFileSync(join(dir, 'docker-compose.yml'), yaml.dump({ services }));
  const connection = { from_service: 'first', from_method: 'Echo', to_service: 'second', to_method: 'Step' };
  writeFileSync(
    join(dir, 'connections.json'),
    JSON.stringify({ pipeline: { name: 'local-echo', connections: [connection] } }, null, 2),
  );
  return dir;
}
