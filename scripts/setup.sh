#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine with Node 20 lacks, then builds.
# Safe to run twice: apt packages are installed only when missing, npm ci runs only
# when node_modules does not match package-lock.json, builds are incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "Debian packages"
missing=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done < scripts/apt-packages.txt
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "all present"
fi

step "npm packages"
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s <(node scripts/lock-digest.mjs package-lock.json) <(node scripts/lock-digest.mjs node_modules/.package-lock.json); then
  npm ci --no-audit --no-fund
else
  echo "node_modules matches package-lock.json"
fi

step "build"
npm run build

echo
echo "setup done: 'npm start' opens JupyterLab, 'npm test' runs the tests"
