// oclif's documented entry (what `oclif generate` writes into bin/run.js), for the CLI of commands.js.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
