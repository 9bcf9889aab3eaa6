// `aieffect graph <use_case_dir | export_dir> [--format mermaid|dot|svg] [-o FILE]`: draws a pipeline. Parses flags,
// loads the picture, renders it, writes it to stdout or the file.
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base-command.js';
import { oneFile, writerJson, type WriterJson } from '../cli/json-output.js';
import { writeOutputFile } from '../cli/output-file.js';
import { protoPathFlag } from '../cli/proto-path-flag.js';
import { loadPicture, pictureFormat, PICTURE_FORMATS, renderPicture, type PictureFormat } from '../picture/index.js';
import { summaryPath } from '../platform/export.js';
import { pictureDocument, pictureSummary, type PictureDocument } from '../ui/picture.js';

/** --json: the folder drawn (under the key its kind has everywhere), the format and the pipeline as data. */
export type GraphJson = PictureDocument & { format: PictureFormat } & (
    { use_case_dir: string; export_dir?: never } | { export_dir: string; use_case_dir?: never }
  );
/** Without --output the picture itself is in `text`; with it, the writer's keys say where it went. */
export type GraphResult = (GraphJson & { text: string }) | (WriterJson & GraphJson);

export default class Graph extends BaseCommand {
  static override summary = 'Draw a pipeline (use case or export package) as Mermaid, Graphviz DOT or SVG.';
  static override description = `Reads a use case folder (docker-compose.yml, services/*/proto, connections.json; checked as \`aieffect export\` checks it) or an export package (blueprint.json, ours or the platform's) and draws its pipeline: one box per container:operation, grouped by container; links labelled with the message they carry, stream links dashed; operations no link touches grey ("not wired"). The format is --format, else the one the --output extension names (.mmd, .dot/.gv, .svg), else Mermaid. SVG is laid out by Graphviz compiled to WebAssembly: offline, nothing else to install. The same pipeline gives the same bytes.`;
  static override examples = [
    '<%= config.bin %> graph examples/file_based_energy_pipeline',
    '<%= config.bin %> graph examples/file_based_energy_pipeline -o pipeline.svg',
    '<%= config.bin %> graph out/energy --format dot | dot -Tpng -o pipeline.png',
  ];
  static override args = {
    dir: Args.string({
      description: 'use case folder (docker-compose.yml, connections.json) or export package (blueprint.json)',
      required: true,
    }),
  };
  static override flags = {
    format: Flags.option({ options: PICTURE_FORMATS })({
      summary: 'mermaid, dot or svg. Default: from the --output extension, else mermaid.',
    }),
    output: Flags.string({
      char: 'o',
      helpValue: '<file>',
      summary: 'Write the picture to this file (atomically) instead of stdout.',
    }),
    'proto-path': protoPathFlag,
  };

  async run(): Promise<GraphResult> {
    const { args, flags } = await this.parse(Graph);
    const format = pictureFormat(flags.format, flags.output);
    const { kind, dir, picture } = loadPicture(args.dir, { protoPaths: flags['proto-path'] });
    const text = await renderPicture(picture, format);
    const json: GraphJson = {
      ...(kind === 'use-case' ? { use_case_dir: dir } : { export_dir: dir }),
      format,
      ...pictureDocument(picture),
    };
    if (flags.output === undefined) {
      if (!this.jsonEnabled()) process.stdout.write(text);
      return { ...json, text };
    }
    writeOutputFile('--output', flags.output, text);
    this.log(`wrote ${summaryPath(flags.output)}: ${format} of ${pictureSummary(picture)}`);
    return writerJson(oneFile(flags.output), json);
  }
}
