// Real file-system faults for the tests of every write, no mocks: a folder the CLI may not write to (the CLI run as
// an unprivileged user when the tests run as root, whom permissions do not stop; a read-only folder otherwise), a
// read-only file system (a read-only bind mount) and a full one (a small tmpfs, filled up). The mounts live in a mount
// namespace of the CLI's own (unshare), so nothing outside the test ever sees them. Each returns the `wrap` for runCli.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';

const isRoot = process.getuid?.() === 0;

/** How to get a private mount namespace here: directly as root, else inside a user namespace (where allowed). */
const unshare: string[] | undefined = (() => {
  const prefix = isRoot
    ? ['unshare', '--mount', '--propagation', 'private']
    : ['unshare', '--user', '--map-root-user', '--mount'];
  const probe = spawnSync(prefix[0]!, [...prefix.slice(1), 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? prefix : undefined;
})();

/** Why the mount faults cannot run on this machine, for the skip reason; undefined when they can. */
export const mountFaultsUnavailable: string | undefined = unshare
  ? undefined
  : 'no private mount namespace (unshare) on this machine: the read-only and full file system cases need one';

/**
 * The CLI gets "permission denied" writing into `dir` (and anything below it). `readable` folders (e.g. the test's
 * temporary root, made 0700) are opened for reading first, so that an unprivileged CLI can still read its input.
 */
export function permissionDenied(dir: string, readable: string[] = []): string[] {
  for (const r of readable) chmodSync(r, 0o755);
  if (isRoot) {
    chmodSync(dir, 0o755);
    return ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', 'env', `HOME=${dir}`];
  }
  chmodSync(dir, 0o555);
  return [];
}

/** `dir` becomes a read-only file system for the CLI (a read-only bind mount of itself). */
export function readOnlyFileSystem(dir: string): string[] {
  if (!unshare) throw new Error(mountFaultsUnavailable);
  const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
  return [...unshare, 'sh', '-c', script, 'sh', dir];
}

/**
 * `dir` becomes a small file system with no space left for the CLI (a filled tmpfs mounted over it), holding a copy
 * of `seed` when given (what the CLI reads there). What is in it once the CLI exited is listed into `listing` (the
 * mount, and so those files, go with the namespace).
 */
export function fullFileSystem(dir: string, listing: string, seed?: string): string[] {
  if (!unshare) throw new Error(mountFaultsUnavailable);
  const script = [
    'mount -t tmpfs -o size=256k tmpfs "$1" || exit 99',
    'if [ -n "$3" ]; then cp -a "$3/." "$1/" || exit 98; fi',
    'head -c 1048576 /dev/zero > "$1/.filler" 2>/dev/null',
    'dir=$1; out=$2; shift 3',
    '"$@"; code=$?',
    'rm -f "$dir/.filler"; (cd "$dir" && find . -mindepth 1 | sort) > "$out"',
    'exit $code',
  ].join('\n');
  return [...unshare, 'sh', '-c', script, 'sh', dir, listing, seed ?? ''];
}

/** The entries fullFileSystem listed (`./a`, `./a/b`), empty when the CLI left nothing. */
export function listed(listing: string): string[] {
  return readFileSync(listing, 'utf8').split('\n').filter(Boolean);
}
