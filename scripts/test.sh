#!/usr/bin/env bash
# The whole suite: lint, an incremental build, then every test file in one
# `node --test` run (one summary for CI to read).
set -euo pipefail
cd "$(dirname "$0")/.."
npx biome check .
npm run build
node scripts/run-tests.mjs "$@"
