#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ caches compiled code between runs (faster start-up); older Node has no such API and skips this.
module.enableCompileCache?.();
// oclif, bundled (scripts/bundle.mjs): the commands load from dist/index.js only when one runs.
const { execute } = await import('../dist/start.js');

await execute({ dir: import.meta.url });
