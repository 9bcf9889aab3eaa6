// After plugin-autocomplete has written its completion functions (`aieffect autocomplete [SHELL]`, with or without
// --refresh-cache), ours for bash replaces its bash function (src/cli/completion.ts says why). A postrun hook because
// the plugin's `autocomplete` runs its `autocomplete create` directly, not as a command another one could replace.
import type { Hook } from '@oclif/core';

const WRITERS = new Set(['autocomplete', 'autocomplete:create']);

const hook: Hook.Postrun = async function (opts) {
  if (!WRITERS.has(opts.Command.id)) return;
  const { writeBashCompletion } = await import('../completion.js');
  writeBashCompletion(opts.config);
};

export default hook;
