// `aieffect compose <export_dir>`: writes docker-compose.yml for an export package (ours or the platform's).
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base-command.js';
import { containerPortFlag, parseContainerPorts } from '../cli/container-port-flag.js';
import { renderNextSteps } from '../ui/next-steps.js';
import {
  applyHealthchecks,
  DEFAULT_BASE_PORT,
  planCompose,
  type OrchestratorSource,
  type PlannedService,
} from '../deploy/compose.js';
import { composeNextSteps, composeSummary, writeCompose } from '../deploy/compose-file.js';
import { dockerPreflight, imagesWithHealthcheck } from '../deploy/docker.js';
import { loadPackage } from '../platform/read.js';
import { oneFile, writerJson, type WriterJson } from '../cli/json-output.js';

export interface ComposeJson extends WriterJson {
  export_dir: string;
  data_dir: string;
  port_rule: string;
  services: (Omit<PlannedService, 'name' | 'webUi'> & {
    container: string;
    web_ui?: { port: number; published: number | null };
  })[];
  orchestrator: { build?: string; image: string; command: string[] } | null;
  project: { name: string; env_file: string; source: 'pipeline' | 'flag' | 'env-file' };
}

export default class Compose extends BaseCommand {
  static override summary = 'Write docker-compose.yml for an export package, optionally with the orchestrator.';
  static override description = `Reads blueprint.json and dockerinfo.json of <export_dir> and writes a docker-compose.yml (default: in <export_dir>) with one service per blueprint node on the bridge network ai-effect-pipeline: the node's image, its dockerinfo address as a network alias, published ports from --base-port upward, ./data mounted at /app/data. Each service is published on the port it really listens on: its dockerinfo port (given to it as GRPC_PORT) for AI-Effect packages, gRPC 8061 and web UI 8062 for Graphene/AI4EU packages (recognised from blueprint.json), or --container-port. With --orchestrator-path or --orchestrator-image an orchestrator service runs the pipeline once against them and writes run-result.json into ./data. No fixed container or network names: Compose prefixes them with the project name, which a .env file beside the compose file sets (COMPOSE_PROJECT_NAME: the pipeline's name and the start of its pipeline_id, or --project-name; other lines of an existing .env are kept). Creates ./data beside the file.`;
  static override examples = [
    '<%= config.bin %> compose out/energy --orchestrator-path .',
    '<%= config.bin %> compose out/energy --output deploy/docker-compose.yml --base-port 6000',
    '<%= config.bin %> compose out/energy --container-port data_analyzer1=9000',
  ];
  static override args = {
    export_dir: Args.string({ description: 'export package folder (blueprint.json, dockerinfo.json)', required: true }),
  };
  static override flags = {
    'base-port': Flags.integer({
      description: 'first published host port; services get consecutive ports in name order',
      default: DEFAULT_BASE_PORT,
      min: 1,
      max: 65535,
    }),
    'orchestrator-path': Flags.string({
      description: 'add the orchestrator, built from Dockerfile.orchestrator in this folder',
      exclusive: ['orchestrator-image'],
    }),
    'orchestrator-image': Flags.string({
      description: 'add the orchestrator, run from this image',
      exclusive: ['orchestrator-path'],
    }),
    output: Flags.string({ char: 'o', description: 'file to write (default: <export_dir>/docker-compose.yml)' }),
    'container-port': containerPortFlag,
    'ephemeral-ports': Flags.boolean({
      description:
        'publish every port on a host port the engine picks when the container starts (docker compose port SERVICE PORT tells which), instead of --base-port upward',
      exclusive: ['base-port'],
    }),
    'project-name': Flags.string({
      description:
        'the Compose project (COMPOSE_PROJECT_NAME in .env beside the file); default: the pipeline name and the start of its pipeline_id',
    }),
    'inspect-images': Flags.boolean({
      description:
        'ask the local Docker engine which images define a HEALTHCHECK; the orchestrator waits for those with service_healthy',
    }),
  };

  async run(): Promise<ComposeJson> {
    const { args, flags } = await this.parse(Compose);
    const pkg = loadPackage(args.export_dir);
    let orchestrator: OrchestratorSource | undefined;
    if (flags['orchestrator-path'] !== undefined) orchestrator = { path: flags['orchestrator-path'] };
    if (flags['orchestrator-image'] !== undefined) orchestrator = { image: flags['orchestrator-image'] };
    let plan = planCompose(pkg, {
      basePort: flags['base-port'],
      orchestrator,
      output: flags.output,
      containerPorts: parseContainerPorts(flags['container-port']),
      projectName: flags['project-name'],
      ephemeralPorts: flags['ephemeral-ports'],
    });
    if (flags['inspect-images']) {
      const docker = await dockerPreflight('--inspect-images', {
        compose: false,
        fallback: 'leave out --inspect-images (every service is then service_started)',
      });
      plan = applyHealthchecks(
        plan,
        await imagesWithHealthcheck(
          docker,
          plan.services.map((s) => s.image),
        ),
      );
    }
    for (const note of plan.notes) this.note(note);
    writeCompose(plan);

    for (const line of composeSummary(plan)) this.log(line);
    const next = composeNextSteps(plan);
    this.log(renderNextSteps(next));
    return writerJson(
      {
        outputDir: oneFile(plan.outputPath).outputDir,
        files: [plan.outputPath, ...(plan.project.envText === undefined ? [] : [plan.project.envPath])],
        notes: plan.notes,
        next,
      },
      {
        export_dir: pkg.dir,
        data_dir: plan.dataDir,
        port_rule: plan.portRule,
        services: plan.services.map(({ name, webUi, ...service }) => ({
          container: name,
          ...service,
          ...(webUi ? { web_ui: webUi } : {}),
        })),
        orchestrator: plan.orchestrator ?? null,
        project: { name: plan.project.name, env_file: plan.project.envPath, source: plan.project.source },
      },
    );
  }
}
