// Bundles the CLI with esbuild after tsc. Entries: bin/run.js's import (src/start.ts: oclif's execute), every command
// (src/commands/**), the help class and the hooks; each is written over tsc's file of the same path in dist/, so
// package.json's "oclif" section and oclif.manifest.json stay as they are. Code shared between entries goes to
// dist/chunks/, and what a module imports dynamically (import()) to a chunk of its own that loads only when it runs.
// A command then loads its own file and the chunks it needs, instead of hundreds of files from node_modules.
// Each module keeps its own import.meta.url (that of its tsc output in dist/), so the paths it builds from it
// (templates/, schemas/, dist/schema/validators/) stay the same. Tests and the bench import tsc's other files.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');

const sources = (dir) =>
  readdirSync(join(src, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f.split(sep).join('/')}`);
const entries = ['start.ts', 'cli/help.ts', ...sources('cli/hooks'), ...sources('commands')];

/** Rewrites import.meta.url in src/**.ts to the URL of the module's tsc output in dist/. */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[/\\]src[/\\].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const out = relative(src, args.path).split(sep).join('/').replace(/\.ts$/, '.js');
      const url = `new URL(${JSON.stringify(out)}, __aieffectDist).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * Dependencies that read files from beside their sources through __dirname (grpc-health-check and grpc-js: .proto
 * files) get the folder of the installed file, found at run time from the package's main module.
 */
const requireHere = createRequire(import.meta.url);
const ownDirname = {
  name: 'own-dirname',
  setup(b) {
    b.onLoad({ filter: /[/\\]node_modules[/\\].*\.c?js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('__dirname')) return undefined;
      const pkg = /.*[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(args.path)[1].split(sep).join('/');
      let main;
      try {
        main = requireHere.resolve(pkg, { paths: [root] });
      } catch {
        return undefined;
      }
      const rel = relative(dirname(main), dirname(args.path)).split(sep).join('/');
      const dir = `require('node:path').join(require('node:path').dirname(require.resolve(${JSON.stringify(pkg)})), ${JSON.stringify(rel)})`;
      return { contents: text.replaceAll('__dirname', `(${dir})`), loader: 'js' };
    });
  },
};

/**
 * Modules @oclif/core requires when it loads but uses only on some paths (help from its error handler, file globs for
 * plugins without a manifest, templates, spinners) are bundled behind a proxy that loads them on first use, so a command
 * that never shows help nor globs never evaluates them. The third-party ones are left out of the bundle altogether and
 * required from @oclif/core's own dependencies when first used (nothing of theirs is parsed at start); oclif's help
 * stays in the bundle (it must share oclif's modules). Each is used only through properties read at call time
 * (checked against @oclif/core's sources); whether a module is an ES module's CommonJS form (__esModule, which
 * TypeScript's __importDefault reads at once) is answered from the module itself at build time.
 */
const oclifLib = /@oclif[/\\]core[/\\]lib[/\\]/;
/** Each module made lazy, by the @oclif/core file that requires it. */
const LAZY = {
  '../help/index': /errors[/\\]handle\.js$/,
  tinyglobby: /config[/\\]plugin\.js$/,
  minimatch: /config[/\\]plugin-loader\.js$/,
  ejs: /(config[/\\]config|help[/\\]util)\.js$/,
  'cli-spinners': /ux[/\\]action[/\\]spinner\.js$/,
};
const lazyRequire = {
  name: 'lazy-require',
  setup(b) {
    b.onResolve({ filter: /^(\.\.\/help\/index|tinyglobby|minimatch|ejs|cli-spinners)$/ }, (args) => {
      const requiredBy = LAZY[args.path];
      if (args.kind !== 'require-call' || !oclifLib.test(args.importer) || !requiredBy.test(args.importer)) {
        return undefined;
      }
      const path = createRequire(args.importer).resolve(args.path);
      return { path, namespace: 'lazy-require', pluginData: { request: args.path } };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-require' }, (args) => {
      const { request } = args.pluginData;
      const esModule = requireHere(args.path).__esModule === true;
      const load = request.startsWith('.')
        ? `require(${JSON.stringify(args.path)})`
        : // Not a literal require: esbuild leaves it to run time.
          `(0, require('node:module').createRequire)(require.resolve('@oclif/core/package.json'))(${JSON.stringify(request)})`;
      const contents = [
        'let real;',
        `const load = () => (real ??= ${load});`,
        'module.exports = new Proxy({}, {',
        `  get: (_, key) => (key === '__esModule' ? ${esModule} : load()[key]),`,
        '  has: (_, key) => key in load(),',
        '  ownKeys: () => Reflect.ownKeys(load()),',
        '  getOwnPropertyDescriptor: (_, key) => {',
        '    const d = Object.getOwnPropertyDescriptor(load(), key);',
        '    return d && { ...d, configurable: true };',
        '  },',
        '});',
      ].join('\n');
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// Chunks are named by their content: a rebuild without the clean of `npm run build` must not leave old ones behind.
await rm(join(root, 'dist', 'chunks'), { recursive: true, force: true });
const result = await build({
  entryPoints: entries.map((e) => ({ in: `src/${e}`, out: e.replace(/\.ts$/, '') })),
  absWorkingDir: root,
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // oclif reads tsconfig.json with typescript (a devDependency) only when it runs the sources; required at run time.
  external: ['typescript'],
  plugins: [ownUrl, ownDirname, lazyRequire],
  banner: {
    js: [
      // CommonJS dependencies inside an ES module bundle: require for Node's modules, __filename and __dirname.
      "import { createRequire as __aieffectRequire } from 'node:module';",
      "import { fileURLToPath as __aieffectPath } from 'node:url';",
      'const require = __aieffectRequire(import.meta.url);',
      'const __filename = __aieffectPath(import.meta.url);',
      "const __dirname = __aieffectPath(new URL('.', import.meta.url));",
      "const __aieffectDist = new URL(import.meta.url.slice(0, import.meta.url.lastIndexOf('/dist/') + 6));",
    ].join('\n'),
  },
  logLevel: 'warning',
  metafile: true,
});

// What src/start.ts runs our commands with: src/cli/run-command.ts with every command (src/cli/commands.ts) in one
// CommonJS file, each command's modules evaluated only when it runs. CommonJS, because its compiled code is cached
// between runs: by Node 22.1+ itself (module.enableCompileCache), on Node 20 by src/cli/code-cache.ts. Node 20 has no
// such cache for ES modules: its loader reads, decodes and compiles every module of a command anew on every start.
// Its import()s become require()s (dynamic-import: false): Node 20 loses a script's dynamic import callback when V8
// compiles it from a cache. Nothing it loads is an ES module: it runs no plugins nor hooks (run-command.ts says why),
// and @viz-js/viz, left out, has a CommonJS build.
const launcher = await build({
  entryPoints: [{ in: 'src/cli/run-command.ts', out: 'run-command' }],
  absWorkingDir: root,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  supported: { 'dynamic-import': false },
  platform: 'node',
  target: 'node20',
  // typescript: as above; @viz-js/viz (1.6 MB, mostly its WebAssembly) loads from node_modules when a picture is drawn.
  external: ['typescript', '@viz-js/viz'],
  plugins: [ownUrl, ownDirname, lazyRequire],
  banner: {
    js: "const __aieffectDist = require('node:url').pathToFileURL(require('node:path').join(__dirname, '/'));",
  },
  logLevel: 'warning',
  // require.resolve of a bundled package (oclif, grpc-js: files beside their sources) resolves from dist/ at run time,
  // as the ES module bundles' require does.
  logOverride: { 'require-resolve-not-external': 'silent' },
  metafile: true,
});
Object.assign(result.metafile.outputs, launcher.metafile.outputs);
// Every output in ASCII: a few non-ASCII characters (in a dependency's comments, a regular expression) make Node decode
// the whole file as UTF-8 the slow way: 53 ms for dist/run-command.cjs instead of 8. Each is written as its \uXXXX
// escape, which means the same character in strings, templates, regular expressions and names.
for (const file of Object.keys(result.metafile.outputs)) {
  const path = join(root, file);
  const text = await readFile(path, 'utf8');
  if (!/[\u0080-\uffff]/.test(text)) continue;
  await writeFile(
    path,
    text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
const launcherText = await readFile(join(root, 'dist', 'run-command.cjs'), 'utf8');
// The name of its code caches (src/cli/code-cache.ts): V8 itself checks only a source's length.
await writeFile(join(root, 'dist', 'run-command.cjs.sha1'), createHash('sha1').update(launcherText).digest('hex'));
const dynamicImport = /(?<![\w$.'"`])import\(/.exec(launcherText);
if (dynamicImport) {
  const line = launcherText.slice(0, dynamicImport.index).split('\n').length;
  throw new Error(`dist/run-command.cjs:${line}: import() left in the CommonJS bundle (see scripts/bundle.mjs)`);
}

if (process.env.BUNDLE_ANALYZE) {
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    const by = {};
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const m = input.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
      const k = m ? m[1] : 'src';
      by[k] = (by[k] ?? 0) + bytesInOutput;
    }
    const top = Object.entries(by)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}k`);
    console.log(file, (out.bytes / 1024).toFixed(0) + 'k', top.join(', '));
  }
}
