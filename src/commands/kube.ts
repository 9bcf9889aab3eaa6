// `aieffect kube <export_dir>`: writes Kubernetes manifests (and a kustomization.yaml) for an export package, with the
// orchestrator as a Job inside the cluster.
import * as Args from '@oclif/core/args';
import { BaseCommand } from '../cli/base-command.js';
import { writerJson, type WriterJson } from '../cli/json-output.js';
import { kubeFlags, kubeOptionsFromFlags } from '../cli/kube-flags.js';
import { kubeNextSteps, kubeNotes, kubeSummary, planKube, renderKube, writeKube } from '../deploy/kube/index.js';
import { loadPackage } from '../platform/read.js';
import { renderNextSteps } from '../ui/next-steps.js';

export type KubeResult = WriterJson & {
  export_dir: string;
  port_rule: string;
  namespace: string | null;
  services: {
    container: string;
    name: string;
    image: string;
    replicas: number;
    headless: boolean;
    port: number;
    web_ui_port: number | null;
    probe: string;
  }[];
  job: string;
  config_map: string;
  volume_claim: string;
  renamed: { of: string; original: string; name: string; reason: string }[];
};

export default class Kube extends BaseCommand {
  static override summary = 'Write Kubernetes manifests for an export package, with the orchestrator as a Job.';
  static override description = `Reads blueprint.json, dockerinfo.json and the protos of <export_dir> and writes a folder (default: <export_dir>/kubernetes) of manifests with a kustomization.yaml: per blueprint node a Deployment and a Service (headless when it has several replicas), the package in a ConfigMap mounted read-only at /export with dockerinfo.json pointing at the Services, the shared data folder as a PersistentVolumeClaim mounted at /app/data, and a Job that runs \`aieffect orchestrate\` once. Deploy with \`kubectl apply -k <dir>\`.`;
  static override examples = [
    '<%= config.bin %> kube out/energy',
    '<%= config.bin %> kube out/energy -o deploy/k8s --namespace energy --replicas data_analyzer1=3 --orchestrator-image registry.example.com/aieffect-orchestrator:0.1',
    '<%= config.bin %> kube out/energy -o deploy/gpu --image-pull-secret registry-credentials --probe grpc --limits data_analyzer1=nvidia.com/gpu=1',
  ];
  static override args = {
    export_dir: Args.string({
      description: 'export package folder (blueprint.json, dockerinfo.json, microservice/)',
      required: true,
    }),
  };
  static override flags = kubeFlags;

  async run(): Promise<KubeResult> {
    const { args, flags } = await this.parse(Kube);
    const options = kubeOptionsFromFlags(flags);
    const plan = planKube(loadPackage(args.export_dir), options);
    const files = renderKube(plan);
    const notes = kubeNotes(plan);
    for (const note of notes) this.note(note);
    await writeKube(plan, files);

    for (const line of kubeSummary(plan, files)) this.log(line);
    const next = kubeNextSteps(plan);
    this.log(renderNextSteps(next));
    return writerJson(
      { outputDir: plan.outputDir, files: [...files.keys()], notes, next },
      {
        export_dir: plan.exportDir,
        port_rule: plan.portRule,
        namespace: plan.namespace ?? null,
        services: plan.services.map((s) => ({
          container: s.container,
          name: s.name,
          image: s.image,
          replicas: s.replicas,
          headless: s.headless,
          port: s.port,
          web_ui_port: s.webUi ?? null,
          probe: s.probe,
        })),
        job: plan.job.name,
        config_map: plan.configMap.name,
        volume_claim: plan.claim.name,
        renamed: plan.renamed.map((r) => ({ of: r.of, original: r.original, name: r.name, reason: r.reason ?? '' })),
      },
    );
  }
}
