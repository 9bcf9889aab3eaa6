// `aieffect run <use_case_dir>`: a use case end to end on this machine, no Docker. Parses flags, calls
// runUseCaseLocally (src/local), renders its events and the results; SIGINT/SIGTERM stop the services and cancel the
// run (exit 130/143), and with --keep-running the services stay up until then.
import type { Interfaces } from '@oclif/core';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base-command.js';
import { addressesFromFlags, engineFlags, parseDuration, runOptionsFromFlags } from '../cli/engine-flags.js';
import { composeFileFlag, composeFileNote } from '../cli/compose-file-flag.js';
import { protoPathFlag } from '../cli/proto-path-flag.js';
import {
  SIGNAL_EXIT,
  onTerminationSignals,
  writeRunOutput,
  writeRunOutputLast,
  type HandledSignal,
} from '../cli/run-output.js';
import { checkOutputFile } from '../cli/output-file.js';
import { RunRecord } from '../cli/run-record.js';
import { openRunReport } from '../cli/open-run-report.js';
import type { RunReport } from '../cli/run-report.js';
import { UserError, isUserError } from '../errors.js';
import {
  DEFAULT_WAIT_TIMEOUT_MS,
  resultsText,
  runFailure,
  runResultDocument,
  type RunResultDocument,
} from '../engine/index.js';
import { runUseCaseLocally, type LocalRun, type LocalServiceInfo } from '../local/index.js';
import { displayPath } from '../util/paths.js';
import { createRunConsole, renderErrorOutputs, renderOutputTail, renderServiceTable } from '../ui/local-services.js';

/** The run's result as --json and --output give it: the engine's document plus where the services ran. */
export interface LocalRunDocument extends RunResultDocument {
  data_dir: string;
  services: Pick<LocalServiceInfo, 'service' | 'container' | 'address' | 'pid'>[];
  /** With --keep-running: the services are still up. */
  running: boolean;
}

// `--plan` belongs to a package's addresses, which a local run only knows once it has started the services.
const { plan: _plan, ...runEngineFlags } = engineFlags;

export default class Run extends BaseCommand {
  static override summary = 'Run a use case end to end on this machine: its services as local processes, no Docker.';
  static override description = `Exports <use_case_dir> to a temporary folder, runs each x-aieffect build whose outputs are missing or older than its sources (like make), starts every service with the command in its x-aieffect extension in docker-compose.yml (GRPC_PORT: a free port, GRPC_HOST: 127.0.0.1, DATA_DIR: the data folder), waits until each is ready (gRPC health SERVING), runs the pipeline as \`aieffect orchestrate\` does and stops the services. Results go to stdout as {"<container>:<operation>": output}; progress to stderr. A service that exits or never becomes ready stops the run with its last output lines. --address container=host:port uses a service you run yourself instead of starting it.`;
  static override examples = [
    '<%= config.bin %> run examples/file_based_energy_pipeline',
    `<%= config.bin %> run examples/file_based_energy_pipeline --input '{"num_records": 500, "report_format": "html"}'`,
    '<%= config.bin %> run examples/file_based_energy_pipeline --keep-running',
    '<%= config.bin %> run examples/file_based_energy_pipeline --report run-report.html',
    '<%= config.bin %> run examples/file_based_energy_pipeline --address data_analyzer1=localhost:50051',
  ];
  static override args = {
    use_case_dir: Args.string({
      description: 'use case folder (docker-compose.yml with x-aieffect, services/*/proto, connections.json)',
      required: true,
    }),
  };
  static override flags = {
    ...runEngineFlags,
    file: composeFileFlag,
    'proto-path': protoPathFlag,
    // The same flags as orchestrate's, described for what they mean here.
    address: Flags.string({
      char: 'a',
      multiple: true,
      helpValue: '<container=host:port>',
      summary: 'Use the service at host:port for this container instead of starting it (one you run yourself).',
    }),
    'wait-timeout': Flags.custom<number>({ parse: async (input) => parseDuration(input) })({
      helpValue: '<duration>',
      default: DEFAULT_WAIT_TIMEOUT_MS,
      defaultHelp: async () => '60s',
      summary: 'How long each service may take to start and report SERVING on the gRPC health service.',
    }),
    'data-dir': Flags.string({
      helpValue: '<dir>',
      summary: "The services' shared data folder, given to each as DATA_DIR. Default: <use_case_dir>/data.",
    }),
    'keep-running': Flags.boolean({
      summary: 'After a successful run, keep the services up and print their addresses; Ctrl-C stops them.',
    }),
    logs: Flags.boolean({
      summary: "Stream every service's output to stderr, each line prefixed with the service name.",
    }),
    build: Flags.boolean({
      allowNo: true,
      summary: 'Run every x-aieffect.build first (--no-build: none). Default: only those whose outputs are stale.',
    }),
  };

  async run(): Promise<LocalRunDocument> {
    const { args, flags } = await this.parse(Run);
    // From here on, whatever happens, --output gets a run result document; a path that cannot take one stops first.
    if (flags.output !== undefined) checkOutputFile('--output', flags.output);
    const report = await openRunReport(flags.report, [this.id ?? '', ...this.argv], this.config.version);
    const record = new RunRecord();
    const controller = new AbortController();
    let received: HandledSignal | undefined;
    let waitForStop: (() => void) | undefined;
    const release = onTerminationSignals((name) => {
      if (waitForStop) {
        this.note(`${name}: stopping the services`);
        return waitForStop();
      }
      // A second signal does not wait for the services to wind down (the exit hook still kills them); what is known
      // so far is written at once.
      if (received) {
        if (flags.output !== undefined) writeRunOutputLast(flags.output, record.document('cancelled'));
        report?.writeNow('cancelled');
        process.exit(SIGNAL_EXIT[name]);
      }
      received = name;
      this.note(`${name}: stopping the services (again to quit at once)`);
      controller.abort();
    });
    try {
      return await this.runWith(
        args.use_case_dir,
        flags,
        controller.signal,
        { record, report },
        {
          received: () => received,
          waitForSignal: () => new Promise<void>((resolve) => (waitForStop = resolve)),
        },
      );
    } finally {
      release();
    }
  }

  private async runWith(
    useCaseDir: string,
    flags: Interfaces.InferredFlags<typeof Run.flags>,
    signal: AbortSignal,
    { record, report }: { record: RunRecord; report: RunReport | undefined },
    signals: { received: () => HandledSignal | undefined; waitForSignal: () => Promise<void> },
  ): Promise<LocalRunDocument> {
    const screen = createRunConsole({ json: this.jsonEnabled(), progress: flags.progress, logs: flags.logs });
    const output = flags.output;
    const note = composeFileNote(useCaseDir, flags.file);
    if (note) this.note(note);

    let local: LocalRun;
    try {
      local = await runUseCaseLocally(useCaseDir, {
        dataDir: flags['data-dir'],
        composeFile: flags.file,
        protoPaths: flags['proto-path'],
        addresses: addressesFromFlags(flags),
        run: runOptionsFromFlags(flags, signal),
        keepRunning: flags['keep-running'],
        build: flags.build === undefined ? 'auto' : flags.build ? 'always' : 'never',
        onLocalEvent: (event) => {
          report?.onLocalEvent(event);
          screen.onLocalEvent(event);
        },
        onEngineEvent: (event) => {
          record.onEvent(event);
          report?.onEvent(event);
          screen.onEngineEvent(event);
        },
        onOutput: (service, line) => screen.onOutput(service, line),
        onPlan: (pipeline, nodes, graph) => {
          record.plan(pipeline, nodes);
          report?.pipeline(graph, pipeline);
        },
        onResult: (result) => record.finished(runResultDocument(result)),
      });
    } catch (err) {
      await screen.done();
      const received = signals.received();
      // A usage error found late (an --input naming no start node) ran nothing: there is nothing to write.
      if (!(isUserError(err) && err.exit === 2)) {
        if (output !== undefined) {
          writeRunOutputLast(output, record.document(received ? 'cancelled' : 'failed', received ? undefined : err));
        }
        await report?.writeLast(received ? 'cancelled' : 'failed', received ? undefined : err);
      }
      if (received) this.cancelled(received);
      if (isUserError(err) && !this.jsonEnabled()) {
        // A service that died mid-run: what finished before is still a result.
        if (err.details?.results !== undefined) this.log(JSON.stringify(err.details.results, null, 2));
        this.showOutputOf(err);
      }
      throw err;
    }
    await screen.done();

    const { result } = local;
    const document: LocalRunDocument = {
      ...runResultDocument(result),
      data_dir: local.dataDir,
      services: local.services.map(({ service, container, address, pid }) => ({ service, container, address, pid })),
      running: local.running,
    };
    // Results first: they reach stdout even when the file cannot be written.
    if (!this.jsonEnabled()) this.log(resultsText(result));

    const received = signals.received();
    if (received) {
      if (this.jsonEnabled()) this.logJson(document);
      if (output !== undefined) writeRunOutputLast(output, document);
      await report?.writeLast('cancelled');
      this.cancelled(received, `${Object.keys(document.results).length} node(s) finished`);
    }
    // A file that cannot be written is the command's error (it carries the results, for --json); the services stop.
    const failure = runFailure(result);
    try {
      if (output !== undefined) writeRunOutput(output, document);
      await report?.write(result.summary.status, failure);
    } catch (err) {
      await local.stop();
      throw err;
    }
    if (failure) {
      const container = String(failure.details?.node ?? '').split(':')[0] ?? '';
      const service = local.services.find((s) => s.container === container);
      if (service && !this.jsonEnabled()) {
        process.stderr.write(renderOutputTail(service.service, local.output(container)) + '\n');
      }
      // With --json the error object carries the partial results too (runFailure puts them in its details).
      throw failure;
    }
    this.note(`files of the run are in ${displayPath(local.dataDir)}`);
    if (!local.running) return document;

    if (this.jsonEnabled()) this.logJson(document);
    else this.log(`\nservices running (Ctrl-C stops them):\n${renderServiceTable(document.services)}`);
    screen.forwardOutput(!this.jsonEnabled());
    // Up until a signal, or until a service dies (then the others go too and the command fails).
    const died = await Promise.race([signals.waitForSignal().then(() => undefined), local.exited]);
    await local.stop();
    if (died) {
      if (!this.jsonEnabled()) this.showOutputOf(died);
      throw died;
    }
    return this.exit(0);
  }

  /** Before the error line: the last output lines of the service(s) it is about, which usually say why. */
  private showOutputOf(err: UserError): void {
    for (const block of renderErrorOutputs(err.details)) process.stderr.write(block + '\n');
  }

  private cancelled(signal: HandledSignal, what?: string): never {
    this.note(`cancelled by ${signal}${what ? `: ${what}` : ''}`);
    return this.exit(SIGNAL_EXIT[signal]);
  }
}
