// `--report FILE.html` of `orchestrate` and `run`, opened: run-report.ts (the page, the picture and its layout) is
// imported only when the flag is given, so a run without it loads none of that.
import type { RunReport } from './run-report.js';

/**
 * The command's RunReport for `--report path` (the path checked at once, exit 2 when it cannot take a file), or
 * undefined without the flag. `argv` (the command and its arguments) and `version` say on the page what produced it.
 */
export async function openRunReport(
  path: string | undefined,
  argv: string[],
  version: string,
): Promise<RunReport | undefined> {
  if (path === undefined) return undefined;
  const { RunReport } = await import('./run-report.js');
  return new RunReport(path, argv, version);
}
