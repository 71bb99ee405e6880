#!/usr/bin/env bash
# Builds everything the end-to-end tests need, in dependency order: the Kubernetes binaries, the
# component images (+ crictl), the upstream kind CLI (for compatibility tests), and the node image
# kindest/node:$KUBE_VERSION. Each step is cached by content and returns at once when up to date,
# so this is safe to run at the start of every CI job.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

for step in build-kubernetes.sh build-components.sh build-kind-cli.sh build-node.sh; do
  start=$SECONDS
  echo "build-all: $step" >&2
  "$here/$step"
  echo "build-all: $step done in $((SECONDS - start)) s" >&2
done
