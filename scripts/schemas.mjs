// Build step: writes dist/schema/validators.cjs, every schema in schemas/ compiled by ajv into standalone code, so
// the CLI validates its input without loading ajv or compiling at start-up (about 150 ms per command).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default;
const { compileSchemas } = await import(new URL('../dist/schema/compile.js', import.meta.url).href);

const { ajv, ids } = compileSchemas({ code: { source: true } });
const code = standaloneCode(ajv, ids);
writeFileSync(new URL('../dist/schema/validators.cjs', import.meta.url), code);
process.stderr.write(`dist/schema/validators.cjs: ${Object.keys(ids).length} schemas\n`);
