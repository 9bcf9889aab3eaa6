// `aieffect orchestrate <export_dir>`: runs an export package's pipeline against its live gRPC services (the
// orchestrator container's entrypoint). Parses flags, calls the engine, renders; SIGINT/SIGTERM cancel the run and
// still write the partial results (exit 130/143).
import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { addressesFromFlags, engineFlags, runOptionsFromFlags } from '../cli/engine-flags.js';
import { UserError } from '../errors.js';
import {
  executeRun,
  planOf,
  prepareRun,
  resultsText,
  runFailure,
  runResultDocument,
  type RunPlan,
  type RunResultDocument,
} from '../engine/index.js';
import { displayPath } from '../platform/read.js';
import { writeFileAtomic } from '../util/atomic.js';
import { renderPlan } from '../ui/plan.js';
import { createProgress, progressMode } from '../ui/progress.js';

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT;

export default class Orchestrate extends BaseCommand {
  static override summary = 'Run the pipeline of an export package against its gRPC services.';
  static override description = `Reads blueprint.json, dockerinfo.json and microservice/*.proto of <export_dir> (an aieffect export or a package downloaded from the platform), waits until every service is ready, then calls each node's rpc as soon as all its upstream nodes have finished, passing outputs on as inputs. Results go to stdout as {"<container>:<operation>": output}; progress to stderr. A failed node stops new calls (exit 1); SIGINT/SIGTERM cancel the calls in flight (exit 130/143). Partial results are printed and written either way.`;
  static override examples = [
    '<%= config.bin %> orchestrate out/energy --plan',
    `<%= config.bin %> orchestrate out/energy --address data-generator1=localhost:50051 --input '{"num_records": 100}'`,
    '<%= config.bin %> orchestrate /export --output /export/data/run-result.json --timeout 30s',
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
    const prepared = prepareRun(args.export_dir, { addresses: addressesFromFlags(flags) });
    if (flags.plan) {
      const plan = planOf(prepared);
      if (!this.jsonEnabled()) this.log(renderPlan(plan));
      return plan;
    }

    const controller = new AbortController();
    let received: HandledSignal | undefined;
    const handlers = (Object.keys(SIGNAL_EXIT) as HandledSignal[]).map((name) => {
      const handler = () => {
        // A second signal does not wait for the calls to wind down.
        if (received) process.exit(SIGNAL_EXIT[name]);
        received = name;
        this.note(`${name}: cancelling the calls in flight (again to quit at once)`);
        controller.abort();
      };
      process.on(name, handler);
      return () => process.off(name, handler);
    });

    const progress = createProgress(progressMode({ json: this.jsonEnabled(), progress: flags.progress }));
    let document: RunResultDocument;
    let failure: UserError | undefined;
    try {
      const result = await executeRun(prepared, runOptionsFromFlags(flags, controller.signal), progress.onEvent);
      await progress.done();
      document = runResultDocument(result);
      failure = runFailure(result);
      if (flags.output) writeOutput(flags.output, document);
      if (!this.jsonEnabled()) this.log(resultsText(result));
    } finally {
      await progress.done();
      for (const off of handlers) off();
    }

    if (received) {
      if (this.jsonEnabled()) this.logJson(document);
      this.note(`cancelled by ${received}: ${Object.keys(document.results).length} node(s) finished`);
      this.exit(SIGNAL_EXIT[received]);
    }
    if (failure) {
      // With --json the error object carries the partial results too.
      throw new UserError(failure.code, failure.message, {
        hint: failure.hint,
        details: { ...failure.details, results: document.results, summary: document.summary },
      });
    }
    return document;
  }
}

function writeOutput(path: string, document: RunResultDocument): void {
  try {
    writeFileAtomic(path, JSON.stringify(document, null, 2) + '\n');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new UserError('OUTPUT_UNWRITABLE', `--output ${displayPath(path)}: cannot write (${code})`, {
      hint: 'give a file path in a writable folder',
      cause,
    });
  }
}
