// Loading one CommonJS file (dist/run-command.cjs: our commands, every one) with V8's code cache, kept between runs. On
// Node 22.1+ Node does this itself (module.enableCompileCache, which bin/run.js turns on); Node 20 has no such cache,
// so every start would parse and compile the code it runs anew, which is most of what starting a command costs after
// Node's own start-up (issue 10). No results are cached: only V8's compiled form of the file's functions.
//
// One cache per command (`key`): V8 writes the functions that ran into the cache, so a cache made by `version` would
// hold little of what `orchestrate` runs. Each cache is made once, at the end of the first run that had none (or
// whose cache V8 refused: another Node or V8 version), and named by the SHA-1 of the file's content (written beside it
// by the build), since V8 checks only the source's length. Caches of other contents (an older aieffect) go when a new
// one is written and they are a week old. Nothing here may fail a command: a cache folder that cannot be read or
// written means no cache.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const CACHE_FILE = /^[0-9a-f]{40}-[a-z0-9-]+\.bin$/;
/**
 * Caches of other contents are removed once they are this old: not at once, since two installed versions of aieffect
 * (a global one and a project's) share the folder and would otherwise remove each other's caches on every run.
 */
const STALE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Where the caches go: NODE_COMPILE_CACHE/aieffect when set (Node 22's variable for its own cache), else aieffect/
 * in the user's cache folder (XDG_CACHE_HOME, or ~/.cache). None with NODE_DISABLE_COMPILE_CACHE (also Node's).
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  if (env.NODE_COMPILE_CACHE) return join(env.NODE_COMPILE_CACHE, 'aieffect');
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'aieffect', 'code-cache');
  const home = homedir();
  return home ? join(home, '.cache', 'aieffect', 'code-cache') : undefined;
}

function tryRead(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache beside the others (atomically), removing old caches of other contents. Errors are ignored. */
function writeCache(dir: string, name: string, data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const prefix = name.slice(0, 40);
    const before = Date.now() - STALE_MS;
    for (const other of readdirSync(dir)) {
      if (!CACHE_FILE.test(other) || other.startsWith(prefix)) continue;
      const path = join(dir, other);
      if (statSync(path).mtimeMs < before) rmSync(path, { force: true });
    }
    const temp = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, join(dir, name));
  } catch {
    // No cache this time.
  }
}

export interface CodeCacheLoad {
  /** The file's module.exports. */
  exports: unknown;
  /** Whether a cache was found and V8 took it. */
  used: boolean;
  /** Writes the cache of this run (every function compiled so far), when it had none or V8 refused it. */
  save(): void;
}

/**
 * Runs the CommonJS file `file` as require would (its own module, require, __filename and __dirname), compiled with the
 * code cache of `key` in `dir` (none when `dir` is undefined). The file must not use import(): V8 11 (Node 20) loses a
 * script's dynamic import callback when it compiles it from a cache, so scripts/bundle.mjs turns the bundle's import()
 * into require().
 */
export function loadWithCodeCache(file: string, key: string, dir: string | undefined): CodeCacheLoad {
  const bytes = readFileSync(file);
  // The content's SHA-1, as the build wrote it beside the file (scripts/bundle.mjs), else computed.
  const sum = tryRead(`${file}.sha1`)?.toString('latin1').trim() || createHash('sha1').update(bytes).digest('hex');
  const name = `${sum}-${key}.bin`;
  const cachedData = dir === undefined ? undefined : tryRead(join(dir, name));
  const script = new Script(Module.wrap(bytes.toString('utf8')), { filename: file, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return {
    exports: module.exports,
    used,
    save: () => {
      if (dir !== undefined && !used) writeCache(dir, name, script.createCachedData());
    },
  };
}

/**
 * loadWithCodeCache in the user's cache folder (codeCacheDir), the cache written when the process exits: by then it
 * holds every function the command ran, not just the file's top level.
 */
export function requireWithCodeCache(file: string, key: string): unknown {
  const load = loadWithCodeCache(file, key, codeCacheDir());
  if (!load.used) process.once('exit', load.save);
  return load.exports;
}
