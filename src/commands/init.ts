// `aieffect init <dir> [--name NAME] [--lang ts|python] [--no-install]`: a new use case that runs at once.
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { relative } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { writerJson, type WriterJson } from '../cli/json-output.js';
import { shellWord } from '../deploy/shell-template.js';
import { INIT_SERVICES, initUseCase, LANGUAGE_NAMES, LANGUAGES, NPM_INSTALL, npmInstall } from '../scaffold/index.js';
import { renderNextSteps } from '../ui/next-steps.js';
import { displayPath } from '../util/paths.js';

export interface InitJson extends WriterJson {
  pipeline_name: string;
  project: string;
  lang: string;
  services: { service: string; container: string; folder: string }[];
  installed: boolean;
}

export default class Init extends BaseCommand {
  static override summary = 'Create a use case: two connected gRPC services that export and run at once.';
  static override description = `Creates <dir> (or fills it when it is empty) with docker-compose.yml (each service with its x-aieffect build and run commands), connections.json and two services, ${INIT_SERVICES.join(' and ')}, the first feeding the second: each a .proto, a server with the standard gRPC health service and a Dockerfile whose base image is a build argument. TypeScript services share the use case's package.json; init runs \`npm install\` for them (--no-install: do it yourself). Then \`aieffect run <dir>\` runs the pipeline, \`aieffect add service\` adds services.`;
  static override examples = [
    '<%= config.bin %> init my-pipeline',
    '<%= config.bin %> init my-pipeline --name energy-forecast',
    '<%= config.bin %> init my-pipeline --lang python',
    '<%= config.bin %> init . --no-install',
  ];
  static override args = {
    dir: Args.string({
      description: 'folder of the new use case: new, or empty; its name prefixes the image names',
      required: true,
    }),
  };
  static override flags = {
    name: Flags.string({
      helpValue: '<name>',
      summary: 'The pipeline name (connections.json, blueprint.json). Default: the folder name.',
    }),
    lang: Flags.option({ options: LANGUAGES, default: 'ts' as const, summary: 'The language of the two services.' })(),
    install: Flags.boolean({
      allowNo: true,
      default: true,
      summary: "Install the TypeScript services' npm dependencies (--no-install: run `npm install` yourself).",
    }),
  };

  async run(): Promise<InitJson> {
    const { args, flags } = await this.parse(Init);
    const result = await initUseCase(args.dir, { name: flags.name, lang: flags.lang });
    const shown = displayPath(result.dir);
    const chain = result.services.map((s) => s.service).join(' -> ');
    this.log(
      `created ${shown}: pipeline "${result.name}", ${result.services.length} ${LANGUAGE_NAMES[result.lang]} services (${chain})`,
    );
    for (const file of result.files) this.log(`  ${file}`);

    let installed = false;
    if (result.npm && flags.install) {
      this.note(`install ${NPM_INSTALL.join(' ')} (in ${shown})`);
      await npmInstall(result.dir, (line) => this.note(`  ${line}`));
      installed = true;
    }
    const cd = relative(process.cwd(), result.dir);
    const next = [
      ...(cd === '' ? [] : [`cd ${shellWord(cd)}`]),
      ...(result.npm && !installed ? [NPM_INSTALL.slice(0, 2).join(' ')] : []),
      'aieffect run .',
      `aieffect add service <name> --after ${result.services.at(-1)!.service}`,
    ];
    this.log(renderNextSteps(next));
    return writerJson(
      { outputDir: result.dir, files: result.files, next },
      {
        pipeline_name: result.name,
        project: result.project,
        lang: result.lang,
        services: result.services.map((s) => ({ service: s.service, container: s.container, folder: s.folder })),
        installed,
      },
    );
  }
}
