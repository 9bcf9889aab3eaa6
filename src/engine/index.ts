// The orchestration API shared by `aieffect orchestrate` (services from dockerinfo.json) and `aieffect run`
// (services started locally, their addresses passed as overrides):
//   const prepared = prepareRun(exportDir, { addresses });
//   const result = await executeRun(prepared, { input, timeoutMs, retries, waitTimeoutMs, concurrency, signal }, onEvent);
//   const failure = runFailure(result); // a UserError to throw once partial results are written
export { prepareRun } from './prepare.js';
export { executeRun, runFailure, DEFAULT_RETRIES, DEFAULT_WAIT_TIMEOUT_MS } from './run.js';
export { planOf, type RunPlan } from './plan.js';
export { parseInputFlags, parseAddressFlags, startRequests } from './input.js';
export type * from './events.js';
export type * from './types.js';
export { runResultDocument, resultsText, jsonSafe, type RunResultDocument } from './result.js';
