// A stand-in for an --orchestrator-path folder: Dockerfile.orchestrator and the compiled package files it copies
// (package.json, oclif.manifest.json, bin/run.js, dist/), which `aieffect compose` checks are there. Not buildable.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeOrchestratorContext(dir: string): string {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'Dockerfile.orchestrator'), 'FROM scratch\n');
  writeFileSync(join(dir, 'package.json'), '{"name": "aieffect"}\n');
  writeFileSync(join(dir, 'oclif.manifest.json'), '{}\n');
  writeFileSync(join(dir, 'bin', 'run.js'), '\n');
  return dir;
}
