// Checks of Kubernetes manifests with Kubernetes' own tools: every document validated against the API's schemas as
// kubernetes-models ships them (generated from the Kubernetes OpenAPI spec), and a folder built by kustomize as
// `kubectl kustomize` does it (kubectl runs here without an API server; nothing is applied).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { expect } from 'vitest';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  'apps/v1 Deployment': Deployment as unknown as Model,
  'batch/v1 Job': Job as unknown as Model,
  'v1 ConfigMap': ConfigMap as unknown as Model,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim as unknown as Model,
  'v1 Service': Service as unknown as Model,
};

/**
 * Validates one manifest against its kind's schema; throws an error listing every violation (path and message).
 * A kind without a model here is an error too, so a new kind cannot go unchecked.
 */
export function validateManifest(doc: Manifest, where = ''): void {
  const Model = MODELS[`${doc.apiVersion} ${doc.kind}`];
  if (!Model) throw new Error(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
  try {
    new Model(doc as never).validate();
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message: string }[] }).errors ?? [];
    throw new Error(
      `${where}: ${doc.kind} ${doc.metadata?.name} is invalid: ${errors.map((e) => `${e.instancePath} ${e.message}`).join('; ') || (err as Error).message}`,
    );
  }
}

/** Reads a YAML file of one document. */
export function readManifest(path: string): Manifest {
  return yaml.load(readFileSync(path, 'utf8')) as Manifest;
}

/** `kubectl kustomize DIR` (the kubectl given by KUBECTL, else the one on PATH); returns the documents it built. */
export function kustomize(dir: string): Manifest[] {
  const kubectl = process.env.KUBECTL || 'kubectl';
  const result = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8' });
  if (result.error) throw new Error(`${kubectl}: ${result.error.message} (kubectl is needed for these tests)`);
  expect(result.stderr, `${kubectl} kustomize ${dir}`).toBe('');
  expect(result.status).toBe(0);
  return yaml.loadAll(result.stdout) as Manifest[];
}

/** Every manifest of a generated folder, by file name (kustomization.yaml aside), validated. */
export function validateFolder(dir: string, files: string[]): Map<string, Manifest> {
  const manifests = new Map<string, Manifest>();
  for (const file of files) {
    if (file === 'kustomization.yaml') continue;
    const doc = readManifest(join(dir, file));
    validateManifest(doc, file);
    manifests.set(file, doc);
  }
  return manifests;
}

/**
 * Writes what the orchestrator Job sees at /export into `dir`: each item of its ConfigMap volume (key -> path), from
 * the ConfigMap's data (text) or binaryData (base64). Returns `dir`.
 */
export function mountConfigMap(job: Manifest, configMap: Manifest, dir: string): string {
  const pod = (
    job.spec as {
      template: { spec: { volumes: { configMap?: { name: string; items: { key: string; path: string }[] } }[] } };
    }
  ).template.spec;
  const volume = pod.volumes.find((v) => v.configMap?.name === configMap.metadata.name);
  if (!volume) throw new Error(`the Job mounts no ConfigMap ${configMap.metadata.name}`);
  const data = (configMap.data ?? {}) as Record<string, string>;
  const binary = (configMap.binaryData ?? {}) as Record<string, string>;
  for (const { key, path } of volume.configMap!.items) {
    const content = key in data ? data[key]! : Buffer.from(binary[key]!, 'base64');
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}
