#!/usr/bin/env node
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// A clone runs from dist/, which `npm run build` compiles (npm ci installs only): say so instead of oclif's empty help.
if (!existsSync(new URL('../dist/commands/', import.meta.url))) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`error aieffect is not built: no dist/ in ${root}\n  hint: run \`npm run build\` there\n`);
  process.exit(1);
}
// Node 22.1+ caches compiled code between runs (faster start-up); older Node has no such API and skips this.
module.enableCompileCache?.();
// src/start.ts, bundled (scripts/bundle.mjs): oclif and a command's own bundle in dist/commands/ load only when needed.
const { start } = await import('../dist/start.js');

await start(import.meta.url);
