#!/usr/bin/env bash
# npm run build: the four bundles in dist/ (main, post, export-logs, kind-cli), built at once with ncc. ncc only
# transpiles (see src/tsconfig.json): its own type check took most of the build, once per bundle, so src/
# is type checked once by tsc alongside, and the build fails on a type error or a missing module as
# before. A failed step's whole output is shown.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -A pids
npx tsc --noEmit -p tsconfig.json >"$logs/typecheck" 2>&1 &
pids[typecheck]=$!
for entry in main post export-logs kind-cli build-node-image; do
  npx ncc build "src/$entry-entry.ts" -o "dist/$entry" --license licenses.txt --transpile-only >"$logs/$entry" 2>&1 &
  pids[$entry]=$!
done
status=0
for entry in typecheck main post export-logs kind-cli build-node-image; do
  if wait "${pids[$entry]}"; then
    grep -E '\] - ncc' "$logs/$entry" | sed "s#^#dist/$entry: #"
  else
    status=1
    echo "npm run build: $entry failed:" >&2
    cat "$logs/$entry" >&2
  fi
done
exit $status
