// A recording stand-in for the `docker` CLI, for tests on machines without a Docker engine: a small bash script put
// first on PATH that appends each invocation (working directory and argv) to a log and answers the few queries
// aieffect and build_and_tag.sh make. Tests then assert the exact commands that would have reached Docker.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { shellQuote } from '../../src/deploy/shell-template.js';

export interface DockerStubOptions {
  /** `docker info` fails as it does when no engine is running. */
  noEngine?: boolean;
  /** `docker compose version` fails as it does without the Compose plugin. */
  noCompose?: boolean;
  /** Images for which `docker image inspect` reports a HEALTHCHECK. */
  healthyImages?: string[];
  /** Images `docker image inspect` does not find locally. */
  missingImages?: string[];
  /** Exit code of `docker compose ... build` (0 by default). */
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

/** Writes the stub into `<dir>/bin/docker`, logging to `<dir>/docker-calls.log`. */
export function createDockerStub(dir: string, options: DockerStubOptions = {}): DockerStub {
  const binDir = join(dir, 'bin');
  const log = join(dir, 'docker-calls.log');
  mkdirSync(binDir, { recursive: true });
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
      ${options.noCompose ? `echo "docker: unknown command: docker compose" >&2; exit 1` : 'echo "Docker Compose version v2.40.3"'}
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
  writeFileSync(join(binDir, 'docker'), script);
  chmodSync(join(binDir, 'docker'), 0o755);
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
