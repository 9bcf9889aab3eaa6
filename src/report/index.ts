// The run report (`orchestrate`/`run --report FILE.html`): record a run's events into a timeline, then render one
// self-contained page with the pipeline graph (coloured by status) and that timeline.
import { toDot } from '../picture/dot.js';
import type { Picture } from '../picture/model.js';
import { renderReport, statusClasses, type ReportInput, type ReportStatus } from './html.js';
import type { RunTimeline } from './timeline.js';

export { createRunRecorder, type RunRecorder, type RunTimeline, type TimelineNode } from './timeline.js';
export { renderReport, type ReportInput, type ReportStatus } from './html.js';

/** Past this many operations the report leaves the graph out: Graphviz would take longer than the run itself. */
export const REPORT_GRAPH_LIMIT = 400;

export interface RunReportInput extends Omit<ReportInput, 'svg' | 'graphNote'> {
  picture?: Picture;
  timeline: RunTimeline;
  status: ReportStatus;
}

/** The report page: the graph laid out by Graphviz (WebAssembly, loaded here and only here), then the HTML. */
export async function buildRunReport(input: RunReportInput): Promise<string> {
  const { picture } = input;
  if (!picture) return renderReport(input);
  if (picture.operations.length > REPORT_GRAPH_LIMIT) {
    return renderReport({
      ...input,
      graphNote: `The graph is left out: ${picture.operations.length} operations (more than ${REPORT_GRAPH_LIMIT}). \`aieffect graph\` draws it.`,
    });
  }
  const { renderSvg, inlineSvg } = await import('../picture/svg.js');
  const svg = inlineSvg(await renderSvg(toDot(picture, { classes: statusClasses(input.timeline) })));
  return renderReport({ ...input, svg });
}
