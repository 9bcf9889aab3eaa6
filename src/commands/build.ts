// `aieffect build <use_case_dir> [--run]`: writes build_and_tag.sh (and with --run executes it).
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base-command.js';
import { renderNextSteps } from '../ui/next-steps.js';
import { buildArgWords, buildNextSteps, planBuild, writeBuildScript } from '../deploy/build-script.js';
import { dockerPreflight, runScript } from '../deploy/docker.js';
import { displayPath } from '../util/paths.js';
import { oneFile, writerJson, type WriterJson } from '../cli/json-output.js';
import { composeFileFlag, composeFileNote } from '../cli/compose-file-flag.js';

export interface BuildJson extends WriterJson {
  use_case_dir: string;
  project: string;
  images: { service: string; image: string | null; tagged: string }[];
  skipped_services: string[];
  ran: boolean;
}

export default class Build extends BaseCommand {
  static override summary = 'Write build_and_tag.sh: builds every service image of a use case and tags it for export.';
  static override description = `Reads <use_case_dir>/docker-compose.yml and writes <use_case_dir>/build_and_tag.sh, which runs \`docker compose build\` (or docker-compose v1) for every service with a build section and tags each image as <use_case>-<service>:latest, the name \`aieffect export\` puts into blueprint.json. Service and image names are checked against Docker's rules first. With --run the script is executed right away (Docker needed); --build-arg values go to every image's build.`;
  static override examples = [
    '<%= config.bin %> build examples/file_based_energy_pipeline',
    '<%= config.bin %> build examples/file_based_energy_pipeline --run',
    '<%= config.bin %> build examples/file_based_energy_pipeline --run --build-arg NODE_IMAGE=mirror.example.com/node:22-bookworm-slim',
  ];
  static override args = {
    use_case_dir: Args.string({ description: 'use case folder holding docker-compose.yml', required: true }),
  };
  static override flags = {
    run: Flags.boolean({ description: 'execute the script after writing it, streaming its output' }),
    file: composeFileFlag,
    'build-arg': Flags.string({
      description: 'NAME=VALUE for every image build (e.g. NODE_IMAGE=...), passed to the script; repeatable',
      multiple: true,
      default: [],
    }),
  };

  async run(): Promise<BuildJson> {
    const { args, flags } = await this.parse(Build);
    const buildArgs = buildArgWords(flags['build-arg']);
    const plan = planBuild(args.use_case_dir, { composeFile: flags.file });
    const script = displayPath(plan.scriptPath);
    const notes = [
      composeFileNote(args.use_case_dir, flags.file),
      ...plan.skipped.map((name) => `skipping ${name}: no build section (an image pulled as it is)`),
    ].filter((note) => note !== undefined);
    for (const note of notes) this.note(note);
    writeBuildScript(plan);
    this.log(`wrote ${script}: builds and tags ${plan.images.length} image${plan.images.length === 1 ? '' : 's'}`);
    for (const image of plan.images) this.log(`  ${image.tagged}`);
    if (flags.run) {
      await dockerPreflight('aieffect build --run', {
        compose: true,
        fallback: `run ${script} later on a machine with Docker`,
      });
      this.note(`running ${script}`);
      await runScript(plan.scriptPath, plan.useCaseDir, buildArgs);
    }
    const next = buildNextSteps(plan, flags.run, buildArgs);
    this.log(renderNextSteps(next));
    return writerJson(
      { ...oneFile(plan.scriptPath), notes, next },
      {
        use_case_dir: plan.useCaseDir,
        project: plan.project,
        images: plan.images,
        skipped_services: plan.skipped,
        ran: flags.run ?? false,
      },
    );
  }
}
