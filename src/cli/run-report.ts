// `--report FILE.html` of `orchestrate` and `run`: follows the run through its events and writes the report page
// whatever ends the command, as --output is written (run-output.ts): success, a failed node, services not ready, a
// service dying, a package that does not load, a signal. The path is checked before anything runs.
import type { EngineEvent } from '../engine/events.js';
import { isUserError, UserError } from '../errors.js';
import type { LocalEvent } from '../local/runtime.js';
import { pictureOf, type Picture } from '../picture/index.js';
import type { PictureGraphInput } from '../picture/model.js';
import { buildRunReport, createRunRecorder, renderReport, type ReportStatus } from '../report/index.js';
import { shellWord } from '../deploy/shell-template.js';
import { reportUserError } from '../ui/errors.js';
import { checkOutputFile, writeOutputFile } from './output-file.js';

export const REPORT_FLAG = '--report';

export class RunReport {
  private readonly recorder = createRunRecorder();
  private picture: Picture | undefined;

  /**
   * Checks the path (exit 2 when it cannot take a file). `argv` (the command and its arguments) and `version` say on
   * the page what produced it.
   */
  constructor(
    private readonly path: string,
    private readonly argv: string[],
    private readonly version: string,
  ) {
    checkOutputFile(REPORT_FLAG, path);
  }

  readonly onEvent = (event: EngineEvent): void => this.recorder.onEvent(event);
  readonly onLocalEvent = (event: LocalEvent): void => this.recorder.onLocalEvent(event);

  /** The pipeline, once it is loaded: the graph on the page. */
  pipeline(graph: PictureGraphInput, name: string | undefined): void {
    this.picture = pictureOf(graph, name);
  }

  /** Writes the page with the graph laid out. Thrown: the UserError of a file that cannot be written. */
  async write(status: ReportStatus, error?: unknown): Promise<void> {
    const page = await buildRunReport({ ...this.input(status, error), picture: this.picture });
    writeOutputFile(REPORT_FLAG, this.path, page);
  }

  /**
   * Writes the page on the way out of a command that ends otherwise (an error, a signal): a failure to write is one
   * line of its own on stderr, and what ended the command stays its outcome.
   */
  async writeLast(status: ReportStatus, error?: unknown): Promise<void> {
    try {
      await this.write(status, error);
    } catch (err) {
      if (!isUserError(err)) throw err;
      reportUserError(err, false);
    }
  }

  /**
   * Writes the page at once, without laying out the graph (which takes a moment): for a second signal, which quits
   * without waiting. A failure to write is one line on stderr.
   */
  writeNow(status: ReportStatus): void {
    try {
      const graphNote = 'The graph is left out: the run was stopped at once (a second signal).';
      writeOutputFile(REPORT_FLAG, this.path, renderReport({ ...this.input(status), graphNote }));
    } catch (err) {
      if (!isUserError(err)) throw err;
      reportUserError(err, false);
    }
  }

  private input(status: ReportStatus, error?: unknown) {
    if (status !== 'succeeded') this.recorder.close(Date.now());
    return {
      command: ['aieffect', ...this.argv].map(shellWord).join(' '),
      status,
      ...(this.picture?.name === undefined ? {} : { pipeline: this.picture.name }),
      timeline: this.recorder.timeline(),
      ...(error === undefined ? {} : { error: errorOf(error) }),
      generator: `aieffect ${this.version}`,
      createdAt: new Date(),
    };
  }
}

function errorOf(error: unknown): { code: string; message: string; hint?: string } {
  if (error instanceof UserError) {
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
