// Retrying a streaming call: UNAVAILABLE is retried with the run's backoff (each retry a node-retrying event, the wait
// counted as activity so the run is not idle meanwhile), but only while nothing has gone through the call — a
// message already passed on cannot be taken back, nor one already taken from the inbox be sent again.
import { withRetries } from '../invoker.js';
import type { NodeRun, RunContext } from '../node-run.js';

/**
 * Makes attempts (each counted in run.attempts) until one succeeds. An attempt reports through `passed(n)` how many
 * messages went through the call; once any did, a failure is final.
 */
export async function retryStream(
  run: NodeRun,
  ctx: RunContext,
  attempt: (passed: (n: number) => void) => Promise<void>,
): Promise<void> {
  let passed = 0;
  await withRetries(
    () => {
      run.attempts++;
      return attempt((n) => (passed += n));
    },
    {
      retries: ctx.settings.retries,
      backoff: ctx.settings.backoff,
      signal: run.stop.signal,
      busy: ctx.activity,
      onRetry: (attempt, delayMs, error) =>
        ctx.emit({ type: 'node-retrying', at: Date.now(), node: run.id, attempt, delayMs, error: error.toCallError() }),
    },
    () => passed === 0,
  );
}
