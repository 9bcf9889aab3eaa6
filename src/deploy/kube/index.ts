// Kubernetes manifests for an export package (`aieffect kube`): plan (every check, nothing written), render (files),
// write (atomically), and what to tell the user.
export { planKube, type KubeOptions, type KubePlan, type KubeService } from './plan.js';
export { renderKube, writeKube, kubeSummary, kubeNotes, kubeNextSteps, type KubeFiles } from './render.js';
