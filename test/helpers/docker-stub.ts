// A recording stand-in for the `docker` CLI (and `docker-compose` v1), for tests that need no Docker engine: small bash
// scripts put first on PATH that append each invocation (working directory and argv) to a log and answer the few
// queries aieffect and build_and_tag.sh make. Tests then assert the exact commands that would have reached Docker.
// A docker-compose stub is always there, so a real docker-compose later on PATH is never reached.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { shellQuote } from '../../src/deploy/shell-template.js';

export interface DockerStubOptions {
  /** `docker info` fails as it does when no engine is running. */
  noEngine?: boolean;
  /**
   * Which Compose front end works: the `docker compose` plugin (default), only docker-compose v1, or none (both
   * `docker compose version` and `docker-compose version` fail).
   */
  compose?: 'plugin' | 'v1' | 'none';
  /** Images for which `docker image inspect` reports a HEALTHCHECK. */
  healthyImages?: string[];
  /** Images `docker image inspect` does not find locally. */
  missingImages?: string[];
  /** Exit code of `docker compose ... build` or `docker-compose ... build` (0 by default). */
  buildExitCode?: number;
}

export interface DockerCall {
  cwd: string;
  args: string[];
}

export interface DockerStub {
  /** The folder holding the stub; put it first on PATH. */
  binDir: string;
  /** PATH with the stub first, then the current PATH. */
  path: string;
  /** Every invocation so far, in order. */
  calls(): DockerCall[];
}

const SEP = '\x1f';

function bashWords(words: string[] = []): string {
  return words.map(shellQuote).join(' ');
}

/**
 * Writes the stubs into `<dir>/bin/docker` and `<dir>/bin/docker-compose`, logging to `<dir>/docker-calls.log`; a
 * docker-compose call is logged with "docker-compose" as its first argument.
 */
export function createDockerStub(dir: string, options: DockerStubOptions = {}): DockerStub {
  const binDir = join(dir, 'bin');
  const log = join(dir, 'docker-calls.log');
  mkdirSync(binDir, { recursive: true });
  const compose = options.compose ?? 'plugin';
  const script = `#!/usr/bin/env bash
{ printf '%s' "$PWD"; for a in "$@"; do printf '\\x1f%s' "$a"; done; printf '\\n'; } >> ${bashWords([log])}
healthy=(${bashWords(options.healthyImages)})
missing=(${bashWords(options.missingImages)})
case "$1" in
  info)
    ${options.noEngine ? `echo 'Cannot connect to the Docker daemon at unix:///stub/docker.sock. Is the docker daemon running?' >&2; exit 1` : 'echo 28.2.2'}
    ;;
  compose)
    if [ "$2" = version ]; then
      ${compose === 'plugin' ? 'echo "Docker Compose version v2.40.3"' : `echo "docker: unknown command: docker compose" >&2; exit 1`}
    else
      echo "stub: docker $*"
      exit ${options.buildExitCode ?? 0}
    fi
    ;;
  image)
    image="\${*: -1}"
    for m in "\${missing[@]}"; do [ "$m" = "$image" ] && { echo "Error: No such image: $image" >&2; exit 1; }; done
    for h in "\${healthy[@]}"; do [ "$h" = "$image" ] && { echo '{"Test":["CMD","/bin/healthcheck"],"Interval":5000000000}'; exit 0; }; done
    echo null
    ;;
esac
exit 0
`;
  const v1 = `#!/usr/bin/env bash
{ printf '%s\\x1fdocker-compose' "$PWD"; for a in "$@"; do printf '\\x1f%s' "$a"; done; printf '\\n'; } >> ${bashWords([log])}
${
  compose === 'v1'
    ? `[ "$1" = version ] && { echo 'docker-compose version 1.29.2, build unknown'; exit 0; }
echo "stub: docker-compose $*"
exit ${options.buildExitCode ?? 0}`
    : `echo "docker-compose: command not found" >&2
exit 127`
}
`;
  writeFileSync(join(binDir, 'docker'), script);
  chmodSync(join(binDir, 'docker'), 0o755);
  writeFileSync(join(binDir, 'docker-compose'), v1);
  chmodSync(join(binDir, 'docker-compose'), 0o755);
  return {
    binDir,
    path: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
    calls() {
      if (!existsSync(log)) return [];
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [cwd, ...args] = line.split(SEP);
          return { cwd: cwd!, args };
        });
    },
  };
}
