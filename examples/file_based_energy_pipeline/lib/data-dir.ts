// The data folder the services share (a volume in Docker, a local folder with `aieffect run`): DATA_DIR, ./data by
// default. Messages carry paths RELATIVE to it, so the same message means the same file whether the services run as
// containers (/app/data) or as local processes (DATA_DIR=<use case>/data), and results are identical on every
// machine.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { RpcError } from './serve.js';

/** The absolute data folder, created if missing. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolve(env.DATA_DIR || './data');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The absolute path of a file named in a message (`field`), relative to the data folder. Thrown: INVALID_ARGUMENT for
 * an empty path or one outside the data folder (a service must not read or write anywhere else).
 */
export function dataPath(path: string, field: string): string {
  if (!path) throw new RpcError(grpc.status.INVALID_ARGUMENT, `${field} is empty: give a file in the data folder`);
  const root = dataDir();
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `${field} "${path}" is outside the data folder`);
  }
  return full;
}

/** How a file in the data folder is named in messages: relative to it, with `/`. */
export function messagePath(full: string): string {
  return relative(dataDir(), full).split(sep).join('/');
}

/** Writes a file completely before it appears under its name: a reader never sees half of it. */
export function writeFileAtomic(path: string, content: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}
