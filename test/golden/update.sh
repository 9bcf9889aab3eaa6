#!/usr/bin/env bash
# Rewrites every golden file from the current generators (the tests that compare against them, run with
# UPDATE_GOLDEN=1), then shows what changed. Review the diff before committing it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
npm run build
UPDATE_GOLDEN=1 npx vitest run test/e2e/build.test.ts test/e2e/compose.test.ts test/e2e/kube.test.ts test/unit/deploy-build-script.test.ts \
  test/unit/picture-formats.test.ts
git status --short test/golden
