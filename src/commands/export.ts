// `aieffect export <use_case_dir> <output_dir> [--overwrite] [--pipeline-id ID]`: writes the platform export package.
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base-command.js';
import { renderNextSteps } from '../ui/next-steps.js';
import { writerJson, type WriterJson } from '../cli/json-output.js';
import { composeFileFlag, composeFileNote } from '../cli/compose-file-flag.js';
import { protoPathFlag } from '../cli/proto-path-flag.js';
import { exportUseCase, summaryPath } from '../platform/export.js';

export interface ExportJson extends WriterJson {
  use_case_dir: string;
  pipeline_id: string;
  pipeline_name: string;
  creation_date: string;
  replaced: boolean;
  nodes: { container: string; service: string; folder: string; image: string; operations: string[] }[];
  connections: number;
  skipped_folders: string[];
}

export default class Export extends BaseCommand {
  static override summary =
    'Write the platform export package (blueprint.json, dockerinfo.json, protos) of a use case.';
  static override description = `Reads <use_case_dir>/docker-compose.yml, services/*/proto/*.proto and connections.json, checks that every connection names an existing service and rpc and that each output message fits the next input field by field, and writes <output_dir>: blueprint.json, dockerinfo.json, generation_metadata.json and microservice/<container>.proto with every proto it imports. The folder is written atomically; an existing one is replaced only with --overwrite. The same input with the same --pipeline-id and SOURCE_DATE_EPOCH gives byte-identical files.`;
  static override examples = [
    '<%= config.bin %> export examples/file_based_energy_pipeline use-cases-platform/file_based_energy_pipeline',
    '$ SOURCE_DATE_EPOCH=1700000000 <%= config.bin %> export examples/file_based_energy_pipeline out/energy --pipeline-id energy-v1 --json',
    '<%= config.bin %> export examples/file_based_energy_pipeline out/energy --overwrite --pipeline-id energy-v1',
  ];
  static override args = {
    use_case_dir: Args.string({
      description: 'use case folder holding docker-compose.yml, services/ and connections.json',
      required: true,
    }),
    output_dir: Args.string({ description: 'folder to write the export package to (created)', required: true }),
  };
  static override flags = {
    file: composeFileFlag,
    overwrite: Flags.boolean({
      description: 'replace output_dir if it exists (only once the new package is complete)',
    }),
    'pipeline-id': Flags.string({
      description:
        'pipeline_id to write (default: a random UUID); pin it, with SOURCE_DATE_EPOCH, for reproducible output',
    }),
    'proto-path': protoPathFlag,
  };

  async run(): Promise<ExportJson> {
    const { args, flags } = await this.parse(Export);
    const summary = await exportUseCase(args.use_case_dir, args.output_dir, {
      overwrite: flags.overwrite,
      pipelineId: flags['pipeline-id'],
      composeFile: flags.file,
      protoPaths: flags['proto-path'],
    });
    const out = summaryPath(summary.outDir);
    const notes = [
      composeFileNote(args.use_case_dir, flags.file),
      ...summary.unusedFolders.map((folder) => `skipped services/${folder}: no compose service is built from it`),
      ...summary.notes,
    ].filter((note) => note !== undefined);
    for (const note of notes) this.note(note);
    const verb = summary.replaced ? 'replaced' : 'wrote';
    this.log(
      `${verb} ${out}: pipeline "${summary.pipelineName}", ${summary.nodes.length} node${summary.nodes.length === 1 ? '' : 's'}, ${summary.connections} connection${summary.connections === 1 ? '' : 's'}`,
    );
    for (const file of summary.files) this.log(`  ${file}`);
    this.log(`pipeline_id ${summary.pipelineId}, creation_date ${summary.creationDate}`);
    const next = [`aieffect compose ${out}`];
    this.log(renderNextSteps(next));
    return writerJson(
      { outputDir: summary.outDir, files: summary.files, notes, next },
      {
        use_case_dir: summary.useCase,
        pipeline_id: summary.pipelineId,
        pipeline_name: summary.pipelineName,
        creation_date: summary.creationDate,
        replaced: summary.replaced,
        nodes: summary.nodes.map((node) => ({
          container: node.container_name,
          service: node.compose_service,
          folder: node.folder,
          image: node.image,
          operations: node.operations,
        })),
        connections: summary.connections,
        skipped_folders: summary.unusedFolders,
      },
    );
  }
}
