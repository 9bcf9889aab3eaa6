// Build step: writes dist/schema/validators/<name>.cjs, each schema in schemas/ compiled by ajv into standalone code
// of its own, so the CLI validates its input without loading ajv or compiling at start-up (about 150 ms per command),
// and a command loads only the validators of the files it reads (compose: blueprint and dockerinfo, not the date-time
// format of the metadata).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default;
const { compileSchemas } = await import(new URL('../dist/schema/compile.js', import.meta.url).href);

const { ajv, ids } = compileSchemas({ code: { source: true } });
const dir = new URL('../dist/schema/validators/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, id] of Object.entries(ids)) {
  writeFileSync(new URL(`${name}.cjs`, dir), standaloneCode(ajv, { validate: id }));
}
process.stderr.write(`dist/schema/validators/: ${Object.keys(ids).length} schemas\n`);
