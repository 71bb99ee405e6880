#!/usr/bin/env bash
# Measures save/restore throughput of an image through the image cache's format on this machine, with
# the local stand-in for the cache service (hack/fixtures/build-act.sh). Prints a table in MB/s.
#   hack/bench-cache.sh                       a ~1.1 GB image built for the purpose (removed afterwards)
#   BENCH_IMAGE=kindest/node:v1.34.4 hack/bench-cache.sh   an existing image (removed and restored, same ID)
#   BENCH_RUNS=3 (default 2)                 repetitions; medians are shown
set -euo pipefail
cd "$(dirname "$0")/.."
hack/docker-up.sh
[[ -d node_modules ]] || npm ci --no-audit --no-fund
hack/fixtures/build-act.sh >/dev/null
# @actions/cache writes workflow commands (::debug::) to stdout: keep them out of the table.
npx vitest run --config hack/fixtures/bench-cache.config.ts --reporter=verbose "$@" 2>&1 | grep -v -E '^(::debug::|::add-mask::|\[command\])'
