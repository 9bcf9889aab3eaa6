// The listr2 task tree as every aieffect tree is drawn: on stderr (results keep stdout), in our colours (NO_COLOR and
// FORCE_COLOR as everywhere, see color.ts), and with tasks that have started but only wait (a node whose upstream has
// not finished) drawn as waiting, not spinning: the spinner means "working".
import {
  DefaultRenderer,
  figures,
  LISTR_DEFAULT_RENDERER_STYLE,
  ListrDefaultRendererLogLevels as Level,
  ListrLogger,
  ProcessOutput,
  type ListrDefaultRendererTask,
} from 'listr2';
import { stderrColor as color } from './color.js';

/** Tasks (listr2's task objects) that are waiting rather than working. */
const waiting = new WeakSet<object>();

/** Marks a task as waiting (no spinner) or, with `on` false, as working again. */
export function markWaiting(task: object, on = true): void {
  if (on) waiting.add(task);
  else waiting.delete(task);
}

/**
 * listr2's tree, drawn on stderr. listr2 falls back to line output whenever stdout is not a terminal, but results go
 * to stdout (often redirected to a file) and the tree to stderr, so only stderr's terminal matters here.
 */
export class StderrTreeRenderer extends DefaultRenderer {
  static override nonTTY = true;

  protected override style(task: ListrDefaultRendererTask, output = false): string {
    if (!output && waiting.has(task) && task.isStarted()) return color.dim(figures.squareSmallFilled);
    return super.style(task, output);
  }
}

const palette: Record<Level, (text?: string) => string> = {
  [Level.SKIPPED_WITH_COLLAPSE]: color.yellow,
  [Level.SKIPPED_WITHOUT_COLLAPSE]: color.yellow,
  [Level.OUTPUT]: color.dim,
  [Level.OUTPUT_WITH_BOTTOMBAR]: color.dim,
  [Level.PENDING]: color.yellow,
  [Level.COMPLETED]: color.green,
  [Level.COMPLETED_WITH_FAILED_SUBTASKS]: color.yellow,
  [Level.COMPLETED_WITH_FAILED_SISTER_TASKS]: color.red,
  [Level.RETRY]: color.yellowBright,
  [Level.ROLLING_BACK]: color.redBright,
  [Level.ROLLED_BACK]: color.redBright,
  [Level.FAILED]: color.red,
  [Level.FAILED_WITH_FAILED_SUBTASKS]: color.red,
  [Level.WAITING]: color.dim,
  [Level.PAUSED]: color.yellowBright,
};

/** The options of a top-level Listr drawn by StderrTreeRenderer. */
export function treeOptions() {
  // While the tree draws, other stderr output is buffered and printed after it.
  const logger = new ListrLogger({
    processOutput: new ProcessOutput(process.stderr, process.stderr, { dump: ['stderr'], leaveEmptyLine: false }),
  });
  return {
    concurrent: true,
    exitOnError: false,
    registerSignalListeners: false,
    renderer: StderrTreeRenderer,
    rendererOptions: {
      logger,
      collapseSubtasks: false,
      showErrorMessage: true,
      icon: LISTR_DEFAULT_RENDERER_STYLE.icon,
      color: palette,
    },
  } as const;
}
