// Loading a CommonJS file with V8's code cache kept between runs (src/cli/code-cache.ts, how Node 20 starts our
// commands): the file runs as require would run it, the cache is written once and taken the next time, named by the
// content (a file of the same length but other content never gets another's cache), a cache V8 refuses is replaced,
// and a cache folder that cannot be written costs nothing but the cache. Each load is a process of its own, as each run
// of the CLI is (within one process V8 finds a script it compiled before in memory, whatever the cache file holds).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep as pathSep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCacheDir } from '../../src/cli/code-cache.js';

const modulePath = fileURLToPath(new URL('../../src/cli/code-cache.ts', import.meta.url));

interface Loaded {
  used: boolean;
  apply: number;
  where: string[];
  sep: string;
}

/** loadWithCodeCache(file, key, cacheDir) and save(), in a fresh process. */
function loadWithCodeCache(file: string, key: string, cacheDir: string | undefined): Loaded {
  const script = `
    const { loadWithCodeCache } = await import(${JSON.stringify(modulePath)});
    const load = loadWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(key)}, ${JSON.stringify(cacheDir)});
    load.save();
    const { apply, where, path } = load.exports;
    process.stdout.write(JSON.stringify({ used: load.used, apply: apply(2, 3), where, sep: path }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Loaded;
}

let dir: string;
let file: string;
let cache: string;
const source = (op: '+' | '-') =>
  `exports.apply = (a, b) => a ${op} b;\nexports.where = [__filename, __dirname, module.filename];\nexports.path = require('node:path').sep;\n`;
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const sep = pathSep;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aieffect-code-cache-'));
  file = join(dir, 'mod.cjs');
  cache = join(dir, 'cache');
  writeFileSync(file, source('+'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadWithCodeCache', () => {
  const name = (op: '+' | '-', key = 'export') => `${sha1(source(op))}-${key}.bin`;

  it('runs the file as require does, writes its cache once and takes it the next time', () => {
    const first = loadWithCodeCache(file, 'export', cache);
    expect(first).toEqual({ used: false, apply: 5, where: [file, dir, file], sep });
    expect(readdirSync(cache)).toEqual([name('+')]);
    expect(statSync(join(cache, name('+'))).mode & 0o777).toBe(0o600);
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    const written = statSync(join(cache, name('+'))).mtimeMs;
    expect(loadWithCodeCache(file, 'export', cache)).toEqual({ ...first, used: true });
    // A run that took its cache writes nothing.
    expect(statSync(join(cache, name('+'))).mtimeMs).toBe(written);
  });

  it('keeps one cache per key', () => {
    loadWithCodeCache(file, 'export', cache);
    expect(loadWithCodeCache(file, 'compose', cache).used).toBe(false);
    expect(readdirSync(cache).sort()).toEqual([name('+', 'compose'), name('+', 'export')]);
  });

  it('never takes the cache of other content of the same length', () => {
    loadWithCodeCache(file, 'export', cache);
    writeFileSync(file, source('-'));
    expect(source('-')).toHaveLength(source('+').length);
    expect(loadWithCodeCache(file, 'export', cache)).toMatchObject({ used: false, apply: -1 });
    expect(loadWithCodeCache(file, 'export', cache)).toMatchObject({ used: true, apply: -1 });
    // Another version's cache stays while it is recent (two installed versions share the folder)...
    expect(readdirSync(cache).sort()).toEqual([name('+'), name('-')].sort());
    // ...and goes with the next cache written once it is a week old.
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
    utimesSync(join(cache, name('+')), eightDaysAgo, eightDaysAgo);
    loadWithCodeCache(file, 'compose', cache);
    expect(readdirSync(cache).sort()).toEqual([name('-', 'compose'), name('-')].sort());
  });

  it('names the cache by the checksum the build wrote beside the file', () => {
    writeFileSync(`${file}.sha1`, `${'a'.repeat(40)}\n`);
    loadWithCodeCache(file, 'run', cache);
    expect(readdirSync(cache)).toEqual([`${'a'.repeat(40)}-run.bin`]);
  });

  it('replaces a cache V8 refuses', () => {
    loadWithCodeCache(file, 'export', cache);
    writeFileSync(join(cache, name('+')), Buffer.alloc(64, 7));
    expect(loadWithCodeCache(file, 'export', cache)).toMatchObject({ used: false, apply: 5 });
    expect(statSync(join(cache, name('+'))).size).toBeGreaterThan(64);
    expect(loadWithCodeCache(file, 'export', cache).used).toBe(true);
  });

  it('runs without a cache when there is no folder or it cannot be written', () => {
    expect(loadWithCodeCache(file, 'export', undefined)).toMatchObject({ used: false, apply: 5 });
    const blocked = join(file, 'cache'); // below a file: mkdir fails
    expect(loadWithCodeCache(file, 'export', blocked)).toMatchObject({ used: false, apply: 5 });
    expect(existsSync(blocked)).toBe(false);
  });
});

describe('codeCacheDir', () => {
  it("is the user's cache folder, NODE_COMPILE_CACHE's when set, none with NODE_DISABLE_COMPILE_CACHE", () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/c' })).toBe(join('/c', 'aieffect', 'code-cache'));
    expect(codeCacheDir({ NODE_COMPILE_CACHE: '/n', XDG_CACHE_HOME: '/c' })).toBe(join('/n', 'aieffect'));
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1', XDG_CACHE_HOME: '/c' })).toBeUndefined();
    expect(codeCacheDir({})).toMatch(/[/\\]\.cache[/\\]aieffect[/\\]code-cache$/);
  });
});
