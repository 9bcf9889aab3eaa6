// `aieffect add service <name> [--lang ts|python] [--use-case DIR] [--after SERVICE[.RPC]] [--no-install]`.
import { relative } from 'node:path';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../../cli/base-command.js';
import { writerJson, type WriterJson } from '../../cli/json-output.js';
import { shellWord } from '../../deploy/shell-template.js';
import { addService, LANGUAGE_NAMES, LANGUAGES, NPM_INSTALL, npmInstall } from '../../scaffold/index.js';
import { renderNextSteps } from '../../ui/next-steps.js';

export interface AddServiceJson extends WriterJson {
  use_case_dir: string;
  service: string;
  container: string;
  folder: string;
  lang: string;
  connection: { from_service: string; from_method: string; to_service: string; to_method: string } | null;
  installed: boolean;
}

export default class AddService extends BaseCommand {
  static override summary = 'Add a service to a use case: proto, server, Dockerfile and its docker-compose.yml entry.';
  static override description = `Writes services/<folder>/ of the use case (a .proto with one rpc, Process; a TypeScript or Python server with the standard gRPC health service; a Dockerfile whose base image is a build argument, NODE_IMAGE or PYTHON_IMAGE) and adds the service to docker-compose.yml, with its x-aieffect build and run commands, keeping the file's comments. <name> gives every name: "data-cleaner" is the service data-cleaner in folder services/data_cleaner, container data_cleaner1. --after connects an existing service's rpc to the new one in connections.json. The use case is checked as \`aieffect export\` checks it; nothing is written when a name or the result would be refused.`;
  static override examples = [
    '<%= config.bin %> add service data-cleaner',
    '<%= config.bin %> add service forecaster --lang python --after data-cleaner',
    '<%= config.bin %> add service reporter --use-case my-pipeline --after sink.Process',
  ];
  static override args = {
    name: Args.string({
      description: 'the service name: lowercase letters and digits, words joined by "-" or "_"',
      required: true,
    }),
  };
  static override flags = {
    lang: Flags.option({ options: LANGUAGES, default: 'ts' as const, summary: 'The language of the service.' })(),
    'use-case': Flags.string({ helpValue: '<dir>', default: '.', summary: 'The use case folder.' }),
    after: Flags.string({
      helpValue: '<service[.rpc]>',
      summary: "Connect this service's rpc (its only one, or the one named) to the new service in connections.json.",
    }),
    install: Flags.boolean({
      allowNo: true,
      default: true,
      summary: 'Run npm install when a TypeScript service needs it (--no-install: run it yourself).',
    }),
  };

  async run(): Promise<AddServiceJson> {
    const { args, flags } = await this.parse(AddService);
    const result = await addService(flags['use-case'], args.name, { lang: flags.lang, after: flags.after });
    const shown = relative(process.cwd(), result.dir) || '.';
    const where = shellWord(shown);
    const { names } = result;
    this.log(
      `added ${LANGUAGE_NAMES[result.lang]} service "${names.service}" to ${shown} (services/${names.folder}, container ${names.container})`,
    );
    for (const file of result.files) this.log(`  ${file}`);
    const c = result.connection;
    if (c) this.log(`connected ${c.from_service}.${c.from_method} -> ${c.to_service}.${c.to_method}`);
    const notes = [
      ...result.notes,
      ...(c
        ? []
        : [
            `${names.service} is in no connection: a pipeline with connections calls only connected rpcs, so link ${names.service}.Process in connections.json`,
          ]),
    ];
    for (const note of notes) this.note(note);

    let installed = false;
    if (result.npm && flags.install) {
      this.note(`install ${NPM_INSTALL.join(' ')} (in ${shown})`);
      await npmInstall(result.dir, (line) => this.note(`  ${line}`));
      installed = true;
    }
    const install = shown === '.' ? 'npm install' : `(cd ${where} && npm install)`;
    const next = [...(result.npm && !installed ? [install] : []), `aieffect run ${where}`];
    this.log(renderNextSteps(next));
    return writerJson(
      { outputDir: result.dir, files: result.files, notes, next },
      {
        use_case_dir: result.dir,
        service: names.service,
        container: names.container,
        folder: names.folder,
        lang: result.lang,
        connection: c ?? null,
        installed,
      },
    );
  }
}
