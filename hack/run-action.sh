#!/usr/bin/env bash
# Runs the action's main step from this checkout against the local Docker Engine, exactly as a runner
# runs it (node24, dist/main with INPUT_* and the GITHUB_* files), prints its outputs, then runs the
# post step with the saved state to delete the cluster. Inputs are given as name=value arguments:
#   hack/run-action.sh node_image=kindest/node:v1.34.4 workers=2
# --keep: skip the post step and leave the cluster (delete it later with this script's printed command).
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
args=()
for a in "$@"; do [[ $a == --keep ]] && keep=true || args+=("$a"); done
hack/docker-up.sh
[[ -d node_modules ]] || npm ci --no-audit --no-fund
[[ -f dist/main/index.js ]] || npm run build
KEEP=$keep node --input-type=module - "${args[@]}" <<'JS'
import { disposeRunner, newRunner, runMain, runPost } from './hack/runner.mjs'
const inputs = Object.fromEntries(process.argv.slice(2).map(a => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]))
const runner = newRunner()
// A person running this wants the cluster in their own kubeconfig.
runner.home = process.env.HOME
const main = await runMain(runner, inputs, { echo: true })
console.log(`\n== main step exit code ${main.exitCode}; outputs:`)
for (const [k, v] of Object.entries(main.outputs)) console.log(`  ${k} = ${v}`)
if (process.env.KEEP === 'true') {
  console.log(`\nCluster kept. KUBECONFIG=${main.outputs.kubeconfig ?? ''}; delete it with: docker rm -f -v $(docker ps -aq --filter label=io.x-k8s.kind.cluster=${main.outputs.cluster_name ?? inputs.cluster_name ?? 'kind'})`)
} else {
  const post = await runPost(runner, main.step, { echo: true })
  console.log(`\n== post step exit code ${post.exitCode}`)
  disposeRunner(runner)
}
process.exit(main.exitCode)
JS
