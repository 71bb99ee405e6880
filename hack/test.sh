#!/usr/bin/env bash
# The whole test suite, from a fresh machine: Docker Engine, npm ci, type check, dist check, unit and
# integration tests, the locally built node image (cached), then e2e on real Kubernetes.
# Tiers can be chosen: hack/test.sh unit integration e2e e2e-strict faults helm-replay vm node-image-source e2e-versions (default:
# unit integration e2e e2e-strict faults helm-replay vm, and e2e-versions too when every other Kubernetes
# line's binaries are already cached, as on a warm CI machine).
#   e2e           every e2e scenario on the default Kubernetes line (KUBE_VERSION of hack/images/versions.env)
#   e2e-strict    the same with KIND_ACTION_SPEEDUPS=off: every speed-up off, kind's strict order
#   faults        creations broken on purpose (README "Faults"), one line per case (issue 18)
#   helm-replay   the e2e replays of helm/kind-action with: blocks, each through a real cluster (issue 17)
#   node-image-source  build-node-image from a kubernetes/kubernetes checkout (hack/fixtures/kubernetes-checkout.sh)
#                 and a cluster from it: its compile took 56 min (20 min of CPU) on a busy 2-core machine, so not a default
#   e2e-versions  a cheaper subset (E2E_VERSIONS_FILES) on each of KUBE_VERSIONS_OTHER, building each line
#   vm            one-worker, single-node and kind-parity on a cgroup v2 guest under qemu (hack/vm; README
#                 "cgroup v2 (a VM)"), within VM_BUDGET_MIN (35 here; 15 min used under emulation on an idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/images/versions.env
E2E_VERSIONS_FILES=${E2E_VERSIONS_FILES:-"__tests__/e2e/single-node.test.ts __tests__/e2e/kind-parity.test.ts"}
default_tiers="unit integration e2e e2e-strict faults helm-replay vm"
warm=true
for v in $KUBE_VERSIONS_OTHER; do [[ -f $KIND_ACTION_CACHE/kubernetes/$v/.done ]] || warm=false; done
if $warm; then default_tiers+=" e2e-versions"; fi
tiers=("${@:-$default_tiers}")
tiers=(${tiers[*]})
$warm || [[ " ${tiers[*]} " == *" e2e-versions "* ]] ||
  echo "note: e2e-versions ($KUBE_VERSIONS_OTHER) is left out until those lines are built: hack/test.sh e2e-versions"
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

run_tier() { # run_tier <project> <result name> [files...]; REPORTER=verbose prints one line per test
  step "$2 tests"
  npx vitest run --project "$1" --reporter="${REPORTER:-default}" --reporter=json --outputFile="$results/$2.json" "${@:3}"
}

status=0
for tier in "${tiers[@]}"; do
  case $tier in
    e2e)
      step "node image $KUBE_VERSION and upstream kind CLI $KIND_CLI_VERSION (cached)"
      hack/images/build-all.sh
      run_tier e2e e2e || status=1 ;;
    e2e-strict)
      step "node image $KUBE_VERSION and upstream kind CLI $KIND_CLI_VERSION (cached)"
      hack/images/build-all.sh
      KIND_ACTION_SPEEDUPS=off run_tier e2e e2e-strict || status=1 ;;
    faults)
      step "node image $KUBE_VERSION and upstream kind CLI $KIND_CLI_VERSION (cached)"
      hack/images/build-all.sh
      REPORTER=verbose run_tier faults faults || status=1 ;;
    helm-replay)
      step "node image $KUBE_VERSION and upstream kind CLI $KIND_CLI_VERSION (cached)"
      hack/images/build-all.sh
      KIND_ACTION_HELM_REPLAY=1 run_tier e2e helm-replay __tests__/e2e/helm-replay.test.ts || status=1 ;;
    node-image-source)
      step "node image $KUBE_VERSION and upstream kind CLI $KIND_CLI_VERSION (cached)"
      hack/images/build-all.sh
      KIND_ACTION_SOURCE_BUILD=1 run_tier e2e node-image-source __tests__/e2e/build-node-image.test.ts -t kubernetes_source || status=1 ;;
    integration)
      # Its stand-in nodes are a busybox image made from the host's static busybox (no registry here).
      if [[ ! -x /bin/busybox ]]; then
        step "busybox-static (apt, for the integration tier's stand-in nodes)"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
      fi
      run_tier integration integration || status=1 ;;
    e2e-versions)
      for v in $KUBE_VERSIONS_OTHER; do
        step "node image $v (cached)"
        hack/images/build-all.sh "$v"
        # shellcheck disable=SC2086 # a list of files
        KUBE_VERSION=$v run_tier e2e "e2e-$v" $E2E_VERSIONS_FILES || status=1
      done ;;
    vm)
      step "node image $KUBE_VERSION and upstream kind CLI $KIND_CLI_VERSION (cached)"
      hack/images/build-all.sh
      step "cgroup v2 guest (hack/vm/build.sh, cached)"
      hack/vm/build.sh
      step "vm tests: e2e in the cgroup v2 guest (hack/vm/run.sh)"
      VM_BUDGET_MIN=${VM_BUDGET_MIN:-35} VM_JSON_DIR=$results hack/vm/run.sh || status=1 ;;
    *) run_tier "$tier" "$tier" || status=1 ;;
  esac
done

# One closing line for all tiers together.
node -e '
  const fs = require("fs"); let passed = 0, failed = 0, skipped = 0; const failures = []
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8")), tier = f.replace(/\.json$/, "")
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0)
    // A file that failed outside any test (its beforeAll, an import) reports its tests as skipped: count it.
    for (const file of r.testResults || []) {
      const failedTests = (file.assertionResults || []).filter(a => a.status === "failed")
      if (file.status === "failed" && failedTests.length === 0) {
        failed += 1
        failures.push(`${tier}: ${file.name}: ${(file.message || "failed outside its tests").split("\n")[0]}`)
      }
      for (const a of failedTests) failures.push(`${tier}: ${file.name} > ${a.fullName}: ${(a.failureMessages || [""])[0].split("\n")[0]}`)
    }
  }
  // The failures again at the end, where a CI log cut to its tail still shows them.
  if (failures.length) console.log("\nfailed (tier: file > test: first line):\n" + failures.map(l => "  " + l.slice(0, 400)).join("\n"))
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`)
' "$results"
exit $status
