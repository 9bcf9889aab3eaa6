#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ caches compiled code between runs (faster start-up); older Node has no such API and skips this.
module.enableCompileCache?.();
const { execute } = await import('@oclif/core');

await execute({ dir: import.meta.url });
