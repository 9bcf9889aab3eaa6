// What bin/run.js starts: oclif's execute, bundled on its own (scripts/bundle.mjs) so that `aieffect --version` and
// help load oclif but none of the commands' modules.
export { execute } from '@oclif/core';
