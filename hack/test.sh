#!/usr/bin/env bash
# The whole test suite, from a fresh machine: Docker Engine, npm ci, type check, dist check, unit and
# integration tests, the locally built node image (cached), then e2e on real Kubernetes.
# Tiers can be chosen: hack/test.sh unit integration e2e (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
tiers=("${@:-unit integration e2e}")
tiers=(${tiers[*]})
results=$(mktemp -d)
step() { echo; echo "==== $* ($(date -u +%H:%M:%S))"; }

step "Docker Engine"
hack/docker-up.sh

step "npm ci"
if [[ ${CI:-} == true || ! -d node_modules ]]; then npm ci --no-audit --no-fund; fi

step "type check and bundle"
npm run -s typecheck
npm run -s build >/dev/null
if [[ -n $(git status --porcelain -- dist 2>/dev/null) ]]; then
  echo "dist/ is not the bundle of src/ (npm run build changed it):"; git status --porcelain -- dist; exit 1
fi

run_tier() {
  step "$1 tests"
  npx vitest run --project "$1" --reporter=default --reporter=json --outputFile="$results/$1.json"
}

status=0
for tier in "${tiers[@]}"; do
  if [[ $tier == e2e ]]; then
    step "node image and upstream kind CLI (cached)"
    hack/images/build-all.sh
  fi
  run_tier "$tier" || status=1
done

# One closing line for all tiers together.
node -e '
  const fs = require("fs"); let passed = 0, failed = 0, skipped = 0
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8"))
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0)
  }
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`)
' "$results"
exit $status
