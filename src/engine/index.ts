// The orchestration API shared by `aieffect orchestrate` (services from dockerinfo.json) and `aieffect run`
// (services started locally, their addresses passed as overrides):
//   const prepared = prepareRun(exportDir, { addresses });
//   const result = await executeRun(prepared, { input, timeoutMs, retries, loop, durationMs, signal, ... }, onEvent);
//   const failure = runFailure(result); // a UserError to throw once partial results are written
export { prepareRun } from './prepare.js';
export {
  executeRun,
  DEFAULT_RETRIES,
  DEFAULT_WAIT_TIMEOUT_MS,
  DEFAULT_QUEUE_SIZE,
  DEFAULT_KEEP_MESSAGES,
} from './run.js';
export { runFailure } from './summary.js';
export { planOf, type RunPlan } from './plan.js';
export { parseInputFlags, parseAddressFlags, startRequests } from './input.js';
export type * from './events.js';
export type * from './types.js';
export { runResultDocument, resultsText, jsonSafe, type RunResultDocument } from './result.js';
