#!/usr/bin/env bash
# Runs before `npm test` and `npm start`: if this checkout was never set up (no node_modules or
# no build), run `npm run setup` first, so a newcomer who types only `npm test` or `npm start`
# still gets a working project. Costs nothing once set up.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ ! -f kernel/dist/index.js ] || [ ! -d build/jupyter ]; then
  echo "this checkout is not set up yet: running npm run setup first"
  bash scripts/setup.sh
fi
