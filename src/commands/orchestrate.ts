// `aieffect orchestrate <export_dir>`: runs an export package's pipeline against its live gRPC services (the
// orchestrator container's entrypoint). Parses flags, calls the engine, renders; SIGINT/SIGTERM cancel the run and
// still write the partial results (exit 130/143).
import * as Args from '@oclif/core/args';
import { BaseCommand } from '../cli/base-command.js';
import { addressesFromFlags, engineFlags, runOptionsFromFlags } from '../cli/engine-flags.js';
import { isUserError } from '../errors.js';
import {
  executeRun,
  planOf,
  prepareRun,
  resultsText,
  runFailure,
  runResultDocument,
  type RunPlan,
  type RunResult,
  type RunResultDocument,
} from '../engine/index.js';
import {
  onTerminationSignals,
  SIGNAL_EXIT,
  writeRunOutput,
  writeRunOutputLast,
  type HandledSignal,
} from '../cli/run-output.js';
import { checkOutputFile } from '../cli/output-file.js';
import { RunRecord } from '../cli/run-record.js';
import { openRunReport } from '../cli/open-run-report.js';
import { renderPlan } from '../ui/plan.js';
import { createProgress, progressMode } from '../ui/progress.js';

export default class Orchestrate extends BaseCommand {
  static override summary = 'Run the pipeline of an export package against its gRPC services.';
  static override description = `Reads blueprint.json, dockerinfo.json and microservice/*.proto of <export_dir> (an aieffect export or a package downloaded from the platform), waits until every service is ready, then calls each node's rpc as soon as all its upstream nodes have finished, passing outputs on as inputs. Results go to stdout as {"<container>:<operation>": output}; progress to stderr. A failed node stops new calls (exit 1); SIGINT/SIGTERM cancel the calls in flight (exit 130/143). Partial results are printed and written either way.`;
  static override examples = [
    '<%= config.bin %> orchestrate out/energy --plan',
    `<%= config.bin %> orchestrate out/energy --address data_generator1=localhost:50051 --input '{"num_records": 100}'`,
    '<%= config.bin %> orchestrate out/energy --output out/energy/data/run-result.json --timeout 30s',
    '<%= config.bin %> orchestrate out/energy --report out/energy/data/run-report.html',
  ];
  static override args = {
    export_dir: Args.string({
      description: 'export package folder (blueprint.json, dockerinfo.json, microservice/)',
      required: true,
    }),
  };
  static override flags = engineFlags;

  async run(): Promise<RunResultDocument | RunPlan> {
    const { args, flags } = await this.parse(Orchestrate);
    // From here on, whatever happens, --output gets a run result document; a path that cannot take one stops first.
    const output = flags.plan ? undefined : flags.output;
    if (output !== undefined) checkOutputFile('--output', output);
    const report = await openRunReport(flags.report, [this.id ?? '', ...this.argv], this.config.version);
    const record = new RunRecord();
    const controller = new AbortController();
    let received: HandledSignal | undefined;
    const release = onTerminationSignals((name) => {
      // A second signal does not wait for the calls to wind down: what is known so far is written at once.
      if (received) {
        if (output !== undefined) writeRunOutputLast(output, record.document('cancelled'));
        report?.writeNow('cancelled');
        process.exit(SIGNAL_EXIT[name]);
      }
      received = name;
      this.note(`${name}: cancelling the calls in flight (again to quit at once)`);
      controller.abort();
    });

    let document: RunResultDocument;
    let result: RunResult;
    try {
      const prepared = prepareRun(args.export_dir, { addresses: addressesFromFlags(flags) });
      if (flags.plan) {
        const plan = planOf(prepared, { loop: flags.loop });
        if (!this.jsonEnabled()) this.log(renderPlan(plan));
        return plan;
      }
      record.plan(prepared.pipeline, prepared.graph.levels.flat());
      report?.pipeline(prepared.graph, prepared.pipeline);
      const progress = createProgress(progressMode({ json: this.jsonEnabled(), progress: flags.progress }));
      // The tree's last frame is drawn before the results, and also when the run throws.
      result = await executeRun(prepared, runOptionsFromFlags(flags, controller.signal), (event) => {
        record.onEvent(event);
        report?.onEvent(event);
        progress.onEvent(event);
      }).finally(() => progress.done());
      document = runResultDocument(result);
      record.finished(document);
    } catch (err) {
      // A usage error found late (an --input naming no start node) ran nothing: there is nothing to write.
      if (!(isUserError(err) && err.exit === 2)) {
        if (output !== undefined) {
          writeRunOutputLast(output, record.document(received ? 'cancelled' : 'failed', received ? undefined : err));
        }
        await report?.writeLast(received ? 'cancelled' : 'failed', received ? undefined : err);
      }
      throw err;
    } finally {
      release();
    }

    // Results first: they reach stdout even when the file cannot be written.
    if (!this.jsonEnabled()) this.log(resultsText(result));
    if (received) {
      if (this.jsonEnabled()) this.logJson(document);
      if (output !== undefined) writeRunOutputLast(output, document);
      await report?.writeLast('cancelled');
      this.note(`cancelled by ${received}: ${Object.keys(document.results).length} node(s) finished`);
      this.exit(SIGNAL_EXIT[received]);
    }
    // A file that cannot be written is the command's error (it carries the results, for --json).
    if (output !== undefined) writeRunOutput(output, document);
    // With --json the error object carries the partial results too (runFailure puts them in its details).
    const failure = runFailure(result);
    await report?.write(result.summary.status, failure);
    if (failure) throw failure;
    return document;
  }
}
