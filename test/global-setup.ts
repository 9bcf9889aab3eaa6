// Before any test file: the examples' x-aieffect builds (their TypeScript compiled to dist/), when stale, so that the
// tests which start the examples' services do not each spend their time limit waiting for one compiler run. Tests
// of the build step itself work on copies.
import { join } from 'node:path';
import { localServiceSpecs, runBuilds } from '../src/local/index.js';
import { readUseCaseCompose } from '../src/usecase/compose.js';
import { repoRoot } from './helpers/cli.js';

const EXAMPLES = ['file_based_energy_pipeline', 'polyglot_pipeline'];

export default async function setup(): Promise<void> {
  for (const example of EXAMPLES) {
    const dir = join(repoRoot, 'examples', example);
    const nodes = readUseCaseCompose(dir).services.flatMap((s) =>
      s.folder === undefined ? [] : [{ container_name: `${s.folder}1`, compose_service: s.name }],
    );
    await runBuilds(localServiceSpecs(dir, nodes), {
      onEvent: (e) => {
        if (e.type === 'build-starting') process.stderr.write(`global setup: building ${example} (${e.reason})\n`);
      },
    });
  }
}
